import { createServer } from "node:net";
import { createTestDatabase, type TestDatabase } from "../../packages/server/test/support/databases.js";
import { startBenchServer, type BenchServer } from "../lib/child.js";
import type { Target } from "./measure.js";
import { startFloorProxy, startMockUpstream, startPortkey, type Child } from "./processes.js";

export const CHAT_BODY = JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: "Say something." }] });
export const STREAM_BODY = JSON.stringify({ model: "mock-model", stream: true, messages: [{ role: "user", content: "Say something." }] });

/** BR_PROVIDERS for the mock upstream, priced (gpt-4o-mini's list price) so that budgeted requests are charged. */
export function pricedProviders(upstreamUrl: string): string {
  return JSON.stringify([
    {
      type: "openai-compatible",
      name: "mock",
      base_url: upstreamUrl,
      api_key: "sk-mock",
      models: ["mock-model"],
      prices: { "mock-model": { input_per_mtok: 0.15, output_per_mtok: 0.6 } },
    },
  ]);
}

export interface Gateways {
  direct: Target;
  /** node:http + undici, and bare Hono: proxies with nothing of the gateway in them. */
  rawProxy: Target;
  honoProxy: Target;
  brainstormrouter: Target;
  /** The same instance, called with a key that has a budget and an allow-list. */
  brainstormrouterPolicy: Target;
  /** The same, on PostgreSQL (a fresh database made from DATABASE_URL), when DATABASE_URL is set. */
  brainstormrouterPg?: Target;
  portkey: Target;
  br: BenchServer;
  stop(): Promise<void>;
}

/**
 * The mock upstream, BrainstormRouter (API-key auth, per-request metering, embedded PGlite) and
 * Portkey's gateway, each in its own process, all on 127.0.0.1, all in front of the same upstream.
 */
export async function startGateways(): Promise<Gateways> {
  const upstream = await startMockUpstream(1024);
  const providers = pricedProviders(upstream.url);
  const [raw, hono] = await Promise.all([startFloorProxy("raw", upstream.url), startFloorProxy("hono", upstream.url)]);
  // The embedded defaults: PGlite and the in-process cache, even when the caller's shell has
  // DATABASE_URL or REDIS_URL set (a budgeted request's Redis round trips are bench:budget-cost's).
  const br = await startBenchServer({ BR_PROVIDERS: providers, DATABASE_URL: "", BR_MIGRATION_DATABASE_URL: "", REDIS_URL: "" });
  let pg: { server: BenchServer; database: TestDatabase } | undefined;
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase("postgres");
    pg = { database, server: await startBenchServer({ BR_PROVIDERS: providers, ...database.env, REDIS_URL: "" }) };
  }
  const portkey: Child = await startPortkey(await freePort());
  return {
    br,
    ...(pg
      ? {
          brainstormrouterPg: {
            name: "BrainstormRouter (PostgreSQL)",
            url: `${pg.server.url}/v1/chat/completions`,
            headers: { authorization: `Bearer ${pg.server.key}` },
          },
        }
      : {}),
    direct: { name: "direct", url: `${upstream.url}/chat/completions`, headers: { authorization: "Bearer sk-mock" } },
    rawProxy: { name: "node:http + undici proxy", url: `${raw.url}/v1/chat/completions`, headers: {} },
    honoProxy: { name: "bare Hono proxy", url: `${hono.url}/v1/chat/completions`, headers: {} },
    brainstormrouterPolicy: {
      name: "BrainstormRouter (PGlite, budget + allow-list)",
      url: `${br.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${br.policyKey}` },
    },
    brainstormrouter: {
      name: "BrainstormRouter (PGlite)",
      url: `${br.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${br.key}` },
    },
    portkey: {
      name: "Portkey",
      url: `${portkey.url}/v1/chat/completions`,
      headers: { authorization: "Bearer sk-mock", "x-portkey-provider": "openai", "x-portkey-custom-host": upstream.url },
    },
    async stop() {
      await Promise.all([br.stop(), pg?.server.stop(), portkey.stop(), raw.stop(), hono.stop(), upstream.stop()]);
      await pg?.database.drop();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
