import { parseArgs, type ParseArgsConfig } from "node:util";
import { APIError, BrainstormRouter, BrainstormRouterError } from "brainstormrouter";

/** Flags every client-side command takes; environment variables are the defaults. */
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

/** The CLI is a client of the HTTP API through the TypeScript SDK, so it cannot drift from it. */
export function clientFrom(flags: ClientFlags): BrainstormRouter {
  return new BrainstormRouter({
    baseURL: flags["base-url"],
    apiKey: flags["api-key"],
    accessToken: flags["access-token"] ?? process.env.BRAINSTORMROUTER_ACCESS_TOKEN,
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Aligned columns for people; --json gives the API's answer as-is for programs. */
export function printTable(rows: object[], columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write("(none)\n");
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
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => at(r, c)))}\n`);
}

/** One line a person can act on; exit code 1 for API refusals, 2 for usage errors. */
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n\n${err.usage}\n`);
    return 2;
  }
  if (err instanceof APIError) {
    const hint = err.recovery?.action ? ` (recovery: ${err.recovery.action})` : "";
    process.stderr.write(`error: ${err.message} [${err.code ?? err.status}]${hint}\n`);
    return 1;
  }
  if (err instanceof BrainstormRouterError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
  throw err;
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
