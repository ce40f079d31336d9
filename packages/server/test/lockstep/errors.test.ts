import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES as TS_SDK_CODES } from "../../../sdk-ts/src/index.js";
import { ERROR_FILES } from "../../scripts/errors.js";
import {
  AppError,
  ERROR_CATALOGUE,
  ERROR_CODES,
  ERROR_GROUPS,
  envelope,
  isErrorCode,
  RateLimitError,
  RECOVERY_ACTIONS,
  STATUSES_OF_TYPE,
  type ErrorSpec,
} from "../../src/errors/index.js";
import { DeviceTokenErrorBody } from "../../src/http/routes/identity-bridge.js";

/**
 * One catalogue (src/errors/): every code the server answers is defined there once, its
 * status fits its type, and docs/errors.md and both SDKs' code lists are generated from it.
 */

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const CODES_DIR = join(SRC, "errors", "codes");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const LEGACY_CLASSES = "InvalidRequestError|AuthenticationError|PermissionError|NotFoundError|ConflictError";

// Where a code is named outside the catalogue. Each pattern's first group is the code.
const CODE_SITES: { what: string; pattern: RegExp }[] = [
  { what: "new AppError(code)", pattern: /new AppError\(\s*"([^"]+)"/g },
  { what: "code comparison", pattern: /\.code\s*[!=]==\s*"([^"]+)"/g },
  { what: "code: literal", pattern: /\bcode:\s*"([^"]+)"/g },
  { what: "error: literal (OAuth body)", pattern: /\berror:\s*"([^"]+)"/g },
];

// Literals in those positions that are not error codes: zod's issue code in `ctx.addIssue`, and
// zod's `{ error: "…" }` option, which is a message (codes are snake_case words).
const NOT_ERROR_CODE = (value: string) => value === "custom" || !/^[a-z0-9_]+$/.test(value);

function codesUsedInSource() {
  const found: { code: string; where: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    if (file.startsWith(CODES_DIR)) continue;
    const text = readFileSync(file, "utf8");
    for (const { what, pattern } of CODE_SITES) {
      for (const m of text.matchAll(pattern)) {
        if (NOT_ERROR_CODE(m[1]!)) continue;
        found.push({ code: m[1]!, where: `${relative(SRC, file)} (${what})` });
      }
    }
  }
  return found;
}

describe("error catalogue", () => {
  it("docs/errors.md and both SDKs' code lists are up to date (run `npm run openapi` after changing src/errors/)", () => {
    for (const file of ERROR_FILES) {
      expect(readFileSync(file.path, "utf8") === file.render(), `${file.path} is stale: run \`npm run openapi\``).toBe(true);
    }
    expect([...TS_SDK_CODES]).toEqual(ERROR_CODES);
  });

  it("defines each code once, in one group", () => {
    const grouped = ERROR_GROUPS.flatMap((g) => Object.keys(g.codes));
    expect(grouped.length, "a code is defined in two groups").toBe(new Set(grouped).size);
    expect(grouped.sort()).toEqual([...ERROR_CODES].sort());
  });

  it("pairs every type with a status of its class, and names a known recovery action", () => {
    const problems: string[] = [];
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE) as [string, ErrorSpec][]) {
      const allowed = STATUSES_OF_TYPE[spec.type] as readonly number[];
      if (!allowed.includes(spec.status)) problems.push(`${code}: ${spec.type} with ${spec.status} (allowed: ${allowed.join(", ")})`);
      if (spec.recovery && !(RECOVERY_ACTIONS as readonly string[]).includes(spec.recovery.action))
        problems.push(`${code}: recovery ${spec.recovery.action}`);
      if (spec.type === "rate_limit_error" && spec.recovery?.action !== "wait") problems.push(`${code}: a 429 says wait`);
      if (!/^[a-z]+(_[a-z]+)*$/.test(code)) problems.push(`${code}: not snake_case`);
      if (!spec.message.trim() || !spec.meaning.trim()) problems.push(`${code}: empty message or meaning`);
    }
    expect(problems).toEqual([]);
  });

  it("every code thrown, compared or answered in src/ is in the catalogue", () => {
    const used = codesUsedInSource();
    // The scan itself must keep finding the throw sites, or this test would pass vacuously.
    expect(new Set(used.map((u) => u.code)).size).toBeGreaterThan(40);
    const unknown = used.filter((u) => !isErrorCode(u.code)).map((u) => `${u.code} — ${u.where}`);
    expect(unknown, "codes missing from src/errors/codes/").toEqual([]);
  });

  it("every code the device-token route may answer is in the catalogue", () => {
    const unknown = DeviceTokenErrorBody.shape.error.options.filter((c) => !isErrorCode(c));
    expect(unknown).toEqual([]);
  });

  it("every catalogue code is named somewhere in src/ outside the catalogue (no dead codes)", () => {
    const text = sourceFiles(SRC)
      .filter((f) => !f.startsWith(CODES_DIR))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    expect(ERROR_CODES.filter((c) => !text.includes(`"${c}"`))).toEqual([]);
  });
});

describe("AppError", () => {
  it("takes status, type, message and recovery from the catalogue", () => {
    const err = new AppError("invite_code_invalid");
    expect(err).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      code: "invite_code_invalid",
      message: "The invite code is not valid.",
      recovery: { action: "retry_with_params", field: "invite_code" },
    });
    expect(err.headers).toBeUndefined();
  });

  it("keeps a specific message, merges recovery details and keeps the cause out of the answer", () => {
    const cause = new Error("secret detail");
    const err = new AppError("model_not_found", { message: 'The model "x" is not served here.', recovery: { models: ["a"] }, cause });
    expect(err.message).toBe('The model "x" is not served here.');
    expect(err.recovery).toEqual({ action: "switch_model", models: ["a"] });
    expect(err.cause).toBe(cause);
    expect(JSON.stringify(envelope(err))).not.toContain("secret detail");
  });

  it("names the Bearer scheme on every 401 and Retry-After on a 429", () => {
    expect(new AppError("invalid_token").headers).toEqual({ "WWW-Authenticate": "Bearer" });
    const limited = new RateLimitError(2.2);
    expect(limited).toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 3, headers: { "Retry-After": "3" } });
    expect(limited.recovery).toEqual({ action: "wait", retry_after_seconds: 3 });
  });

  it("refuses a code the catalogue lacks, at compile time and at run time", () => {
    // @ts-expect-error a misspelt code does not compile
    expect(() => new AppError("invite_code_invalidd")).toThrow(TypeError);
  });

  it("leaves no pre-catalogue constructor in src: every error is new AppError(code)", () => {
    const legacy = new RegExp(`new (?:${LEGACY_CLASSES}|UpstreamError)\\(|new AppError\\(\\s*\\d`);
    const found = sourceFiles(SRC).filter((file) => legacy.test(readFileSync(file, "utf8")));
    expect(found).toEqual([]);
  });
});
