import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { APIConnectionTimeoutError, BrainstormRouter, ConflictError, InternalServerError, RateLimitError } from "../src/index.js";

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

/** A real HTTP server on 127.0.0.1 answering by script, counting hits. */
async function fakeServer(handler: Handler): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => handler(req, res, hits++));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", "x-br-request-id": `req-${status}`, ...headers });
  res.end(JSON.stringify(body));
};
const envelope = (type: string, code: string, recovery?: object) => ({
  error: { message: code, type, code, ...(recovery ? { recovery } : {}) },
});
const TENANT = { tenant: { id: "t", slug: "s", name: "n", status: "active" }, key: { id: "k", prefix: "p", role: "admin" } };

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function client(handler: Handler, options: ConstructorParameters<typeof BrainstormRouter>[0] = {}) {
  const fake = await fakeServer(handler);
  servers.push(fake.server);
  return { fake, client: new BrainstormRouter({ apiKey: "br_live_test", baseURL: fake.url, ...options }) };
}

describe("retries", () => {
  it("retries a 503 and returns the answer that follows", async () => {
    const { fake, client: br } = await client((_req, res, hit) =>
      hit < 2 ? json(res, 503, envelope("api_error", "unavailable"), { "retry-after": "0" }) : json(res, 200, TENANT),
    );
    await expect(br.tenant.retrieve()).resolves.toEqual(TENANT);
    expect(fake.hits()).toBe(3);
  });

  it("gives up after maxRetries with InternalServerError carrying the request id", async () => {
    const { fake, client: br } = await client((_req, res) => json(res, 503, envelope("api_error", "unavailable"), { "retry-after": "0" }), {
      maxRetries: 1,
    });
    const err = await br.tenant.retrieve().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 503, type: "api_error", code: "unavailable", requestId: "req-503" });
    expect(fake.hits()).toBe(2);
  });

  it("waits the Retry-After of a 429 before retrying", async () => {
    const at: number[] = [];
    const { client: br } = await client((_req, res, hit) => {
      at.push(Date.now());
      if (hit === 0) json(res, 429, envelope("rate_limit_error", "rate_limited", { action: "wait" }), { "retry-after": "1" });
      else json(res, 200, TENANT);
    });
    await br.tenant.retrieve();
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
  });

  it("does not retry a 409 the server does not call transient, but does one with recovery retry", async () => {
    const permanent = await client((_req, res) => json(res, 409, envelope("conflict_error", "invalid_transition")));
    await expect(permanent.client.tenant.retrieve()).rejects.toBeInstanceOf(ConflictError);
    expect(permanent.fake.hits()).toBe(1);
    const transient = await client((_req, res, hit) =>
      hit === 0 ? json(res, 409, envelope("conflict_error", "busy", { action: "retry" }), { "retry-after": "0" }) : json(res, 200, TENANT),
    );
    await expect(transient.client.tenant.retrieve()).resolves.toEqual(TENANT);
  });

  it("maxRetries 0 surfaces the first 429 as RateLimitError", async () => {
    const { fake, client: br } = await client(
      (_req, res) => json(res, 429, envelope("rate_limit_error", "rate_limited", { action: "wait" }), { "retry-after": "30" }),
      {
        maxRetries: 0,
      },
    );
    const err = await br.tenant.retrieve().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ recovery: { action: "wait" } });
    expect(fake.hits()).toBe(1);
  });

  it("times out a hanging attempt and retries it", async () => {
    const { fake, client: br } = await client((_req, res, hit) => (hit === 0 ? undefined : json(res, 200, TENANT)), { timeout: 200 });
    await expect(br.tenant.retrieve()).resolves.toEqual(TENANT);
    expect(fake.hits()).toBe(2);
    const hanging = await client(() => undefined, { timeout: 100, maxRetries: 0 });
    await expect(hanging.client.tenant.retrieve()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe("requests", () => {
  it("encodes path segments and sends the tenant header only with an access token", async () => {
    const seen: { url?: string; headers: IncomingMessage["headers"] }[] = [];
    const { client: br } = await client(
      (req, res) => {
        seen.push({ url: req.url, headers: req.headers });
        json(res, 200, { data: [], next_cursor: null });
      },
      { apiKey: null, accessToken: "jwt-token", tenantId: "tenant-1" },
    );
    await br.admin.getTenant("a/b?c");
    await br.auth.apiKeys.list();
    expect(seen[0]!.url).toBe("/v1/admin/tenants/a%2Fb%3Fc");
    expect(seen[1]!.headers.authorization).toBe("Bearer jwt-token");
    expect(seen[1]!.headers["x-br-tenant-id"]).toBe("tenant-1");
  });

  it("walks every page with for await", async () => {
    const pages: Record<string, { data: number[]; next_cursor: string | null }> = {
      "": { data: [1, 2], next_cursor: "c2" },
      c2: { data: [3], next_cursor: "c3" },
      c3: { data: [4, 5], next_cursor: null },
    };
    const { client: br } = await client((req, res) => {
      const cursor = new URL(req.url!, "http://x").searchParams.get("cursor") ?? "";
      json(res, 200, pages[cursor]);
    });
    const ids: unknown[] = [];
    for await (const t of br.admin.listTenants({ limit: 2 })) ids.push(t);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    const first = await br.admin.listTenants();
    expect(first.data).toEqual([1, 2]);
    expect(first.hasNextPage()).toBe(true);
    expect((await first.getNextPage()).data).toEqual([3]);
  });

  it("walks a dashboard list's pages with the same limit, token and tenant on each; dev sign-in sends no credential", async () => {
    const seen: { query: URLSearchParams; headers: IncomingMessage["headers"] }[] = [];
    const { client: br } = await client(
      (req, res) => {
        const url = new URL(req.url!, "http://x");
        seen.push({ query: url.searchParams, headers: req.headers });
        if (url.pathname === "/auth/dev/sign-in") return json(res, 200, { access_token: "t", token_type: "Bearer", expires_in: 60 });
        json(
          res,
          200,
          url.searchParams.get("cursor") ? { data: [{ id: "m2" }], next_cursor: null } : { data: [{ id: "m1" }], next_cursor: "c2" },
        );
      },
      { apiKey: null, accessToken: "jwt-token", tenantId: "tenant-1" },
    );
    const ids: string[] = [];
    for await (const m of br.auth.members.list({ limit: 200 })) ids.push(m.id);
    expect(ids).toEqual(["m1", "m2"]);
    expect(seen.map((s) => [s.query.get("limit"), s.query.get("cursor"), s.headers["x-br-tenant-id"], s.headers.authorization])).toEqual([
      ["200", null, "tenant-1", "Bearer jwt-token"],
      ["200", "c2", "tenant-1", "Bearer jwt-token"],
    ]);
    await br.auth.devSignIn({ email: "dev@lab.test" });
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it("reads BRAINSTORMROUTER_API_KEY and BRAINSTORMROUTER_BASE_URL", async () => {
    let auth: string | undefined;
    const fake = await fakeServer((req, res) => {
      auth = req.headers.authorization;
      json(res, 200, TENANT);
    });
    servers.push(fake.server);
    process.env.BRAINSTORMROUTER_API_KEY = "br_live_from_env";
    process.env.BRAINSTORMROUTER_BASE_URL = fake.url;
    try {
      await new BrainstormRouter().tenant.retrieve();
    } finally {
      delete process.env.BRAINSTORMROUTER_API_KEY;
      delete process.env.BRAINSTORMROUTER_BASE_URL;
    }
    expect(auth).toBe("Bearer br_live_from_env");
  });
});

describe("streams", () => {
  it("parses server-sent events split anywhere, stopping at [DONE]", async () => {
    const { client: br } = await client((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"n"');
      setTimeout(() => {
        res.write(':1}\n\ndata: {"n":2}\r\n');
        setTimeout(() => res.end('\r\n: comment\n\ndata: [DONE]\n\ndata: {"n":3}\n\n'), 20);
      }, 20);
    });
    const stream = await br.chat.completions.create({ model: "m", messages: [], stream: true });
    const seen: unknown[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe("waitForDeviceLink", () => {
  it("waits interval between polls and 5 s more after slow_down; pending states are values", async () => {
    const answers = [
      [400, { error: "authorization_pending", error_description: "waiting" }],
      [400, { error: "slow_down", error_description: "slow" }],
      [200, { status: "linked", tenant: TENANT.tenant, user: { id: "u" } }],
    ] as const;
    const { client: br } = await client((_req, res, hit) => json(res, answers[hit]![0], answers[hit]![1]));
    const waits: number[] = [];
    const polls: string[] = [];
    const linked = await br.identityBridge.waitForDeviceLink(
      { device_code: "dc", interval: 2, expires_in: 900 },
      { sleep: async (ms) => void waits.push(ms), onPoll: (s) => polls.push(s.error) },
    );
    expect(linked.status).toBe("linked");
    expect(waits).toEqual([2000, 2000, 7000]);
    expect(polls).toEqual(["authorization_pending", "slow_down"]);
  });

  it("throws DeviceFlowError on access_denied", async () => {
    const { client: br } = await client((_req, res) => json(res, 400, { error: "access_denied" }));
    await expect(
      br.identityBridge.waitForDeviceLink({ device_code: "dc", interval: 1, expires_in: 900 }, { sleep: async () => undefined }),
    ).rejects.toMatchObject({ name: "DeviceFlowError", error: "access_denied" });
  });
});
