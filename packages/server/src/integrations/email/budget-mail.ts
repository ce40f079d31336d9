import type { Config } from "../../config.js";
import type { Subscriber } from "../../events/bus.js";
import type { BudgetAlert, PlatformEvent } from "../../events/types.js";
import { inertText as t } from "../../lib/plain-text.js";
import type { Database } from "../../store/db.js";
import { ownerEmails } from "../../store/memberships.js";
import { findTenant } from "../../store/tenants.js";
import type { Mail, MailTransport } from "./transport.js";

export const BUDGET_EVENTS = ["budget.threshold", "budget.exceeded"] as const;
export type BudgetEvent = PlatformEvent<(typeof BUDGET_EVENTS)[number]>;

/**
 * A budget alert (DESIGN.md §10) to the tenant's owners, for its keys' budgets and its own: the
 * tenant's money, so the people who answer for it. Recipients are read at delivery time, so an
 * owner who joined since the charge hears of it; a tenant nobody has claimed yet has only its
 * admin_email. One mail to all of them: co-owners see each other in the members list anyway.
 */
export function budgetEmailSubscriber(config: Config, db: Database, transport: MailTransport): Subscriber<BudgetEvent["type"]> {
  return {
    name: "email.budget",
    patterns: BUDGET_EVENTS,
    async handle(event, { deliveryId, signal }) {
      const to = await budgetRecipients(db, event.data.tenantId);
      if (to.length === 0) return; // the tenant is gone
      await transport.send({ to, ...budgetMail(config, event) }, { deliveryId, signal });
    },
  };
}

/** The tenant's owners, else (no owner yet) its admin_email; read as the tenant, under its row-level security. */
export function budgetRecipients(db: Database, tenantId: string): Promise<string[]> {
  return db.asTenant(tenantId, async (tx) => {
    const owners = await ownerEmails(tx);
    if (owners.length > 0) return owners;
    const tenant = await findTenant(tx, tenantId);
    return tenant ? [tenant.admin_email] : [];
  });
}

/** Dollars as people read them: cents, or two significant digits for the sub-cent spend of cheap models. */
export function usd(n: number): string {
  const digits = n > 0 && n < 0.01 ? Math.min(8, 1 - Math.floor(Math.log10(n))) : 2;
  return `$${n.toFixed(digits)}`;
}

/** The figures of an alert, in our own words only (no user-supplied text): safe for mail and mrkdwn alike. */
export function budgetFigures(d: BudgetAlert) {
  const percent = d.budgetUsd > 0 ? Math.floor((d.spentUsd / d.budgetUsd) * 100) : 100;
  const period = d.budgetPeriod === "lifetime" ? "lifetime budget" : `${d.budgetPeriod} budget for ${d.period.slice(1)} (UTC)`;
  const resets =
    d.resetsAt === null
      ? "A lifetime budget does not reset: it has to be raised (or removed) for requests to go on."
      : `It resets at ${d.resetsAt.slice(0, 16).replace("T", " ")} UTC.`;
  return { spent: usd(d.spentUsd), budget: usd(d.budgetUsd), percent: `${percent}%`, period, resets };
}

export function budgetMail(config: Config, event: BudgetEvent): Omit<Mail, "to"> {
  const d = event.data;
  const f = budgetFigures(d);
  const key = d.scope === "key";
  const whose = key ? `API key "${t(d.keyName ?? d.keyId)}" of ${t(d.tenantName)}` : t(d.tenantName);
  const refused = key ? "the key's requests are refused" : "requests with any of the tenant's keys are refused";
  const where = key
    ? `the API keys page, ${config.publicUrl}/dashboard/keys (or PATCH /v1/tenant/api-keys/${d.keyId} with an admin-role key)`
    : `the settings page, ${config.publicUrl}/dashboard/settings (or PATCH /v1/tenant/settings with an admin-role key)`;
  const exceeded = event.type === "budget.exceeded";
  return {
    subject: exceeded ? `${whose} is over its ${f.period}` : `${whose} has used ${f.percent} of its ${f.period}`,
    text: [
      `${whose} (tenant ${t(d.tenantSlug)}) has spent ${f.spent} of its ${f.budget} ${f.period}: ${f.percent}.`,
      exceeded
        ? `From now on ${refused} (429 budget_exceeded).`
        : `At 100% ${refused} (429 budget_exceeded) until the budget resets or is raised.`,
      f.resets,
      "",
      `To change the budget: ${where}.`,
    ].join("\n"),
  };
}
