import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";

const TOKEN = "metrics-token-0123456789";

/** The value of one sample line (`name{labels} value`), or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== "{" && rest[0] !== " ") continue;
    if (!Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe.each(ENGINES)("GET /metrics on %s", (engine) => {
  let server: TestServer;
  const scrape = async () => {
    const res = await server.request("/metrics", { token: TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return String(res.body);
  };
  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_METRICS_TOKEN: TOKEN, BR_USAGE_FLUSH_MS: "600000" } });
  });
  afterAll(() => server.close());

  it("refuses a scrape without the token, or with a wrong one", async () => {
    const none = await server.request("/metrics");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("metrics_token_required");
    expect((await server.request("/metrics", { token: `${TOKEN.slice(0, -1)}x` })).status).toBe(401);
  });

  it("counts requests by route pattern and status, and the counters move", async () => {
    const { key } = await registerTenant(server, { active: true });
    const before = await scrape();
    // A tenant key is not a platform admin's: 403, whichever id it asks for.
    const route = { route: "/v1/admin/tenants/:id", method: "GET", status: "403" };
    const baseline = sample(before, "br_http_requests_total", route) ?? 0;
    for (let i = 0; i < 3; i++) {
      expect((await server.request(`/v1/admin/tenants/00000000-0000-4000-8000-00000000000${i}`, { token: key })).status).toBe(403);
    }
    await server.request("/v1/no-such-route");
    const after = await scrape();
    // Whatever the route answers, three calls are three under its pattern, never under raw ids.
    expect(sample(after, "br_http_requests_total", route)).toBe(baseline + 3);
    expect(after).not.toContain("00000000-0000-4000-8000-000000000001");
    expect(sample(after, "br_http_requests_total", { route: "(unmatched)", status: "404" })).toBeGreaterThanOrEqual(1);
    expect(sample(after, "br_http_request_duration_seconds_count", { route: "/v1/tenant", method: "GET" })).toBeUndefined();
    await server.request("/v1/tenant", { token: key });
    const last = await scrape();
    expect(sample(last, "br_http_request_duration_seconds_count", { route: "/v1/tenant", method: "GET" })).toBe(1);
  });

  it("reports the key cache, the usage batch, the outbox and the database pool", async () => {
    const { key } = await registerTenant(server, { active: true });
    const chat = () =>
      server.request("/v1/chat/completions", { token: key, body: { model: "echo", messages: [{ role: "user", content: "hi" }] } });
    const before = await scrape();
    await chat();
    await chat();
    const after = await scrape();
    // The first call of a fresh key misses the cache, the second hits it.
    expect(
      sample(after, "br_key_cache_lookups", { result: "hit" })! - sample(before, "br_key_cache_lookups", { result: "hit" })!,
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, "br_key_cache_entries")).toBeGreaterThanOrEqual(1);
    // The flush interval is ten minutes here: both completions are still buffered, and waiting.
    expect(sample(after, "br_usage_buffered_events")).toBeGreaterThanOrEqual(2);
    expect(sample(after, "br_usage_batch_lag_seconds")).toBeGreaterThan(0);
    await server.deps.meter.flush();
    expect(sample(await scrape(), "br_usage_buffered_events")).toBe(0);
    // Registration announced tenant.signup: its deliveries are counted by subscriber and status.
    expect(after).toMatch(/br_outbox_undelivered\{subscriber="[^"]+",status="(pending|failed)"\} \d+|# TYPE br_outbox_undelivered gauge/);
    expect(sample(after, "br_db_connections_in_use")).toBeGreaterThanOrEqual(0);
  });
});

describe("BR_METRICS_PORT", () => {
  let server: TestServer;
  let unconfigured: TestServer;
  beforeAll(async () => {
    [server, unconfigured] = await Promise.all([startTestServer({ env: { BR_METRICS_PORT: "0" } }), startTestServer()]);
  });
  afterAll(() => Promise.all([server.close(), unconfigured.close()]));

  it("serves /metrics on its own port without a token, and not on the API port", async () => {
    expect(server.metricsPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("# TYPE br_http_requests_total counter");
    expect((await server.request("/metrics")).status).toBe(404);
  });

  it("is not served at all when neither a token nor a port is configured", async () => {
    expect(unconfigured.metricsPort).toBeNull();
    expect((await unconfigured.request("/metrics")).status).toBe(404);
  });
});
