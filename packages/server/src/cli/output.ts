import { parseArgs, type ParseArgsConfig } from "node:util";
import { APIConnectionError, APIError, BrainstormRouter, BrainstormRouterError } from "brainstormrouter";
import { PRECEDENCE, resolve } from "./credentials.js";
import type { CliContext } from "./io.js";

/** Flags every client-side command takes; environment variables, then the stored login, are the defaults. */
export const CLIENT_FLAGS = {
  "base-url": { type: "string" },
  "api-key": { type: "string" },
  "access-token": { type: "string" },
  json: { type: "boolean", default: false },
} as const;

export interface ClientFlags {
  "base-url"?: string | undefined;
  "api-key"?: string | undefined;
  "access-token"?: string | undefined;
  json?: boolean | undefined;
}

/**
 * The CLI is a client of the HTTP API through the TypeScript SDK, so it cannot drift from it.
 * One credential is chosen here (credentials.ts) and handed to the SDK as both its key and its
 * token: the SDK prefers a key over a token, which let BRAINSTORMROUTER_API_KEY beat --access-token.
 */
export async function clientFrom(ctx: CliContext, flags: ClientFlags, usage: string): Promise<BrainstormRouter> {
  if (flags["api-key"] && flags["access-token"]) throw new UsageError("give --api-key or --access-token, not both", usage);
  const { baseUrl, baseUrlSource, credential } = await resolve(stringFlags(flags), ctx.env);
  ctx.client = { baseUrl, baseUrlSource, credential };
  const token = credential?.token;
  // The URL and token are passed explicitly (undefined would make the SDK read process.env itself).
  return new BrainstormRouter({ baseURL: baseUrl, apiKey: token ?? "", accessToken: token ?? "" });
}

function stringFlags(flags: ClientFlags) {
  const out: { "base-url"?: string; "api-key"?: string; "access-token"?: string } = {};
  for (const k of ["base-url", "api-key", "access-token"] as const) if (flags[k]) out[k] = flags[k];
  return out;
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Aligned columns for people; --json gives the API's answer as-is for programs. */
export function printTable(ctx: CliContext, rows: object[], columns: string[]): void {
  if (rows.length === 0) {
    ctx.stdout.write("(none)\n");
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? "-" : String(v));
  const at = (r: object, c: string) => cell((r as Record<string, unknown>)[c]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => at(r, c).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  ctx.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const r of rows) ctx.stdout.write(`${line(columns.map((c) => at(r, c)))}\n`);
}

const LOGIN_HINT = "pass --api-key or --access-token, set BRAINSTORMROUTER_API_KEY, or run `brainstormrouter login`";

/** One message a person can act on, naming the URL and credential involved; exit 1 for refusals, 2 for usage. */
export function reportError(ctx: CliContext, err: unknown): number {
  const write = (text: string) => ctx.stderr.write(`${text}\n`);
  if (err instanceof UsageError) {
    write(`${err.message}\n\n${err.usage}`);
    return 2;
  }
  if (err instanceof CliError) {
    write(`error: ${err.message}`);
    for (const hint of err.hints) write(`  ${hint}`);
    return 1;
  }
  const client = ctx.client;
  const source = client?.credential
    ? `${client.credential.kind === "api_key" ? "API key" : "access token"} from ${client.credential.source}`
    : null;
  if (err instanceof APIError) {
    const hint = err.recovery?.action ? ` (recovery: ${err.recovery.action})` : "";
    write(`error: ${err.message} [${err.code ?? err.status}]${hint}`);
    if (err.code === "not_platform_admin" && source) {
      write(
        `  this credential (${source}) is not a platform admin: run \`brainstormrouter login\` as a platform admin, ` +
          "or use an API key minted with platform_admin",
      );
    } else if (err.status === 401 && source) {
      write(`  the server refused the ${source}`);
      // A stored login's token expires and is not refreshed: signing in again is the fix.
      if (client?.credential?.level === "stored login") write("  run `brainstormrouter login` again");
    }
    return 1;
  }
  if (err instanceof APIConnectionError && client) {
    // fetch wraps the socket's error ("fetch failed" ← ECONNREFUSED): the inner one says what happened.
    const cause = err.cause as (Error & { cause?: Error & { code?: string } }) | undefined;
    const why = cause ? `: ${cause.cause?.code ?? cause.cause?.message ?? cause.message}` : "";
    write(`error: could not reach ${client.baseUrl} (${err.message.replace(/\.$/, "")}${why})`);
    write(`  the URL came from ${client.baseUrlSource}; set it with --base-url or BRAINSTORMROUTER_BASE_URL`);
    return 1;
  }
  if (err instanceof BrainstormRouterError) {
    // The SDK refuses to send a request that needs a credential it was not given.
    if (client && !client.credential) write(`error: no credential: ${LOGIN_HINT}\n  precedence: ${PRECEDENCE}`);
    else write(`error: ${err.message}`);
    return 1;
  }
  throw err;
}

/** A failure the CLI explains itself (an issuer's refusal, a timeout): a message and what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hints: string[] = [],
  ) {
    super(message);
  }
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** node:util parseArgs, with its complaints turned into a usage message. */
export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
}
