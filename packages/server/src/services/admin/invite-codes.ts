import { randomInt } from "node:crypto";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors/index.js";
import { pgErrorCode, type Tx, UNIQUE_VIOLATION } from "../../store/db.js";
import {
  findInviteCode,
  insertInviteCode,
  inviteCodeTaken,
  listInviteCodes as listInviteRows,
  revokeInviteCode,
} from "../../store/invite-codes.js";
import { pageOf } from "../../store/pagination.js";
import type { InviteCode } from "../../store/schema.js";
import type { Actor } from "../actor.js";
import { audit } from "../audit.js";
import { actorLabel, assertMayMutate, assertPlatformReader, iso, isUuid } from "./access.js";

type InviteDeps = Pick<Deps, "db">;

// No 0/O, 1/I/L: codes are read aloud and typed from screenshots.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const INVITE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{3,63}$/;

export function generateInviteCode(): string {
  let body = "";
  for (let i = 0; i < 8; i++) body += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `BR-${body.slice(0, 4)}-${body.slice(4)}`;
}

export function inviteStatus(i: Pick<InviteCode, "deleted_at" | "expires_at" | "max_uses" | "used_count">, now = Date.now()) {
  if (i.deleted_at) return "revoked" as const;
  if (i.expires_at && i.expires_at.getTime() <= now) return "expired" as const;
  if (i.max_uses !== null && i.used_count >= i.max_uses) return "used_up" as const;
  return "active" as const;
}

export function inviteView(i: InviteCode) {
  return {
    id: i.id,
    code: i.code,
    status: inviteStatus(i),
    max_uses: i.max_uses,
    used_count: i.used_count,
    uses_left: i.max_uses === null ? null : Math.max(0, i.max_uses - i.used_count),
    expires_at: iso(i.expires_at),
    note: i.note,
    created_by: i.created_by,
    created_at: i.created_at.toISOString(),
    revoked_at: iso(i.deleted_at),
  };
}

export interface CreateInviteInput {
  code?: string | undefined;
  max_uses?: number | null | undefined;
  expires_at?: string | undefined;
  note?: string | undefined;
  dryRun?: boolean | undefined;
}

const codeExists = () => new AppError("invite_code_exists");

/** Checks a create request and fixes the code it will insert (drawn now when none is named). */
function planInvite(actor: Actor, input: CreateInviteInput) {
  if (input.code !== undefined && !INVITE_CODE_PATTERN.test(input.code)) {
    throw new AppError("invalid_invite_code");
  }
  const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at);
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
    throw new AppError("invalid_expires_at");
  }
  return { maxUses: input.max_uses ?? null, expiresAt, note: input.note ?? null, createdBy: actorLabel(actor) };
}

/**
 * The insert itself, in the caller's platform transaction (a proposal's approval runs it too). A
 * named code that exists is a 409 before the insert; a race past that check is the unique index's.
 */
export async function insertInviteIn(
  tx: Tx,
  actor: Actor,
  input: CreateInviteInput & { code: string },
  options: { proposalId?: string | undefined } = {},
) {
  const fields = planInvite(actor, input);
  if (await inviteCodeTaken(tx, input.code)) throw codeExists();
  const row = await insertInviteCode(tx, { code: input.code, ...fields });
  await audit(tx, actor, {
    tenantId: null,
    action: "invite_code.created",
    target: { type: "invite_code", id: row.id },
    proposalId: options.proposalId,
  });
  return inviteView(row);
}

/** What a create would insert; a named code already taken is the same 409 as the create's. */
export async function inviteDryRun(tx: Tx, actor: Actor, input: CreateInviteInput) {
  const fields = planInvite(actor, input);
  if (input.code !== undefined && (await inviteCodeTaken(tx, input.code))) throw codeExists();
  return {
    dry_run: true as const,
    would_execute: {
      action: "create_invite_code",
      code: input.code ?? null,
      generated: input.code === undefined,
      max_uses: fields.maxUses,
      expires_at: iso(fields.expiresAt),
      note: fields.note,
    },
  };
}

/** A named or generated code with optional use limit, expiry and note. */
export async function createInviteCode(deps: InviteDeps, actor: Actor, input: CreateInviteInput) {
  assertMayMutate(actor, input.dryRun);
  if (input.dryRun) return deps.db.asPlatform((tx) => inviteDryRun(tx, actor, input));
  // A generated code colliding is unlikely (31^8) but possible: draw again rather than fail.
  for (let attempt = 0; ; attempt++) {
    const code = input.code ?? generateInviteCode();
    try {
      return await deps.db.asPlatform((tx) => insertInviteIn(tx, actor, { ...input, code }));
    } catch (err) {
      if (!(err instanceof AppError && err.code === "invite_code_exists") && pgErrorCode(err) !== UNIQUE_VIOLATION) throw err;
      if (input.code !== undefined || attempt >= 3) throw codeExists();
    }
  }
}

export async function listInviteCodes(
  deps: InviteDeps,
  actor: Actor,
  input: { limit?: number | undefined; cursor?: string | undefined; include_revoked?: boolean | undefined },
) {
  assertPlatformReader(actor);
  const limit = input.limit ?? 50;
  const rows = await deps.db.asPlatform((tx) =>
    listInviteRows(tx, { limit, cursor: input.cursor, includeDeleted: input.include_revoked ?? false }),
  );
  const page = pageOf(rows, limit);
  return { data: page.data.map(inviteView), next_cursor: page.next_cursor };
}

const inviteNotFound = () => new AppError("invite_code_not_found");

/** The revocation a delete would make (its dry run), without making it. */
export async function planRevoke(tx: Tx, id: string) {
  if (!isUuid(id)) throw inviteNotFound();
  const invite = await findInviteCode(tx, id);
  if (!invite || invite.deleted_at) throw inviteNotFound();
  return { invite, plan: { action: "delete_invite_code", id: invite.id, code: invite.code, from: inviteStatus(invite), to: "revoked" } };
}

/** Revokes (soft-deletes) a code in the caller's platform transaction, or (dry run) says it would. */
export async function revokeInviteIn(
  tx: Tx,
  actor: Actor,
  input: { id: string; dryRun?: boolean | undefined },
  options: { proposalId?: string | undefined } = {},
) {
  const { invite, plan } = await planRevoke(tx, input.id);
  if (input.dryRun) return { dry_run: true as const, would_execute: plan };
  const revoked = await revokeInviteCode(tx, invite.id);
  if (!revoked) throw inviteNotFound();
  await audit(tx, actor, {
    tenantId: null,
    action: "invite_code.deleted",
    target: { type: "invite_code", id: invite.id },
    changes: { status: [inviteStatus(invite), "revoked"] },
    proposalId: options.proposalId,
  });
  return inviteView(revoked);
}

/** Revokes a code: registrations with it fail from now on; tenants it admitted stay. */
export async function deleteInviteCode(deps: InviteDeps, actor: Actor, input: { id: string; dryRun?: boolean | undefined }) {
  assertMayMutate(actor, input.dryRun);
  return deps.db.asPlatform((tx) => revokeInviteIn(tx, actor, input));
}
