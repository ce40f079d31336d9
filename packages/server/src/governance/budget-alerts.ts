import type { Logger } from "pino";
import { emit } from "../events/outbox.js";
import type { Database } from "../store/db.js";
import type { BudgetCrossing } from "./spend-ledger.js";

/**
 * A crossing, as a `budget.threshold` / `budget.exceeded` event in the outbox. A counter only
 * grows within its period, so each threshold is crossed by exactly one charge (INCRBY is atomic
 * on Redis): once per scope and period, on whichever instance charged it. Written after the
 * response, in background; a failed write is logged, not retried (the digest still lists the
 * scope as over budget).
 */
export function budgetAlerter(db: Database, log: Logger) {
  return (crossing: BudgetCrossing) => {
    const { budget, level, spentUsd, window } = crossing;
    db.asPlatform(async (tx) => {
      const tenant = await tx.selectFrom("tenants").select(["id", "slug", "name"]).where("id", "=", budget.tenantId).executeTakeFirst();
      if (!tenant) return;
      const key =
        budget.scope === "key" ? await tx.selectFrom("api_keys").select("name").where("id", "=", budget.id).executeTakeFirst() : undefined;
      await emit(
        tx,
        level === "threshold" ? "budget.threshold" : "budget.exceeded",
        {
          tenantId: tenant.id,
          tenantSlug: tenant.slug,
          tenantName: tenant.name,
          scope: budget.scope,
          keyId: budget.scope === "key" ? budget.id : null,
          keyName: key?.name ?? null,
          budgetUsd: budget.usd,
          budgetPeriod: budget.period,
          spentUsd,
          period: window.key,
          resetsAt: window.resetsAt === null ? null : new Date(window.resetsAt).toISOString(),
        },
        tenant.id,
      );
    }).catch((err: unknown) => log.error({ err, scope: budget.scope, id: budget.id, level }, "could not record a budget alert"));
  };
}
