import type { Config } from "../../config.js";
import { issueClaimToken } from "../../services/credentials.js";
import { serverSecret } from "../../store/server-secrets.js";
import type { Database } from "../../store/db.js";
import type { Subscriber } from "../../events/bus.js";
import type { PlatformEvent } from "../../events/types.js";
import { inertText as t } from "../../lib/plain-text.js";
import type { Mail, MailTransport } from "./transport.js";

const CLAIM_DAYS = 30;

const TENANT_EMAIL_EVENTS = ["tenant.signup", "tenant.approved", "tenant.rejected", "tenant.suspended"] as const;
type TenantEmailEvent = PlatformEvent<(typeof TENANT_EMAIL_EVENTS)[number]>;

/**
 * The founder (BR_ADMIN_EMAILS) hears of every signup and every proposal. A proposal's mail says
 * how to approve it (CLI, API) and carries no approve link: an email is no proof of who clicks.
 */
export function founderEmailSubscriber(config: Config, transport: MailTransport): Subscriber<"tenant.signup" | "proposal.created"> {
  return {
    name: "email.founder",
    patterns: ["tenant.signup", "proposal.created"],
    async handle(event, { deliveryId, signal }) {
      await transport.send({ to: config.BR_ADMIN_EMAILS, ...founderMail(config, event) }, { deliveryId, signal });
    },
  };
}

function founderMail(config: Config, event: PlatformEvent<"tenant.signup" | "proposal.created">): Omit<Mail, "to"> {
  if (event.type === "proposal.created") {
    const d = event.data;
    return {
      subject: `Proposal from ${t(d.proposedBy.label)}: ${t(d.summary)}`,
      text: [
        `${t(d.proposedBy.label)} proposes: ${t(d.summary)}.`,
        `Rationale: ${t(d.rationale)}`,
        `Expires: ${d.expiresAt}.`,
        "",
        "To approve or decline (as a platform admin other than the proposer):",
        `  brainstormrouter admin proposals approve ${d.proposalId}`,
        `  brainstormrouter admin proposals decline ${d.proposalId}`,
        `or POST ${config.publicUrl}/v1/admin/proposals/${d.proposalId}/approve (API reference: ${config.publicUrl}/docs).`,
      ].join("\n"),
    };
  }
  const d = event.data;
  const pending = d.status === "pending";
  return {
    subject: `New signup: ${t(d.tenantName)}${pending ? " (waiting for approval)" : ""}`,
    text: [
      `${t(d.tenantName)} (${t(d.tenantSlug)}) signed up via ${d.source}, admin email ${t(d.email ?? "none")}.`,
      `Status: ${d.status}.`,
      pending ? `Approve: POST ${config.publicUrl}/v1/admin/tenants/${d.tenantId}/approve` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  };
}

/**
 * The tenant's admin_email: its claim link at machine registration, then every decision about it.
 * The outbox carries no secret, so the claim token is made here, at send time, derived from the
 * delivery id: every retry of one delivery sends the same token and stores it once. It is never
 * revoked after a failed send: a send that failed on our side may still have reached the inbox
 * (and a retry is deduplicated by the provider), so the link in it must keep working.
 */
export function tenantEmailSubscriber(config: Config, db: Database, transport: MailTransport): Subscriber<TenantEmailEvent["type"]> {
  let secret: Promise<string> | undefined;
  return {
    name: "email.tenant",
    patterns: TENANT_EMAIL_EVENTS,
    async handle(event, { deliveryId, signal }) {
      const d = event.data;
      if (!d.email) return;
      const mail = await mailFor(event, async () => {
        // Logged mail has no reader: a token minted for it would only be a live secret nobody holds.
        if (transport.kind === "log") return null;
        secret ??= db
          .asPlatform((tx) => serverSecret(tx, "claim-email"))
          .catch((err: unknown) => {
            secret = undefined; // asked again on the next delivery, not cached as a failure
            throw err;
          });
        const derived = { secret: await secret, seed: deliveryId };
        const claim = await db.asTenant(d.tenantId, (tx) =>
          issueClaimToken(
            tx,
            config,
            { tenantId: d.tenantId, role: "owner", maxUses: 1, expiresInDays: CLAIM_DAYS, kind: "registration", createdBy: "email" },
            derived,
          ),
        );
        return claim.url;
      });
      if (mail) await transport.send({ ...mail, to: [d.email] }, { deliveryId, signal });
    },
  };
}

async function mailFor(event: TenantEmailEvent, claimLink: () => Promise<string | null>): Promise<Omit<Mail, "to"> | null> {
  if (event.type === "tenant.signup") {
    const d = event.data;
    // A human who signed up through OIDC is already the owner; only machine signups need the link.
    if (d.source !== "machine") return null;
    const url = await claimLink();
    const waiting = d.status === "pending" ? "\nYour tenant is waiting for approval; we will email you when it is decided." : "";
    return {
      subject: `Claim ${t(d.tenantName)} on BrainstormRouter`,
      text: `An agent registered ${t(d.tenantName)} (${t(d.tenantSlug)}) with this address.${waiting}\n\nOpen this link to manage it (valid ${CLAIM_DAYS} days, once):\n${url ?? "(link not shown in logs)"}\n`,
    };
  }
  const d = event.data;
  const reason = d.reason ? `\nReason: ${t(d.reason)}` : "";
  switch (event.type) {
    case "tenant.approved":
      return {
        subject: `${t(d.tenantName)} is approved`,
        text: `${t(d.tenantName)} (${t(d.tenantSlug)}) is active: its API keys work now.`,
      };
    case "tenant.rejected":
      return {
        subject: `${t(d.tenantName)} was not approved`,
        text: `The signup of ${t(d.tenantName)} (${t(d.tenantSlug)}) was rejected.${reason}`,
      };
    case "tenant.suspended":
      return {
        subject: `${t(d.tenantName)} is suspended`,
        text: `${t(d.tenantName)} (${t(d.tenantSlug)}) is suspended: its API keys no longer work.${reason}`,
      };
  }
}
