import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { credentialCases, expectError, expectNoMarks, TOKEN_CODES } from "../security/checks.js";
import { signJwt, type TestResponse, type TestServer } from "./harness.js";

/**
 * The security suite every authenticated operation runs (unkey's `runCommonRouteTests`): no
 * credential, malformed ones, revoked keys and expired sign-ins, non-active tenants, another
 * tenant's ids, too small a role, and — on admin routes — every kind of non-admin. Method and path
 * come from docs/openapi.yaml, so the suite calls the real route; test/lockstep requires a call for
 * every operation with a security requirement there.
 *
 * Each `describe` ends with a control: the suite's own request, with the right credential, is let
 * in. Without it a refusal could come from a wrong path or body rather than from the credential.
 *
 * Exceptions, documented where they are configured:
 * - POST /v1/auth/device/token answers 400s in the RFC 8628 §3.5 body; its 401/403 keep the
 *   envelope, so only its cross-tenant case and its control check the OAuth shape.
 * - Identity routes without a tenant context (/auth/provision, /auth/claim, /auth/device/*) take
 *   the tenant from what they are sent; their status cases say per route which statuses refuse.
 */

export type RouteAuth = "api_key" | "jwt" | "platform_admin";
export type RefusedStatus = "pending" | "rejected" | "suspended";
export const REFUSED_STATUSES: RefusedStatus[] = ["pending", "rejected", "suspended"];

export interface Human {
  email: string;
  subject: string;
  jwt: string;
}

export interface SecurityTenant {
  id: string;
  slug: string;
  /** The registration's machine key (admin role) and its machine user. */
  adminKey: string;
  adminKeyId: string;
  machineUserId: string;
  owner: Human;
  ownerMembershipId: string;
}

/** Tenant A: the caller's tenant, with every kind of credential it can hold. */
export interface CallerTenant extends SecurityTenant {
  admin: Human;
  member: Human;
  developerKey: string;
  revokedKey: string;
  expiredKey: string;
}

/** Tenant B: the one whose objects tenant A's credentials must never reach. */
export interface OtherTenant extends SecurityTenant {
  claimLinkId: string;
  deviceCode: string;
  /** Ids, names and subjects of B: none may appear in an answer to tenant A's caller. */
  marks: string[];
}

export interface SecurityWorld {
  server: TestServer;
  a: CallerTenant;
  b: OtherTenant;
  inStatus: Record<RefusedStatus, SecurityTenant>;
  /** Platform admins: a sign-in by allow-listed subject, and keys of allow-listed machine users. */
  platform: { subject: string; jwt: string; key: string; revokedKey: string };
  /** Signed in, member of no tenant, on no allow-list. */
  stranger: Human;
  human(label?: string): Promise<Human>;
  /** A new tenant of its own: `before` runs while it is active, then it is moved to `status`. */
  tenantIn<T>(status: RefusedStatus, before?: (t: SecurityTenant) => Promise<T>): Promise<SecurityTenant & { prepared: T }>;
  /** Mints a claim link of `tenant` with its admin key: the link's id and token. */
  claimLink(tenant: SecurityTenant, role?: "owner" | "admin" | "member"): Promise<{ id: string; token: string }>;
  /** Starts a device flow with `tenant`'s admin key. */
  device(tenant: SecurityTenant): Promise<{ deviceCode: string; userCode: string }>;
}

/** A request as the suite sends it; `token` and `tenantId` are filled with the caller's when absent. */
export interface RouteRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Bearer credential. */
  token?: string;
  /** Sent as the whole Authorization header instead of `Bearer <token>`. */
  authorization?: string;
  /** X-BR-Tenant-Id. */
  tenantId?: string;
}

type Maybe<T> = T | Promise<T>;
type World = () => SecurityWorld;

export interface CrossTenantCase {
  /** A request about tenant B's object, made with tenant A's credential unless it names another. */
  request: RouteRequest;
  status?: number;
  code?: string;
  /** Replaces the envelope check (the device-token poll answers in RFC 8628's shape). */
  check?: (res: TestResponse) => void;
  /** Asserts B's object is as it was. */
  intact?: () => Promise<void>;
}

export interface CommonRouteTests {
  world: World;
  operationId: string;
  auth: RouteAuth;
  /**
   * JWT routes: "required" (the default) acts in X-BR-Tenant-Id, which must be an active tenant
   * of the caller; "optional" acts in it when sent (/auth/me); "none" takes no tenant header.
   */
  tenantContext?: "required" | "optional" | "none";
  /** A request the default caller may make, about its own tenant. Built once; the control spends it. */
  request?: (w: SecurityWorld) => Maybe<RouteRequest>;
  /** Admin routes: a request validation refuses. Non-admins must get 403 for it, not 400. */
  invalid?: RouteRequest;
  /** What a refused request must leave as it was (see `tableState`). */
  state?: (w: SecurityWorld) => Promise<unknown>;
  /** Default: each refused status with the status tenant's own credential. */
  tenantStatus?:
    | { statuses?: RefusedStatus[]; request?: (w: SecurityWorld, status: RefusedStatus) => Maybe<RouteRequest> }
    | { skip: string };
  /** Callers of tenant A whose role is too small, and the code they get. */
  roles?: { as: "developer" | "admin" | "member"; code: string; request?: (w: SecurityWorld) => Maybe<RouteRequest> }[];
  /** Another tenant's ids: required when the path takes one. */
  prepare?: (w: SecurityWorld) => Promise<CrossTenantCase>;
  /** Replaces the control's check (default: a 2xx the document lists). */
  control?: (res: TestResponse, w: SecurityWorld) => void;
}

interface DocumentedOperation {
  operationId: string;
  method: string;
  path: string;
  security: string[];
  okStatuses: number[];
}

const OPENAPI_PATH = fileURLToPath(new URL("../../../../docs/openapi.yaml", import.meta.url));
let documented: Map<string, DocumentedOperation> | undefined;

/** Every operation of docs/openapi.yaml, with the security schemes it names (none: public). */
export function documentedOperations(): Map<string, DocumentedOperation> {
  if (documented) return documented;
  type Op = { operationId?: string; security?: Record<string, unknown>[]; responses?: Record<string, unknown> };
  const doc = parse(readFileSync(OPENAPI_PATH, "utf8")) as { paths: Record<string, Record<string, Op>> };
  documented = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.operationId) continue;
      documented.set(op.operationId, {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        security: (op.security ?? []).flatMap((s) => Object.keys(s)).sort(),
        okStatuses: Object.keys(op.responses ?? {})
          .map(Number)
          .filter((s) => s >= 200 && s < 300),
      });
    }
  }
  return documented;
}

const SCHEMES: Record<RouteAuth, string[]> = { api_key: ["ApiKey"], jwt: ["OidcJwt"], platform_admin: ["ApiKey", "OidcJwt"] };

/** State of whole tables (every tenant's rows), for "a refused request changed nothing". */
export function tableState(tables: Record<string, string[]>) {
  return (w: SecurityWorld) =>
    w.server.deps.db.asPlatform(async (tx) => {
      const state: Record<string, unknown[]> = {};
      for (const [table, columns] of Object.entries(tables)) {
        state[table] = (await sql.raw(`SELECT ${columns.join(", ")} FROM ${table} ORDER BY id`).execute(tx)).rows;
      }
      return state;
    });
}

export function sendRoute(server: TestServer, op: DocumentedOperation, req: RouteRequest): Promise<TestResponse> {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = req.params?.[name];
    if (value === undefined) throw new Error(`${op.operationId}: no value for path parameter {${name}}`);
    return encodeURIComponent(value);
  });
  const query = req.query ? `?${new URLSearchParams(req.query)}` : "";
  const headers: Record<string, string> = {};
  if (req.authorization !== undefined) headers.authorization = req.authorization;
  else if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
  if (req.tenantId !== undefined) headers["x-br-tenant-id"] = req.tenantId;
  return server.request(path + query, { method: op.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) });
}

export function runCommonRouteTests(options: CommonRouteTests): void {
  const found = documentedOperations().get(options.operationId);
  if (!found) throw new Error(`runCommonRouteTests: ${options.operationId} is not an operation of docs/openapi.yaml`);
  const op = found;
  const context = options.auth === "jwt" ? (options.tenantContext ?? "required") : "none";
  if (options.auth === "platform_admin" && !options.invalid) throw new Error(`${op.operationId}: admin routes need \`invalid\``);
  if (options.auth !== "platform_admin" && op.path.includes("{") && !options.prepare) {
    throw new Error(`${op.operationId}: the path takes an id, so \`prepare\` must name another tenant's`);
  }
  if (options.auth === "jwt" && context !== "required" && !options.tenantStatus) {
    throw new Error(`${op.operationId}: without a required tenant context, say how tenant status applies (\`tenantStatus\`)`);
  }

  describe(`${op.operationId} (${op.method} ${op.path})`, () => {
    let valid: RouteRequest;
    const w = options.world;
    const send = (req: RouteRequest) => sendRoute(w().server, op, req);

    beforeAll(async () => {
      const world = w();
      const req = { ...(await options.request?.(world)) };
      const defaults: Record<RouteAuth, string> = { api_key: world.a.adminKey, jwt: world.a.owner.jwt, platform_admin: world.platform.jwt };
      req.token ??= defaults[options.auth];
      if (context !== "none") req.tenantId ??= world.a.id;
      valid = req;
    });

    /** Sends `req` and checks `state` is unchanged by it. */
    async function refused(req: RouteRequest): Promise<TestResponse> {
      const before = await options.state?.(w());
      const res = await send(req);
      if (options.state) expect(await options.state(w()), `a refused ${op.operationId} changed state`).toEqual(before);
      return res;
    }

    it(`is documented with ${SCHEMES[options.auth].join(" or ")} security`, () => {
      expect(op.security).toEqual(SCHEMES[options.auth]);
    });

    it("refuses a request without a credential with 401", async () => {
      for (const authorization of [undefined, "Basic dXNlcjpwYXNz", "Bearer"]) {
        const res = await refused({ ...valid, token: undefined, authorization });
        expectError(res, 401, /^missing_/, `Authorization: ${authorization ?? "(none)"}`);
      }
    });

    it("refuses malformed, forged and unknown credentials with 401", async () => {
      for (const [label, token] of await credentialCases(options.auth, w())) {
        expectError(await refused({ ...valid, token }), 401, TOKEN_CODES[options.auth], label);
      }
    });

    if (options.auth !== "jwt") {
      it("refuses a revoked API key with 401 api_key_revoked", async () => {
        const token = options.auth === "platform_admin" ? w().platform.revokedKey : w().a.revokedKey;
        expectError(await refused({ ...valid, token }), 401, "api_key_revoked");
      });
    }
    if (options.auth === "api_key") {
      it("refuses an expired API key with 401 api_key_expired", async () => {
        expectError(await refused({ ...valid, token: w().a.expiredKey }), 401, "api_key_expired");
      });
    }
    if (options.auth !== "api_key") {
      it("refuses an expired sign-in with 401 token_expired", async () => {
        const subject = options.auth === "platform_admin" ? w().platform.subject : w().a.owner.subject;
        const token = await signJwt({ sub: subject, email_verified: true }, { expiresIn: "-1h" });
        expectError(await refused({ ...valid, token }), 401, "token_expired");
      });
    }

    registerStatusTests(options, context, () => valid, refused);

    if (context !== "none") {
      it("refuses X-BR-Tenant-Id naming a tenant the identity is not a member of with 403 not_a_member", async () => {
        const res = await refused({ ...valid, tenantId: w().b.id });
        expectError(res, 403, "not_a_member");
        expectNoMarks(res, w().b.marks);
      });
    }
    if (context === "required") {
      it("refuses a signed-in human of no tenant with 403 no_tenant", async () => {
        expectError(await refused({ ...valid, token: w().stranger.jwt, tenantId: undefined }), 403, "no_tenant");
      });
    }

    for (const role of options.roles ?? []) {
      it(`refuses tenant A's ${role.as} with 403 ${role.code}`, async () => {
        const a = w().a;
        const token = role.as === "developer" ? a.developerKey : a[role.as].jwt;
        const req = role.request ? { tenantId: valid.tenantId, ...(await role.request(w())) } : valid;
        expectError(await refused({ ...req, token }), 403, role.code);
      });
    }

    if (options.prepare) {
      it("never reaches another tenant's object with tenant A's credential", async () => {
        const c = await options.prepare!(w());
        const res = await refused({ token: valid.token, tenantId: valid.tenantId, ...c.request });
        if (c.check) c.check(res);
        else expectError(res, c.status ?? 404, c.code ?? /./);
        expectNoMarks(res, w().b.marks);
        await c.intact?.();
      });
    }

    if (options.auth === "platform_admin") registerAdminTests(options, () => valid, send, refused);

    // Last: it may spend the request (a revocation, a claim).
    it("lets the right caller in (control)", async () => {
      const runs = options.auth === "platform_admin" ? [valid, { ...valid, token: w().platform.key }] : [valid];
      for (const req of runs) {
        const res = await send(req);
        if (options.control) options.control(res, w());
        else expect(op.okStatuses, `${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        if (options.auth !== "platform_admin") expectNoMarks(res, w().b.marks);
      }
    });
  });
}

function registerStatusTests(
  options: CommonRouteTests,
  context: string,
  valid: () => RouteRequest,
  refused: (req: RouteRequest) => Promise<TestResponse>,
) {
  const spec = options.tenantStatus ?? {};
  if ("skip" in spec) return;
  const w = options.world;
  for (const status of spec.statuses ?? REFUSED_STATUSES) {
    const what = spec.request ? "a tenant" : options.auth === "jwt" ? "an owner's sign-in to a tenant" : "a key of a tenant";
    it(`refuses ${what} that is ${status} with 403 tenant_${status}`, async () => {
      const t = w().inStatus[status];
      let req: RouteRequest;
      if (spec.request) req = { ...valid(), ...(await spec.request(w(), status)) };
      else if (options.auth === "jwt") req = { ...valid(), token: t.owner.jwt, ...(context !== "none" ? { tenantId: t.id } : {}) };
      else req = { ...valid(), token: t.adminKey };
      // An admin key of a suspended tenant stops too: allow-list its user for this request only.
      const admins = w().server.deps.config.platformAdminIds as Set<string>;
      const listed = options.auth === "platform_admin" && !spec.request;
      if (listed) admins.add(t.machineUserId);
      try {
        const res = await refused(req);
        expectError(res, 403, `tenant_${status}`);
        if (status === "pending") expect(res.body.error.recovery?.action).toBe("wait");
      } finally {
        if (listed) admins.delete(t.machineUserId);
      }
    });
  }
}

/**
 * DESIGN.md §6: non-admins get 403 not_platform_admin. The services re-check the allow-list too,
 * so a valid request alone cannot tell whether platform-admin.ts checks it: an invalid one can, as
 * the middleware must refuse before the request is read (a non-admin learns nothing of the route).
 */
function registerAdminTests(
  options: CommonRouteTests,
  valid: () => RouteRequest,
  send: (req: RouteRequest) => Promise<TestResponse>,
  refused: (req: RouteRequest) => Promise<TestResponse>,
) {
  const w = options.world;
  const outsiders: [string, () => string][] = [
    ["a tenant's admin API key", () => w().a.adminKey],
    ["a tenant owner's sign-in", () => w().a.owner.jwt],
    ["a developer API key", () => w().a.developerKey],
    ["a signed-in human of no tenant", () => w().stranger.jwt],
  ];
  for (const [label, token] of outsiders) {
    it(`refuses ${label} with 403 not_platform_admin, before reading the request`, async () => {
      for (const [which, req] of [
        ["valid", valid()],
        ["invalid", { ...options.invalid!, token: undefined }],
      ] as const) {
        const res = await refused({ ...req, token: token() });
        expectError(res, 403, "not_platform_admin", `${which} request`);
        expect(res.body.error.recovery?.action).toBe("escalate");
      }
    });
  }
  it("answers a platform admin's invalid request with 400 (so the refusals above precede validation)", async () => {
    const res = await send({ ...options.invalid!, token: w().platform.jwt });
    expectError(res, 400, /./);
  });
}
