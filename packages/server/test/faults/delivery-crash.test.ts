import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnInstance, type Instance } from "../data-plane/support/instances.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { JWT_SECRET, request } from "../support/harness.js";
import { POSTGRES_URL } from "../support/services.js";

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  to: string[];
}

/** Resend's POST /emails that never answers its first request (the instance dies holding it). */
async function startHangingResend() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { to: string[] };
      received.push({ at: Date.now(), headers: req.headers, to: body.to });
      // The first email hangs: its delivery stays claimed and in flight until the instance dies.
      if (received.length === 1) return;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `email-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const until = async (what: string, check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * SIGKILL of the instance holding a delivery (default settings but the poll interval): another
 * instance delivers it once the lease runs out, within 15 s, under the same delivery id.
 */
describe.runIf(POSTGRES_URL)("SIGKILL of the server mid-delivery", () => {
  let database: TestDatabase;
  let resend: Awaited<ReturnType<typeof startHangingResend>>;
  const instances: Instance[] = [];
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    resend = await startHangingResend();
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await resend.close();
    await database.drop();
  });

  it("another instance delivers the crashed one's claim within 15 s, with the same Idempotency-Key", async () => {
    const env = {
      ...database.env,
      REDIS_URL: "", // not the run's shared Redis: these instances need none
      BR_AUTH_JWT_SECRET: JWT_SECRET,
      RESEND_API_KEY: "re_test",
      RESEND_API_URL: resend.url,
      BR_ADMIN_EMAILS: "founder@br.test",
      BR_EVENTS_POLL_MS: "100",
    };
    const a = await spawnInstance(env);
    instances.push(a);
    const reg = await request(`${a.url}/v1/register`, { body: { tenant_name: "Crash Lab", admin_email: "c@lab.test", accept_tos: true } });
    expect(reg.status).toBe(202);
    const toFounder = () => resend.received.filter((r) => r.to.includes("founder@br.test"));
    await until("the founder's email to be in flight", () => toFounder().length === 1, 10_000);
    const claimedAt = toFounder()[0]!.at;
    process.kill(a.pid, "SIGKILL");

    const b = await spawnInstance(env);
    instances.push(b);
    await until("the founder's email to be delivered again", () => toFounder().length === 2, 20_000);
    const [first, second] = toFounder();
    expect(second!.headers["idempotency-key"]).toBe(first!.headers["idempotency-key"]);
    expect(second!.at - claimedAt).toBeLessThanOrEqual(15_500);
  });
});
