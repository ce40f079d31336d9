import type { BrainstormRouter } from "brainstormrouter";
import { CLIENT_FLAGS, clientFrom, parse, printJson, printTable, UsageError } from "../output.js";

const USAGE = `usage: brainstormrouter admin <command> [options]   (a platform admin's API key or --access-token)
  tenants [--status pending|active|rejected|suspended] [--limit N]
  tenant <id>
  approve <id> [--dry-run]
  reject <id> [--reason text] [--dry-run]
  suspend <id> [--reason text] [--dry-run]
  invites [list] | invites create [--code c] [--max-uses N] [--expires-at iso] [--note text] [--dry-run] | invites delete <id> [--dry-run]
  digest [--window 24h|7d|30d]
every command takes --json (the API's answer as-is), --base-url, --api-key, --access-token`;

const OPTIONS = {
  ...CLIENT_FLAGS,
  "dry-run": { type: "boolean", default: false },
  status: { type: "string" },
  limit: { type: "string" },
  reason: { type: "string" },
  window: { type: "string" },
  code: { type: "string" },
  "max-uses": { type: "string" },
  "expires-at": { type: "string" },
  note: { type: "string" },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>["values"];

const TENANT_COLUMNS = ["id", "slug", "name", "status", "admin_email", "created_at"];
const INVITE_COLUMNS = ["id", "code", "status", "uses_left", "max_uses", "expires_at", "note"];

export async function admin(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  const [command, ...rest] = positionals;
  const client = clientFrom(values);
  const idArg = () => {
    if (!rest[0]) throw new UsageError(`admin ${command} needs a tenant or invite id`, USAGE);
    return rest[0];
  };
  const dryRun = values["dry-run"];
  const reason = values.reason;
  switch (command) {
    case "tenants": {
      const page = await client.admin.listTenants({ ...(values.status ? { status: values.status as never } : {}), ...limitOf(values) });
      return show(values, { data: page.data, next_cursor: page.nextCursor }, () => printTable(page.data, TENANT_COLUMNS));
    }
    case "tenant":
      return show(values, await client.admin.getTenant(idArg()));
    case "approve":
      return showChange(values, await client.admin.approveTenant(idArg(), { dryRun }));
    case "reject":
      return showChange(values, await client.admin.rejectTenant(idArg(), { dryRun, ...(reason ? { reason } : {}) }));
    case "suspend":
      return showChange(values, await client.admin.suspendTenant(idArg(), { dryRun, ...(reason ? { reason } : {}) }));
    case "invites":
      return invites(client, values, rest);
    case "digest": {
      const digest = await client.admin.digest(values.window ? { window: values.window as never } : {});
      return show(values, digest, () =>
        process.stdout.write(`${digest.highlights.map((h) => `• ${h}`).join("\n") || "(nothing to report)"}\n`),
      );
    }
    default:
      throw new UsageError(command ? `unknown admin command: ${command}` : "which admin command?", USAGE);
  }
}

async function invites(client: BrainstormRouter, values: Values, [sub = "list", id]: string[]): Promise<number> {
  if (sub === "list") {
    const page = await client.admin.listInviteCodes(limitOf(values));
    return show(values, { data: page.data, next_cursor: page.nextCursor }, () => printTable(page.data, INVITE_COLUMNS));
  }
  if (sub === "create") {
    const maxUses = values["max-uses"] === undefined ? undefined : Number(values["max-uses"]);
    const created = await client.admin.createInviteCode({
      dryRun: values["dry-run"],
      ...(values.code ? { code: values.code } : {}),
      ...(maxUses !== undefined ? { max_uses: maxUses } : {}),
      ...(values["expires-at"] ? { expires_at: values["expires-at"] } : {}),
      ...(values.note ? { note: values.note } : {}),
    });
    return showChange(values, created);
  }
  if (sub === "delete") {
    if (!id) throw new UsageError("admin invites delete needs an invite id", USAGE);
    return showChange(values, await client.admin.deleteInviteCode(id, { dryRun: values["dry-run"] }));
  }
  throw new UsageError(`unknown invites command: ${sub}`, USAGE);
}

const limitOf = (values: Values) => (values.limit ? { limit: Number(values.limit) } : {});

function show(values: Values, result: unknown, human: () => void = () => printJson(result)): number {
  if (values.json) printJson(result);
  else human();
  return 0;
}

/** Mutations: dry runs say so first, so nobody mistakes a preview for the change. */
function showChange(values: Values, result: object): number {
  if (!values.json && "would_execute" in result) {
    process.stdout.write("dry run — nothing changed; would execute:\n");
    printJson(result.would_execute);
  } else printJson(result);
  return 0;
}
