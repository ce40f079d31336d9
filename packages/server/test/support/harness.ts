import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { SignJWT } from "jose";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { createTestDatabase } from "./databases.js";
import { REDIS_URL, type EngineName } from "./services.js";

export const JWT_SECRET = "test-secret-that-is-at-least-32-characters-long";

export interface TestServer extends RunningServer {
  engine: EngineName;
  /** Every log line the server wrote, for asserting that secrets never appear. */
  logs: string[];
  request(path: string, init?: RequestOptions): Promise<TestResponse>;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // Tests read arbitrary JSON; the shapes are asserted, not assumed.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ServerOptions {
  engine?: EngineName;
  redis?: boolean;
  env?: Record<string, string>;
  /** Embedded development sign-in (POST /auth/dev/sign-in) instead of the HS256 test issuer. */
  devSignIn?: boolean;
}

/** A real server on 127.0.0.1 with a database of its own; `close` removes everything it made. */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const engine = options.engine ?? "pglite";
  const database = await createTestDatabase(engine);
  const dataDir = await mkdtemp(join(tmpdir(), "br-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    BR_LOG_LEVEL: "info",
    BR_DATA_DIR: engine === "pglite" ? "memory://" : dataDir,
    ...(options.devSignIn ? {} : { BR_AUTH_JWT_SECRET: JWT_SECRET }),
    BR_REGISTER_RATE_PER_MIN: "100000",
    BR_PUBLIC_URL: "http://br.test",
    ...database.env,
    ...(options.redis ? { REDIS_URL: REDIS_URL!, BR_REDIS_PREFIX: `brt:${randomBytes(4).toString("hex")}:` } : {}),
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const server = await startServer(config, createLogger(config.BR_LOG_LEVEL, sink));
  const base = `http://127.0.0.1:${server.port}`;
  return {
    ...server,
    url: base,
    engine,
    logs,
    request: (path, init) => request(base + path, init),
    async close() {
      await server.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function request(url: string, init: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.rawBody;
  if (body === undefined && init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["content-type"] = "application/json";
  }
  const res = await fetch(url, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A JWT as the configured HS256 issuer would sign it. */
export function signJwt(
  claims: { sub: string; email?: string; email_verified?: boolean; [k: string]: unknown },
  options: { secret?: string; expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h");
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

/** A signed-in human with a verified email; subject derived from the email. */
export function humanToken(email: string, extra: Record<string, unknown> = {}): Promise<string> {
  return signJwt({ sub: `user|${email}`, email, email_verified: true, ...extra });
}

export interface Registered {
  tenantId: string;
  slug: string;
  key: string;
  keyId: string;
  claimToken: string;
  claimUrl: string;
  status: string;
}

/** Registers a tenant over HTTP. With `active`, an invite code is created first so it is active. */
export async function registerTenant(
  server: TestServer,
  options: { name?: string; email?: string; inviteCode?: string; active?: boolean } = {},
): Promise<Registered> {
  let inviteCode = options.inviteCode;
  if (options.active && !inviteCode) inviteCode = await createInviteCode(server, { maxUses: 1 });
  const res = await server.request("/v1/register", {
    body: {
      tenant_name: options.name ?? `Lab ${randomBytes(3).toString("hex")}`,
      admin_email: options.email ?? `owner-${randomBytes(3).toString("hex")}@lab.test`,
      accept_tos: true,
      ...(inviteCode ? { invite_code: inviteCode } : {}),
    },
  });
  if (res.status !== 201 && res.status !== 202) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    tenantId: res.body.tenant.id,
    slug: res.body.tenant.slug,
    status: res.body.tenant.status,
    key: res.body.api_key.key,
    keyId: res.body.api_key.id,
    claimToken: res.body.claim.token,
    claimUrl: res.body.claim.url,
  };
}

/** Inserts an invite code directly (platform scope); admin routes are tested on their own. */
export async function createInviteCode(
  server: TestServer,
  options: { code?: string; maxUses?: number | null; expiresAt?: Date | null } = {},
): Promise<string> {
  const code = options.code ?? `inv-${randomBytes(5).toString("hex")}`;
  await server.deps.db.asPlatform((tx) =>
    tx
      .insertInto("invite_codes")
      .values({ code, max_uses: options.maxUses ?? null, expires_at: options.expiresAt ?? null })
      .execute(),
  );
  return code;
}

/** Sets a tenant's status directly (platform scope) and drops its cached keys. */
export async function setTenantStatus(server: TestServer, tenantId: string, status: "pending" | "active" | "rejected" | "suspended") {
  await server.deps.db.asPlatform((tx) => tx.updateTable("tenants").set({ status }).where("id", "=", tenantId).execute());
  await server.deps.keyCache.invalidateTenant(tenantId);
}
