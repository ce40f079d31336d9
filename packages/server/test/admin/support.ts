import { createHmac } from "node:crypto";
import { waitFor } from "../support/fakes/http-fake.js";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { humanToken, JWT_SECRET, request, startTestServer, type TestServer } from "../support/harness.js";
import type { TestDatabase } from "../support/databases.js";
import type { EngineName } from "../support/services.js";

export const FOUNDER = "founder@br.test";
export const FOUNDER_SUBJECT = `user|${FOUNDER}`;
export const SLACK_SIGNING_SECRET = "slack-signing-secret-for-tests";
export const SLACK_ADMIN = "UFOUNDER";

/** Fast dispatcher settings: tests wait on outcomes, never on wall-clock assertions. */
export const FAST_EVENTS = {
  BR_EVENTS_POLL_MS: "25",
  BR_EVENTS_BACKOFF_BASE_MS: "40",
  BR_EVENTS_BACKOFF_MAX_MS: "200",
  BR_EVENTS_TIMEOUT_MS: "2000",
  BR_EVENTS_LEASE_MS: "3000",
};

export function startAdminServer(engine: EngineName, env: Record<string, string> = {}, redis = false): Promise<TestServer> {
  return startTestServer({
    engine,
    redis,
    env: { BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: FOUNDER_SUBJECT, ...FAST_EVENTS, ...env },
  });
}

export const founderToken = () => humanToken(FOUNDER);

/**
 * Waits until nothing is left to deliver to the subscribers named like `subscriber` (SQL LIKE).
 * On a shared server, a queued fake failure must meet the delivery under test, not a leftover one:
 * earlier tests' events may still sit undispatched in the outbox and would post (and eat the
 * failure) later, so both the outbox and the delivery queue must be empty.
 */
export const deliveriesIdle = (server: TestServer, subscriber: string) =>
  waitFor(`no ${subscriber} delivery pending`, async () => {
    const busy = await server.deps.db.asPlatform(async (tx) => [
      ...(await tx.selectFrom("platform_events").select("id").where("dispatched_at", "is", null).execute()),
      ...(await tx
        .selectFrom("event_deliveries")
        .select("id")
        .where("subscriber", "like", subscriber)
        .where("status", "=", "pending")
        .execute()),
    ]);
    return busy.length === 0;
  });

/** A Slack interaction request signed as Slack documents it (v0, HMAC-SHA256 over `v0:ts:body`). */
export function slackRequest(
  payload: unknown,
  options: { timestamp?: number; secret?: string } = {},
): { rawBody: string; headers: Record<string, string> } {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const signature = `v0=${createHmac("sha256", options.secret ?? SLACK_SIGNING_SECRET)
    .update(`v0:${timestamp}:${rawBody}`)
    .digest("hex")}`;
  return {
    rawBody,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signature,
    },
  };
}

/** The block_actions payload Slack sends when someone clicks a button (a signup's or a proposal's). */
export function buttonClick(
  action: "approve_tenant" | "reject_tenant" | "approve_proposal" | "decline_proposal",
  value: string,
  userId: string,
  responseUrl: string,
) {
  return {
    type: "block_actions",
    user: { id: userId, username: userId.toLowerCase() },
    actions: [{ action_id: action, value, type: "button" }],
    response_url: responseUrl,
    container: { type: "message", channel_id: "CADMIN", message_ts: "1700000000.000100" },
  };
}

export async function tableCounts(server: TestServer) {
  return server.deps.db.asPlatform(async (tx) => {
    const n = async (table: "tenants" | "tenant_status_history" | "platform_events" | "invite_codes") =>
      Number(
        (
          await tx
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const statuses = await tx.selectFrom("tenants").select(["id", "status", "status_reason"]).orderBy("id").execute();
    const invites = await tx.selectFrom("invite_codes").select(["id", "deleted_at", "used_count"]).orderBy("id").execute();
    return {
      tenants: await n("tenants"),
      history: await n("tenant_status_history"),
      events: await n("platform_events"),
      invites: await n("invite_codes"),
      statuses,
      invitesState: invites,
    };
  });
}

/**
 * One more in-process instance of a scaled-out deployment: the shared database and Redis, the
 * founder as platform admin, and a key-cache TTL so long that only an invalidation (or the
 * channel's health), never expiry, can explain a refused key.
 */
export function startSharedInstance(shared: { database: TestDatabase; redisUrl: string; redisPrefix?: string }): Promise<RunningServer> {
  return startServer(
    loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      BR_AUTH_JWT_SECRET: JWT_SECRET,
      ...shared.database.env,
      REDIS_URL: shared.redisUrl,
      ...(shared.redisPrefix ? { BR_REDIS_PREFIX: shared.redisPrefix } : {}),
      BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: FOUNDER_SUBJECT,
      BR_KEY_CACHE_TTL_MS: "600000",
      ...FAST_EVENTS,
    }),
    createLogger("silent", new Writable({ write: (_c, _e, done) => done() })),
  );
}

/** A request to one instance of a pair. */
export const requestTo = (s: RunningServer, path: string, init?: Parameters<typeof request>[1]) =>
  request(`http://127.0.0.1:${s.port}${path}`, init);
