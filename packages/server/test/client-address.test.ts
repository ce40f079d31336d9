import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/harness.js";
import { ENGINES, HAS_REDIS } from "./support/services.js";

const hex = () => randomInt(0x10000).toString(16);

describe.each(ENGINES)("per-address budgets count an IPv6 /64 as one address on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, redis: HAS_REDIS, env: { BR_TRUST_PROXY: "true", BR_REGISTER_RATE_PER_MIN: "2" } });
  });
  afterAll(() => server.close());

  const register = (from: string) =>
    server.request("/v1/register", {
      body: { tenant_name: "Prefix Lab", admin_email: `p-${randomBytes(4).toString("hex")}@lab.test`, accept_tos: true },
      headers: { "x-forwarded-for": from },
    });

  it("a client rotating through its /64 (privacy addresses) spends one budget; the next /64 has its own", async () => {
    const prefix = `2001:db8:${hex()}:${hex()}`;
    expect((await register(`${prefix}::1`)).status).toBe(202);
    expect((await register(`${prefix}:a:b:c:d`)).status).toBe(202);
    const refused = await register(`${prefix.toUpperCase()}:ffff:ffff:ffff:fffe`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect((await register(`2001:db8:${hex()}:${hex()}::1`)).status).toBe(202);
  });

  it("IPv4 stays per address, and IPv4 written as IPv4-mapped IPv6 is the same address", async () => {
    const v4 = `203.0.${randomInt(256)}.${randomInt(1, 250)}`;
    expect((await register(v4)).status).toBe(202);
    expect((await register(`::ffff:${v4}`)).status).toBe(202);
    expect((await register(`[::ffff:${v4}]:443`)).status).toBe(429);
    const neighbour = v4.replace(/\d+$/, (d) => String(Number(d) + 1));
    expect((await register(neighbour)).status).toBe(202);
  });
});
