import { SignJWT } from "jose";
import { expect } from "vitest";
import { API_KEY_PREFIX, CLAIM_TOKEN_PREFIX, generateToken } from "../../src/lib/tokens.js";
import { JWT_SECRET, signJwt, type TestResponse } from "../support/harness.js";
import type { RouteAuth, SecurityWorld } from "../support/route-security.js";

/** The assertions and bad credentials of the route-security suite (test/support/route-security.ts). */

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  429: "rate_limit_error",
};
const RECOVERY_ACTIONS = ["retry", "wait", "escalate", "retry_with_params", "reduce_input", "switch_model"];

/** DESIGN.md §6: `{error: {message, type, code, recovery?}}` and nothing else; 401s name their scheme. */
export function expectError(res: TestResponse, status: number, code: string | RegExp, label = "") {
  const what = `${label ? `${label}: ` : ""}${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, what).toBe(status);
  expect(Object.keys(res.body ?? {}), what).toEqual(["error"]);
  const error = res.body.error;
  expect(
    Object.keys(error).filter((k) => !["message", "type", "code", "recovery"].includes(k)),
    what,
  ).toEqual([]);
  expect(typeof error.message === "string" && error.message.length > 0, what).toBe(true);
  expect(error.type, what).toBe(ERROR_TYPES[status]);
  expect(error.code, what).toMatch(typeof code === "string" ? new RegExp(`^${code}$`) : code);
  if (error.recovery !== undefined) expect(RECOVERY_ACTIONS, what).toContain(error.recovery.action);
  // RFC 6750 §3: a 401 tells the client which scheme to use.
  if (status === 401) expect(res.headers.get("www-authenticate"), what).toMatch(/^Bearer/);
}

/** Nothing of tenant B in an answer to tenant A's caller: not its ids, names or people. */
export function expectNoMarks(res: TestResponse, marks: string[]) {
  const text = JSON.stringify(res.body);
  expect(
    marks.filter((m) => text.includes(m)),
    `the answer names tenant B: ${text}`,
  ).toEqual([]);
}

export const TOKEN_CODES: Record<RouteAuth, RegExp> = {
  api_key: /^invalid_api_key$/,
  jwt: /^invalid_token$/,
  platform_admin: /^invalid_(api_key|token)$/,
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Credentials each surface must refuse as not valid: wrong shape, wrong signer, wrong surface, unknown. */
export async function credentialCases(auth: RouteAuth, w: SecurityWorld): Promise<[string, string][]> {
  const sub = auth === "platform_admin" ? w.platform.subject : w.a.owner.subject;
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const jwtCases: [string, string][] = [
    ["not a JWT", "not-a-jwt"],
    [
      "JWT signed with another secret",
      await signJwt({ sub, email_verified: true }, { secret: "another-secret-that-is-at-least-32-characters" }),
    ],
    ["unsigned JWT (alg none)", `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub, exp })}.`],
    ["JWT without exp", await new SignJWT({ sub }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(JWT_SECRET))],
    ["JWT with an empty subject", await signJwt({ sub: "" })],
  ];
  const keyCases: [string, string][] = [
    ["key with a bad checksum", `${API_KEY_PREFIX}${"A".repeat(38)}`],
    ["well-formed unknown key", generateToken(API_KEY_PREFIX)],
  ];
  if (auth === "jwt") return [...jwtCases, ["an API key", w.a.adminKey]];
  if (auth === "api_key") {
    return [
      ["not a key", "not-a-key"],
      ...keyCases,
      ["a claim token", generateToken(CLAIM_TOKEN_PREFIX)],
      ["a sign-in JWT", w.a.owner.jwt],
    ];
  }
  return [...jwtCases, ...keyCases];
}
