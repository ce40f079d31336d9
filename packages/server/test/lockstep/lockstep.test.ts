import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BrainstormRouter } from "../../../sdk-ts/src/index.js";
import { OPENAPI_YAML_PATH, renderOpenApiYaml } from "../../scripts/openapi.js";
import { ADMIN_TOOLS } from "../../src/mcp/admin-tools.js";
import { SDK_PY } from "./processes.js";

/**
 * DESIGN.md §7: every operation in docs/openapi.yaml has its TS method, its Python sync and async
 * methods and, for admin operations, its MCP tool — each calling that operation's route — and the
 * file itself is what the routes generate today.
 */

interface Operation {
  operationId: string;
  method: string;
  /** The path with every parameter replaced by PROBE_ID, as the probes below call it. */
  probePath: string;
}

const PROBE_ID = "lockstep-id";
const checkedIn = readFileSync(OPENAPI_YAML_PATH, "utf8");

function sdkOperations(): Operation[] {
  const doc = parse(checkedIn) as { paths: Record<string, Record<string, { operationId?: string; "x-br-sdk"?: boolean }>> };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.operationId || op["x-br-sdk"] === false) continue;
      ops.push({ operationId: op.operationId, method: method.toUpperCase(), probePath: path.replace(/\{[^}]+\}/g, PROBE_ID) });
    }
  }
  return ops.sort((a, b) => a.operationId.localeCompare(b.operationId));
}

const OPERATIONS = sdkOperations();
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pythonName = (operationId: string) => operationId.split(".").map(snake).join(".");
const describeOp = (op: Operation) => `${op.operationId} (${op.method} ${op.probePath})`;

/** Calls each TS method once over a fetch that records what it was asked for. */
async function tsSurface(): Promise<Record<string, string[] | undefined>> {
  let last: string[] | undefined;
  const fetch = (async (url: string, init: RequestInit) => {
    last = [init.method!, new URL(url).pathname];
    return new Response(JSON.stringify({ data: [], next_cursor: null }), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof globalThis.fetch;
  const client = new BrainstormRouter({ baseURL: "http://surface.invalid", apiKey: "k", accessToken: "t", fetch, maxRetries: 0 });
  const found: Record<string, string[] | undefined> = {};
  for (const op of OPERATIONS) {
    const segments = op.operationId.split(".");
    let owner: unknown = client;
    for (const s of segments.slice(0, -1)) owner = (owner as Record<string, unknown> | undefined)?.[s];
    const method = (owner as Record<string, unknown> | undefined)?.[segments.at(-1)!];
    if (typeof method !== "function") continue;
    last = undefined;
    await (method as (...a: unknown[]) => PromiseLike<unknown>).call(owner, PROBE_ID, {});
    found[op.operationId] = last;
  }
  return found;
}

describe("lockstep", () => {
  it("docs/openapi.yaml is up to date (run `npm run openapi` after changing a route)", () => {
    expect(checkedIn === renderOpenApiYaml(), "docs/openapi.yaml is stale: run `npm run openapi`").toBe(true);
  });

  it("knows the SDK operations the design names", () => {
    const ids = OPERATIONS.map((o) => o.operationId);
    for (const id of ["register", "tenant.retrieve", "identityBridge.pollDeviceToken", "admin.digest"]) expect(ids).toContain(id);
  });

  it("every operation has a TypeScript method that calls its route", async () => {
    const surface = await tsSurface();
    const missing = OPERATIONS.filter((op) => surface[op.operationId]?.join(" ") !== `${op.method} ${op.probePath}`).map(
      (op) =>
        `client.${op.operationId} for ${describeOp(op)}${surface[op.operationId] ? ` calls ${surface[op.operationId]!.join(" ")}` : ""}`,
    );
    expect(missing, `TypeScript SDK is missing:\n${missing.join("\n")}`).toEqual([]);
  });

  it("every operation has Python sync and async methods that call its route", () => {
    const output = execFileSync("python3", ["-m", "brainstormrouter._surface"], {
      cwd: SDK_PY,
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    const surface = JSON.parse(output) as Record<"sync" | "async", Record<string, string[] | null>>;
    const missing: string[] = [];
    for (const op of OPERATIONS) {
      const name = pythonName(op.operationId);
      for (const flavour of ["sync", "async"] as const) {
        const seen = surface[flavour][name];
        if (seen?.join(" ") !== `${op.method} ${op.probePath}`) {
          const client = flavour === "sync" ? "BrainstormRouter" : "AsyncBrainstormRouter";
          missing.push(`${client}.${name} for ${describeOp(op)}${seen ? ` calls ${seen.join(" ")}` : ""}`);
        }
      }
    }
    expect(missing, `Python SDK is missing:\n${missing.join("\n")}`).toEqual([]);
  });

  it("every authenticated operation has a route-security suite", () => {
    // test/support/route-security.ts: an operation with a security requirement gets the common
    // refusal tests (no credential, revoked, non-active tenant, another tenant, role, non-admin).
    const doc = parse(checkedIn) as { paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>> };
    const authenticated = Object.values(doc.paths).flatMap((item) =>
      Object.values(item)
        .filter((op) => op.operationId && op.security?.length)
        .map((op) => op.operationId!),
    );
    const dir = new URL("../security/", import.meta.url);
    const covered = new Set(
      readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        // Commented-out calls do not count.
        .map((f) => readFileSync(new URL(f, dir), "utf8").replace(/^\s*\/\/.*$/gm, ""))
        .filter((source) => source.includes("runCommonRouteTests("))
        .flatMap((source) => [...source.matchAll(/operationId: "([^"]+)"/g)].map((m) => m[1]!)),
    );
    const missing = authenticated.filter((id) => !covered.has(id)).sort();
    expect(missing, `no runCommonRouteTests({ operationId }) in test/security/ for:\n${missing.join("\n")}`).toEqual([]);
  });

  it("every admin operation has an MCP tool", () => {
    const tools = new Set(ADMIN_TOOLS.map((t) => t.operationId));
    const missing = OPERATIONS.filter((op) => op.operationId.startsWith("admin.") && !tools.has(op.operationId)).map(
      (op) => `MCP tool for ${describeOp(op)}`,
    );
    expect(missing, `MCP server is missing:\n${missing.join("\n")}`).toEqual([]);
    // And no tool claims an operation that does not exist.
    const known = new Set(OPERATIONS.map((o) => o.operationId));
    expect(ADMIN_TOOLS.filter((t) => !known.has(t.operationId!)).map((t) => t.name)).toEqual([]);
  });
});
