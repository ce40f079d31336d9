import { randomBytes } from "node:crypto";
import { humanToken, registerTenant, type Registered, type TestServer } from "../support/harness.js";

export const uniqueEmail = (label = "human") => `${label}-${randomBytes(4).toString("hex")}@people.test`;

export interface Human {
  email: string;
  subject: string;
  jwt: string;
}

export async function human(label?: string): Promise<Human> {
  const email = uniqueEmail(label);
  return { email, subject: `user|${email}`, jwt: await humanToken(email) };
}

export function claim(server: TestServer, who: Human, body: Record<string, unknown>) {
  return server.request("/auth/claim", { token: who.jwt, body });
}

/** An active tenant whose registration claim was redeemed by a fresh owner. */
export async function ownedTenant(server: TestServer): Promise<{ reg: Registered; owner: Human }> {
  const reg = await registerTenant(server, { active: true });
  const owner = await human("owner");
  const res = await claim(server, owner, { token: reg.claimToken });
  if (res.status !== 201) throw new Error(`claim failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { reg, owner };
}

/**
 * Joins `who` to the tenant with `role` through a claim link minted by the tenant's admin key, or
 * on the dashboard by the member `by`. Once the tenant has an owner, only an owner mints an owner
 * link: pass `by`.
 */
export async function joinAs(server: TestServer, reg: Registered, who: Human, role: "owner" | "admin" | "member", by?: Human) {
  const link = by
    ? await asMember(server, by, reg.tenantId, "/auth/claim-links", { body: { role } })
    : await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role } });
  if (link.status !== 201) throw new Error(`claim link failed: ${link.status} ${JSON.stringify(link.body)}`);
  const res = await claim(server, who, { token: link.body.token });
  if (res.status !== 201) throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.membership as { id: string; user_id: string; role: string };
}

/** A dashboard request acting in `tenantId`. */
export function asMember(server: TestServer, who: Human, tenantId: string, path: string, init: { method?: string; body?: unknown } = {}) {
  return server.request(path, { ...init, token: who.jwt, headers: { "x-br-tenant-id": tenantId } });
}

export function eventsOf(server: TestServer, tenantId: string, type: string) {
  return server.deps.db.asPlatform((tx) =>
    tx.selectFrom("platform_events").selectAll().where("tenant_id", "=", tenantId).where("type", "=", type).execute(),
  );
}
