import type { BrainstormRouter, TenantSettings, UpdateTenantSettingsParams } from "brainstormrouter";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { LIMIT_FLAGS, limitParams, spendCell, whole } from "../limits.js";
import { CLIENT_FLAGS, clientFrom, parse, printJson, UsageError } from "../output.js";

const USAGE = HELP.settings!;

const OPTIONS = { ...CLIENT_FLAGS, ...LIMIT_FLAGS, "max-key-lifetime-days": { type: "string" } } as const;

const SET_FLAGS = ["budget", "budget-period", "models", "rpm", "max-key-lifetime-days"] as const;

/**
 * The tenant's budget, model access and key limits (DESIGN.md §10). An API key reads and changes
 * /v1/tenant/settings (admin role); a signed-in human the current tenant's /auth/tenant/settings
 * (members read, owners and admins change).
 */
export async function settings(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  const [command = "get", extra] = positionals;
  if (command !== "get" && command !== "set") throw new UsageError(`unknown settings command: ${command}`, USAGE);
  const usage = HELP[`settings ${command}`]!;
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`, usage);
  const given = SET_FLAGS.filter((f) => values[f] !== undefined);
  if (command === "get") {
    if (given.length) throw new UsageError(`settings get takes no --${given[0]}; to change it: settings set`, usage);
    const client = await clientFrom(ctx, values, usage);
    return show(ctx, values.json, await (asHuman(ctx) ? client.auth.tenantSettings.retrieve() : client.tenant.settings()));
  }
  if (!given.length) throw new UsageError(`settings set needs at least one of ${SET_FLAGS.map((f) => `--${f}`).join(", ")}`, usage);
  const lifetime = values["max-key-lifetime-days"];
  const changes: UpdateTenantSettingsParams = {
    ...limitParams(values, usage),
    ...(lifetime !== undefined
      ? { max_key_lifetime_days: lifetime === "none" ? null : whole("max-key-lifetime-days", lifetime, usage) }
      : {}),
  };
  const client = await clientFrom(ctx, values, usage);
  const updated = await update(ctx, client, changes);
  if (!values.json) ctx.stdout.write("updated the tenant's settings; every key follows them now\n");
  return show(ctx, values.json, updated);
}

const asHuman = (ctx: CliContext) => ctx.client?.credential?.kind === "access_token";

function update(ctx: CliContext, client: BrainstormRouter, changes: UpdateTenantSettingsParams): Promise<TenantSettings> {
  return asHuman(ctx) ? client.auth.tenantSettings.update(changes) : client.tenant.updateSettings(changes);
}

function show(ctx: CliContext, json: boolean | undefined, s: TenantSettings): number {
  if (json) {
    printJson(ctx, s);
    return 0;
  }
  const budget =
    s.budget_usd === null ? "none" : `${spendCell(s)} spent, ${s.budget_resets_at ? `resets ${s.budget_resets_at}` : "never resets"}`;
  const facts: [string, string][] = [
    ["budget", budget],
    ["rate limit", s.rate_limit_rpm === null ? "none" : `${s.rate_limit_rpm} requests per minute per key (default and ceiling)`],
    ["models", s.allowed_models === null ? "all" : s.allowed_models.join(", ")],
    ["key lifetime", s.max_key_lifetime_days === null ? "unbounded" : `${s.max_key_lifetime_days} days (new keys' default expiry)`],
  ];
  for (const [name, value] of facts) ctx.stdout.write(`${name.padEnd(14)}${value}\n`);
  return 0;
}
