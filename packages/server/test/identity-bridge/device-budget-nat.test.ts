import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS } from "../support/services.js";
import { human, type Human } from "./helpers.js";

const IDENTITY_BUDGET = 3;
const ADDRESS_BUDGET = 5;

/** A fresh address per call: Redis-backed counters outlive the server (and the test run). */
const natAddress = () => `100.64.${randomInt(256)}.${randomInt(256)}`;
const authorize = async (server: TestServer, key: string) =>
  (await server.request("/v1/auth/device/authorize", { method: "POST", token: key })).body as { user_code: string; device_code: string };
const confirm = (server: TestServer, who: Human, user_code: string, from: string) =>
  server.request("/auth/device/confirm", { token: who.jwt, headers: { "x-forwarded-for": from }, body: { user_code } });
const lookup = (server: TestServer, who: Human, user_code: string, from: string) =>
  server.request("/auth/device/lookup", { token: who.jwt, headers: { "x-forwarded-for": from }, body: { user_code } });

describe.each(ENGINES)("device user-code budget behind one NAT on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      redis: HAS_REDIS,
      env: {
        BR_TRUST_PROXY: "true",
        BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: String(IDENTITY_BUDGET),
        BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS: String(ADDRESS_BUDGET),
      },
    });
  });
  afterAll(() => server.close());

  it("one guesser behind a NAT locks out only itself: honest people behind the same address still look up and confirm", async () => {
    const nat = natAddress();
    const reg = await registerTenant(server, { active: true });
    const guesser = await human("guesser");
    for (const code of ["BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD"]) expect((await confirm(server, guesser, code, nat)).status).toBe(400);
    const mine = await authorize(server, reg.key);
    expect((await confirm(server, guesser, mine.user_code, nat)).status).toBe(429);
    // Everyone else behind the NAT mistypes once: far more wrong codes from the address than its 5.
    const people = await Promise.all(Array.from({ length: ADDRESS_BUDGET }, () => human("colleague")));
    for (const who of people) expect((await confirm(server, who, "FFFF-FFFF", nat)).status).toBe(400);
    for (const who of people) {
      const theirs = await authorize(server, reg.key);
      expect((await lookup(server, who, theirs.user_code, nat)).status).toBe(200);
      expect((await confirm(server, who, theirs.user_code, nat)).body).toMatchObject({ status: "linked" });
    }
  });

  it("the guesser's own budget still follows it to any other address", async () => {
    const guesser = await human("roaming");
    for (let i = 0; i < IDENTITY_BUDGET; i++) expect((await confirm(server, guesser, "GGGG-GGGG", natAddress())).status).toBe(400);
    const refused = await lookup(server, guesser, "HHHH-HHHH", natAddress());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
