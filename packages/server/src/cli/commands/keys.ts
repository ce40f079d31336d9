import type { ApiKey, CreatedApiKey, CursorPage } from "brainstormrouter";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { describeLimits, LIMIT_FLAGS, limitParams, spendCell } from "../limits.js";
import { CLIENT_FLAGS, clientFrom, parse, printJson, printTable, UsageError } from "../output.js";

const USAGE = HELP.keys!;

const OPTIONS = {
  ...CLIENT_FLAGS,
  ...LIMIT_FLAGS,
  limit: { type: "string" },
  cursor: { type: "string" },
  name: { type: "string" },
  role: { type: "string" },
  "expires-in-days": { type: "string" },
  "expires-at": { type: "string" },
  "grace-seconds": { type: "string" },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>["values"];

const KEY_COLUMNS = ["id", "name", "prefix", "role", "created", "expires", "rotated", "spend", "models"];

/** The tenant's API keys (admin-role keys): list, create, update, rotate, revoke. */
export async function keys(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  const [command, id] = positionals;
  const usage = (command && HELP[`keys ${command}`]) || USAGE;
  if (!command) throw new UsageError("which keys command?", USAGE);
  if (!["list", "create", "update", "rotate", "revoke"].includes(command)) throw new UsageError(`unknown keys command: ${command}`, USAGE);
  const needId = () => {
    if (!id) throw new UsageError(`keys ${command} needs a key id`, usage);
    return id;
  };
  if (command === "list") {
    const limit = wholeNumber(values, "limit", usage);
    const client = await clientFrom(ctx, values, usage);
    const page = await client.tenant.listApiKeys({
      ...(limit !== undefined ? { limit } : {}),
      ...(values.cursor ? { cursor: values.cursor } : {}),
    });
    return showPage(ctx, values, page);
  }
  if (command === "create") {
    if (!values.name) throw new UsageError("keys create needs --name", usage);
    const role = values.role;
    if (role !== undefined && role !== "admin" && role !== "developer") throw new UsageError("--role must be admin or developer", usage);
    const days = wholeNumber(values, "expires-in-days", usage);
    if (days !== undefined && values["expires-at"] !== undefined) {
      throw new UsageError("give --expires-in-days or --expires-at, not both", usage);
    }
    const limits = limitParams(values, usage);
    const client = await clientFrom(ctx, values, usage);
    const created = await client.tenant.createApiKey({
      name: values.name,
      ...(role ? { role } : {}),
      ...(days !== undefined ? { expires_in_days: days } : {}),
      ...expiry(values),
      ...limits,
    });
    return showSecret(ctx, values, created, "created");
  }
  if (command === "update") {
    const keyId = needId();
    const changes = { ...(values.name !== undefined ? { name: values.name } : {}), ...expiry(values), ...limitParams(values, usage) };
    if (Object.keys(changes).length === 0) {
      throw new UsageError("keys update needs --name, --expires-at, --budget, --budget-period, --models or --rpm", usage);
    }
    const client = await clientFrom(ctx, values, usage);
    const updated = await client.tenant.updateApiKey(keyId, changes);
    return show(ctx, values, updated, () =>
      ctx.stdout.write(`updated ${describe(updated)}; expires ${updated.expires_at ?? "never"}; limits ${describeLimits(updated)}\n`),
    );
  }
  if (command === "rotate") {
    const keyId = needId();
    const grace = wholeNumber(values, "grace-seconds", usage);
    const client = await clientFrom(ctx, values, usage);
    const rotated = await client.tenant.rotateApiKey(keyId, grace !== undefined ? { grace_seconds: grace } : {});
    return showSecret(ctx, values, rotated, "rotated");
  }
  const keyId = needId();
  const client = await clientFrom(ctx, values, usage);
  const revoked = await client.tenant.revokeApiKey(keyId);
  return show(ctx, values, revoked, () => ctx.stdout.write(`revoked ${describe(revoked)} at ${revoked.revoked_at}; it no longer works\n`));
}

function wholeNumber(values: Values, flag: "limit" | "expires-in-days" | "grace-seconds", usage: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number, not ${raw}`, usage);
  return n;
}

/** --expires-at ISO, or none: never expires. */
const expiry = (values: Values) => {
  const at = values["expires-at"];
  return at === undefined ? {} : { expires_at: at === "none" ? null : at };
};

const describe = (key: ApiKey) => `${key.name} (${key.id}, ${key.prefix}…, ${key.role})`;

function show(ctx: CliContext, values: Values, result: unknown, human: () => void): number {
  if (values.json) printJson(ctx, result);
  else human();
  return 0;
}

/** A table, saying how to ask for the next page; --json prints the page as the API sent it. */
function showPage(ctx: CliContext, values: Values, page: CursorPage<ApiKey>): number {
  return show(ctx, values, { data: page.data, next_cursor: page.nextCursor }, () => {
    const rows = page.data.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      role: k.revoked_at ? `${k.role} (revoked)` : k.role,
      created: k.created_at,
      expires: k.expires_at,
      rotated: k.rotated_at,
      spend: spendCell(k),
      models: k.allowed_models?.join(",") ?? "all",
    }));
    printTable(ctx, rows, KEY_COLUMNS);
    if (page.nextCursor) ctx.stdout.write(`more: add --cursor ${page.nextCursor}\n`);
  });
}

/** The secret goes to stdout this once: the server keeps only its hash. */
function showSecret(ctx: CliContext, values: Values, key: CreatedApiKey, what: "created" | "rotated"): number {
  return show(ctx, values, key, () => {
    const lines = [`${what} ${describe(key)}`, `api key    ${key.key}`, "           shown once: store it now, it cannot be shown again"];
    if (what === "created") lines.push(`expires    ${key.expires_at ?? "never"}`, `limits     ${describeLimits(key)}`);
    else {
      const old = key.previous_secret_expires_at;
      lines.push(`old secret ${old ? `stops working at ${old}` : "stopped working"}; then it answers 401 api_key_rotated`);
    }
    ctx.stdout.write(`${lines.join("\n")}\n`);
  });
}
