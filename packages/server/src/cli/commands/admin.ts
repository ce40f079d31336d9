import type { BrainstormRouter, CursorPage, ProposalAction } from "brainstormrouter";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { CLIENT_FLAGS, clientFrom, parse, printJson, printTable, UsageError } from "../output.js";

const USAGE = HELP.admin!;

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
  rationale: { type: "string" },
  "expires-in-minutes": { type: "string" },
  cursor: { type: "string" },
  "tenant-id": { type: "string" },
  action: { type: "string" },
  actor: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>["values"];

const TENANT_COLUMNS = ["id", "slug", "name", "status", "admin_email", "created_at"];
const INVITE_COLUMNS = ["id", "code", "status", "uses_left", "max_uses", "expires_at", "note"];
const PROPOSAL_COLUMNS = ["id", "status", "action", "summary", "proposed_by", "expires_at"];
const AUDIT_COLUMNS = ["at", "actor", "action", "target", "via"];

const PROPOSAL_ACTIONS: Record<ProposalAction, "tenant" | "invite_code" | null> = {
  approve_tenant: "tenant",
  reject_tenant: "tenant",
  suspend_tenant: "tenant",
  create_invite_code: null,
  delete_invite_code: "invite_code",
};

export async function admin(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  const [command, ...rest] = positionals;
  const client = await clientFrom(ctx, values, USAGE);
  const idArg = () => {
    if (!rest[0]) throw new UsageError(`admin ${command} needs a tenant or invite id`, USAGE);
    return rest[0];
  };
  const dryRun = values["dry-run"];
  const reason = values.reason;
  switch (command) {
    case "tenants": {
      const page = await client.admin.listTenants({ ...(values.status ? { status: values.status as never } : {}), ...limitOf(values) });
      return show(ctx, values, { data: page.data, next_cursor: page.nextCursor }, () => printTable(ctx, page.data, TENANT_COLUMNS));
    }
    case "tenant":
      return show(ctx, values, await client.admin.getTenant(idArg()));
    case "approve":
      return showChange(ctx, values, await client.admin.approveTenant(idArg(), { dryRun }));
    case "reject":
      return showChange(ctx, values, await client.admin.rejectTenant(idArg(), { dryRun, ...(reason ? { reason } : {}) }));
    case "suspend":
      return showChange(ctx, values, await client.admin.suspendTenant(idArg(), { dryRun, ...(reason ? { reason } : {}) }));
    case "invites":
      return invites(ctx, client, values, rest);
    case "digest": {
      const digest = await client.admin.digest(values.window ? { window: values.window as never } : {});
      return show(ctx, values, digest, () =>
        ctx.stdout.write(`${digest.highlights.map((h) => `• ${h}`).join("\n") || "(nothing to report)"}\n`),
      );
    }
    case "proposals":
      return proposals(ctx, client, values, rest);
    case "propose":
      return propose(ctx, client, values, rest);
    case "audit":
      return audit(ctx, client, values);
    default:
      throw new UsageError(command ? `unknown admin command: ${command}` : "which admin command?", USAGE);
  }
}

async function invites(ctx: CliContext, client: BrainstormRouter, values: Values, [sub = "list", id]: string[]): Promise<number> {
  if (sub === "list") {
    const page = await client.admin.listInviteCodes(limitOf(values));
    return show(ctx, values, { data: page.data, next_cursor: page.nextCursor }, () => printTable(ctx, page.data, INVITE_COLUMNS));
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
    return showChange(ctx, values, created);
  }
  if (sub === "delete") {
    if (!id) throw new UsageError("admin invites delete needs an invite id", USAGE);
    return showChange(ctx, values, await client.admin.deleteInviteCode(id, { dryRun: values["dry-run"] }));
  }
  throw new UsageError(`unknown invites command: ${sub}`, USAGE);
}

async function proposals(ctx: CliContext, client: BrainstormRouter, values: Values, [sub = "list", id]: string[]): Promise<number> {
  if (sub === "list") {
    const page = await client.admin.listProposals({
      ...(values.status ? { status: values.status as never } : {}),
      ...pick(values, { cursor: "cursor" }),
      ...limitOf(values),
    });
    return showPage(ctx, values, page, () => page.data.map((p) => ({ ...p, proposed_by: p.proposed_by.label })), PROPOSAL_COLUMNS);
  }
  if (!["get", "approve", "decline"].includes(sub)) throw new UsageError(`unknown proposals command: ${sub}`, USAGE);
  if (!id) throw new UsageError(`admin proposals ${sub} needs a proposal id`, USAGE);
  if (sub === "get") return show(ctx, values, await client.admin.getProposal(id));
  if (sub === "approve") return showChange(ctx, values, await client.admin.approveProposal(id, { dryRun: values["dry-run"] }));
  return show(ctx, values, await client.admin.declineProposal(id, values.reason ? { reason: values.reason } : {}));
}

/** An agent's way to ask: the dry run runs now, a human approves later with `proposals approve`. */
async function propose(ctx: CliContext, client: BrainstormRouter, values: Values, [action, targetId]: string[]): Promise<number> {
  const name = action?.replaceAll("-", "_");
  if (!name || !(name in PROPOSAL_ACTIONS)) {
    throw new UsageError(`admin propose needs an action: ${Object.keys(PROPOSAL_ACTIONS).join(", ")}`, USAGE);
  }
  const kind = name as ProposalAction;
  const target = PROPOSAL_ACTIONS[kind];
  if (target && !targetId) throw new UsageError(`admin propose ${kind} needs a ${target.replace("_", " ")} id`, USAGE);
  if (!target && targetId) throw new UsageError(`admin propose ${kind} takes no target id`, USAGE);
  if (!values.rationale) throw new UsageError("admin propose needs --rationale: why, for the human who decides", USAGE);
  const maxUses = numberOf(values, "max-uses");
  const expires = numberOf(values, "expires-in-minutes");
  const params =
    kind === "create_invite_code"
      ? {
          ...(values.code ? { code: values.code } : {}),
          ...(maxUses !== undefined ? { max_uses: maxUses } : {}),
          ...(values["expires-at"] ? { expires_at: values["expires-at"] } : {}),
          ...(values.note ? { note: values.note } : {}),
        }
      : values.reason
        ? { reason: values.reason }
        : {};
  const proposal = await client.admin.createProposal({
    action: kind,
    ...(targetId ? { target_id: targetId } : {}),
    ...(Object.keys(params).length ? { params } : {}),
    rationale: values.rationale,
    ...(expires !== undefined ? { expires_in_minutes: expires } : {}),
  });
  return show(ctx, values, proposal, () =>
    ctx.stdout.write(
      `proposal ${proposal.id} ${proposal.status}: ${proposal.summary}\n` +
        `expires ${proposal.expires_at}; an admin approves with: brainstormrouter admin proposals approve ${proposal.id}\n`,
    ),
  );
}

async function audit(ctx: CliContext, client: BrainstormRouter, values: Values): Promise<number> {
  const page = await client.admin.listAuditEvents({
    ...pick(values, { "tenant-id": "tenant_id", action: "action", actor: "actor", since: "since", until: "until", cursor: "cursor" }),
    ...limitOf(values),
  });
  const rows = () =>
    page.data.map((e) => ({
      at: e.at,
      actor: e.actor.label,
      action: e.action,
      target: e.target.id ? `${e.target.type} ${e.target.id}` : e.target.type,
      via: e.via,
    }));
  return showPage(ctx, values, page, rows, AUDIT_COLUMNS);
}

/** Flags renamed to the API's query parameters, only those given. */
function pick(values: Values, names: Partial<Record<keyof Values, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [flag, param] of Object.entries(names)) {
    const v = values[flag as keyof Values];
    if (typeof v === "string" && param) out[param] = v;
  }
  return out;
}

function numberOf(values: Values, flag: "max-uses" | "expires-in-minutes"): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number, not ${raw}`, USAGE);
  return n;
}

const limitOf = (values: Values) => (values.limit ? { limit: Number(values.limit) } : {});

function show(ctx: CliContext, values: Values, result: unknown, human: () => void = () => printJson(ctx, result)): number {
  if (values.json) printJson(ctx, result);
  else human();
  return 0;
}

/** A list page as a table, saying how to ask for the next one; --json prints the page as the API sent it. */
function showPage(ctx: CliContext, values: Values, page: CursorPage<unknown>, rows: () => object[], columns: string[]): number {
  return show(ctx, values, { data: page.data, next_cursor: page.nextCursor }, () => {
    printTable(ctx, rows(), columns);
    if (page.nextCursor) ctx.stdout.write(`more: add --cursor ${page.nextCursor}\n`);
  });
}

/** Mutations: dry runs say so first, so nobody mistakes a preview for the change. */
function showChange(ctx: CliContext, values: Values, result: object): number {
  if (!values.json && "would_execute" in result) {
    ctx.stdout.write("dry run — nothing changed; would execute:\n");
    printJson(ctx, result.would_execute);
  } else printJson(ctx, result);
  return 0;
}
