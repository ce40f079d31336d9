import { sql, type RawBuilder } from "kysely";
import { AppError } from "../errors/index.js";

/**
 * Keyset pagination over (created_at, id). The timestamp travels as PostgreSQL's own text form:
 * a JavaScript Date keeps milliseconds only, and a cursor cut to milliseconds would show the last
 * row of a page again on the next.
 */
export interface Page {
  limit: number;
  cursor?: string | undefined;
}

interface Position {
  at: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decode(cursor: string): Position {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof at === "string" && typeof id === "string" && TIMESTAMP.test(at) && UUID.test(id)) return { at, id };
  } catch {
    // falls through to the one error below
  }
  throw new AppError("invalid_cursor");
}

/** The text form of `alias.created_at` (or `column`) to select as `cursor_at`, so `pageOf` can build the next cursor. */
export function cursorColumn(alias: string, column = "created_at"): RawBuilder<string> {
  return sql<string>`${sql.ref(`${alias}.${column}`)}::text`;
}

/** Rows strictly after the cursor, in (created_at, id) order. */
export function afterCursor(alias: string, cursor: string | undefined): RawBuilder<boolean> {
  return compareToCursor(alias, cursor, "created_at", sql`>`);
}

/** Rows strictly before the cursor, for lists newest first in (`column`, id) descending order. */
export function beforeCursor(alias: string, cursor: string | undefined, column = "created_at"): RawBuilder<boolean> {
  return compareToCursor(alias, cursor, column, sql`<`);
}

function compareToCursor(alias: string, cursor: string | undefined, column: string, op: RawBuilder<unknown>): RawBuilder<boolean> {
  if (cursor === undefined) return sql<boolean>`true`;
  const { at, id } = decode(cursor);
  return sql<boolean>`(${sql.ref(`${alias}.${column}`)}, ${sql.ref(`${alias}.id`)}) ${op} (${at}::timestamptz, ${id}::uuid)`;
}

/** Splits `limit + 1` fetched rows into a page and the cursor of the next one. */
export function pageOf<T extends { id: string; cursor_at: string }>(rows: T[], limit: number) {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  const next_cursor = rows.length > limit && last ? Buffer.from(JSON.stringify([last.cursor_at, last.id])).toString("base64url") : null;
  return { data, next_cursor };
}
