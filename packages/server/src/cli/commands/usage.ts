import type { Usage, UsageByKey, UsageByModel, UsageDay, UsageGroupBy } from "brainstormrouter";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { CLIENT_FLAGS, clientFrom, parse, printJson, printTable, UsageError } from "../output.js";

const USAGE = HELP.usage!;

const OPTIONS = {
  ...CLIENT_FLAGS,
  from: { type: "string" },
  to: { type: "string" },
  "group-by": { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
} as const;

const GROUPS: UsageGroupBy[] = ["day", "key", "model"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FIGURES = ["requests", "prompt_tokens", "completion_tokens", "cost_usd", "errors"];

/**
 * The tenant's usage: an API key reads /v1/tenant/usage (admin role), a signed-in human the
 * current tenant's /auth/usage. The server judges the dates; the CLI only refuses what is no date.
 */
export async function usage(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`, USAGE);
  for (const flag of ["from", "to"] as const) {
    const day = values[flag];
    if (day !== undefined && !DAY.test(day)) throw new UsageError(`--${flag} must be a date YYYY-MM-DD, not ${day}`, USAGE);
  }
  const groupBy = values["group-by"];
  if (groupBy !== undefined && !GROUPS.includes(groupBy as UsageGroupBy)) {
    throw new UsageError(`--group-by must be day, key or model, not ${groupBy}`, USAGE);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (values.limit!.trim() === "" || !Number.isInteger(limit))) {
    throw new UsageError(`--limit must be a whole number, not ${values.limit}`, USAGE);
  }
  const params = {
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(groupBy ? { group_by: groupBy as UsageGroupBy } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(values.cursor ? { cursor: values.cursor } : {}),
  };
  const client = await clientFrom(ctx, values, USAGE);
  const report: Usage =
    ctx.client?.credential?.kind === "access_token" ? await client.auth.usage.retrieve(params) : await client.tenant.usage(params);
  if (values.json) printJson(ctx, report);
  else show(ctx, report, (groupBy as UsageGroupBy | undefined) ?? "day");
  return 0;
}

function show(ctx: CliContext, report: Usage, groupBy: UsageGroupBy): void {
  const cost = (usd: number) => usd.toFixed(6).replace(/\.?0+$/, "") || "0";
  const row = (first: Record<string, unknown>, r: Usage["totals"]) => ({
    ...first,
    requests: r.requests,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    cost_usd: cost(r.cost_usd),
    errors: r.errors,
  });
  const rows = report.data.map((r) => {
    if (groupBy === "key") {
      const k = r as UsageByKey;
      return row({ key_id: k.key_id ?? "(no key)", name: k.key_name }, k);
    }
    if (groupBy === "model") return row({ model: (r as UsageByModel).model }, r);
    return row({ day: (r as UsageDay).day }, r);
  });
  const first = groupBy === "key" ? ["key_id", "name"] : [groupBy];
  printTable(ctx, rows, [...first, ...FIGURES]);
  const t = report.totals;
  ctx.stdout.write(
    `total: ${t.requests} requests, ${t.prompt_tokens} prompt and ${t.completion_tokens} completion tokens, ` +
      `${cost(t.cost_usd)} USD, ${t.errors} errors\n`,
  );
  if (report.next_cursor) ctx.stdout.write(`more: add --cursor ${report.next_cursor}\n`);
}
