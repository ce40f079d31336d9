import { randomInt } from "node:crypto";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors/index.js";
import { pgErrorCode, UNIQUE_VIOLATION } from "../../store/db.js";
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
import { actorLabel, assertPlatformAdmin, iso, isUuid } from "./access.js";

type InviteDeps = Pick<Deps, "db">;

// No 0/O, 1/I/L: codes are read aloud and typed from screenshots.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const INVITE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{3,63}$/;

function generateInviteCode(): string {
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

/** A named or generated code with optional use limit, expiry and note. */
export async function createInviteCode(deps: InviteDeps, actor: Actor, input: CreateInviteInput) {
  assertPlatformAdmin(actor);
  if (input.code !== undefined && !INVITE_CODE_PATTERN.test(input.code)) {
    throw new AppError("invalid_invite_code");
  }
  const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at);
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
    throw new AppError("invalid_expires_at");
  }
  const fields = { maxUses: input.max_uses ?? null, expiresAt, note: input.note ?? null, createdBy: actorLabel(actor) };
  if (input.dryRun) {
    if (input.code !== undefined && (await deps.db.asPlatform((tx) => inviteCodeTaken(tx, input.code!)))) throw codeExists();
    return {
      dry_run: true as const,
      would_execute: {
        action: "create_invite_code",
        code: input.code ?? null,
        generated: input.code === undefined,
        max_uses: fields.maxUses,
        expires_at: iso(expiresAt),
        note: fields.note,
      },
    };
  }
  // A generated code colliding is unlikely (31^8) but possible: draw again rather than fail.
  for (let attempt = 0; ; attempt++) {
    const code = input.code ?? generateInviteCode();
    try {
      const row = await deps.db.asPlatform((tx) => insertInviteCode(tx, { code, ...fields }));
      return inviteView(row);
    } catch (err) {
      if (pgErrorCode(err) !== UNIQUE_VIOLATION) throw err;
      if (input.code !== undefined || attempt >= 3) throw codeExists();
    }
  }
}

export async function listInviteCodes(
  deps: InviteDeps,
  actor: Actor,
  input: { limit?: number | undefined; cursor?: string | undefined; include_revoked?: boolean | undefined },
) {
  assertPlatformAdmin(actor);
  const limit = input.limit ?? 50;
  const rows = await deps.db.asPlatform((tx) =>
    listInviteRows(tx, { limit, cursor: input.cursor, includeDeleted: input.include_revoked ?? false }),
  );
  const page = pageOf(rows, limit);
  return { data: page.data.map(inviteView), next_cursor: page.next_cursor };
}

const inviteNotFound = () => new AppError("invite_code_not_found");

/** Revokes (soft-deletes) a code: registrations with it fail from now on; tenants it admitted stay. */
export async function deleteInviteCode(deps: InviteDeps, actor: Actor, input: { id: string; dryRun?: boolean | undefined }) {
  assertPlatformAdmin(actor);
  if (!isUuid(input.id)) throw inviteNotFound();
  return deps.db.asPlatform(async (tx) => {
    const invite = await findInviteCode(tx, input.id);
    if (!invite || invite.deleted_at) throw inviteNotFound();
    if (input.dryRun) {
      return {
        dry_run: true as const,
        would_execute: { action: "delete_invite_code", id: invite.id, code: invite.code, from: inviteStatus(invite), to: "revoked" },
      };
    }
    const revoked = await revokeInviteCode(tx, invite.id);
    if (!revoked) throw inviteNotFound();
    return inviteView(revoked);
  });
}
