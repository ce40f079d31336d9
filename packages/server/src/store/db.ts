import { PGlite } from "@electric-sql/pglite";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { pglitePool } from "./pglite-pool.js";
import type { DB } from "./schema.js";

export type Engine = "pglite" | "postgres";
type Role = "br_app" | "br_platform";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type Tx = Transaction<DB>;
type Rows = Record<string, unknown>[];
export type ExecScript = (script: string) => Promise<Rows>;

function lastRows(result: { rows: Rows } | { rows: Rows }[]): Rows {
  const results = Array.isArray(result) ? result : [result];
  return results.at(-1)?.rows ?? [];
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite engine is used. */
  databaseUrl?: string;
  /**
   * The owner's login for `ownerSession` (migrations), when the pooled one may not create tables:
   * a non-superuser that can only become br_app / br_platform. Defaults to `databaseUrl`.
   */
  migrationDatabaseUrl?: string | undefined;
  /** PGlite data directory; "memory://" keeps everything in memory. */
  dataDir: string;
  poolSize?: number;
  /** Errors of idle pooled connections (server restart, terminated backend). */
  onIdleError?: (err: Error) => void;
}

/**
 * Every query the server makes goes through one of the three scopes below, each a transaction
 * with `SET LOCAL ROLE`, so row-level security applies whoever the pooled login is: the owner
 * (who must not be used directly: it bypasses RLS as a superuser), or a non-superuser member of
 * br_app and br_platform with no privileges of its own (decisions.md #100), for whom RESET ROLE
 * leads nowhere.
 */
export class Database {
  /** Queries sent since start; the hot-path tests and benchmarks read it to prove "no query once warm". */
  queryCount = 0;

  /**
   * The same pool through a Kysely that counts nothing, for background work (the dispatcher and
   * its subscribers, usage and last-used writes, sweeps, scrapes): a poll landing between a test's
   * two readings must not look like a query of the request. A separate instance rather than an
   * AsyncLocalStorage flag, which turned on promise hooks for every promise of every request.
   */
  readonly background: Database;

  private constructor(
    readonly engine: Engine,
    readonly kysely: Kysely<DB>,
    private readonly ownerSessionImpl: <T>(fn: (exec: ExecScript) => Promise<T>) => Promise<T>,
    /** A multi-statement script on one pooled connection, in one round trip (simple protocol). */
    private readonly oneTripImpl: ExecScript,
    private readonly closeImpl: () => Promise<void>,
    /** Connections checked out of the pool now (PGlite: its one session, 0 or 1). */
    readonly connectionsInUse: () => number,
    uncounted?: Kysely<DB>,
  ) {
    this.background = uncounted ? new Database(engine, uncounted, ownerSessionImpl, oneTripImpl, closeImpl, connectionsInUse) : this;
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    let db: Database;
    const log = () => {
      db.queryCount++;
    };
    if (options.databaseUrl) {
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
      // Without a listener, an idle connection the server drops would crash the process; the pool
      // replaces it on the next checkout.
      pool.on("error", (err) => options.onIdleError?.(err));
      // The pool listens only while a connection is idle. One checked out between two statements
      // of a transaction (the dispatcher's, a request's) when PostgreSQL goes away would emit an
      // unhandled error and crash the process; its next query fails instead, and the pool drops it.
      pool.on("connect", (client) => client.on("error", (err) => options.onIdleError?.(err)));
      const dialect = new PostgresDialect({ pool });
      const kysely = new Kysely<DB>({ dialect, log });
      db = new Database(
        "postgres",
        kysely,
        async (fn) => {
          if (options.migrationDatabaseUrl) return ownerClientSession(options.migrationDatabaseUrl, fn);
          // One dedicated connection: the migration lock is held by the session.
          const client = await pool.connect();
          try {
            return await fn(async (script) => lastRows(await client.query(script)));
          } finally {
            client.release();
          }
        },
        async (script) => {
          const client = await pool.connect();
          try {
            return lastRows(await client.query(script));
          } finally {
            client.release();
          }
        },
        // The pool itself, not kysely.destroy(): a Kysely that never ran a query (the counted one,
        // when only background work ran) does not end its pool, and an open PGlite keeps the
        // process alive.
        () => pool.end(),
        () => pool.totalCount - pool.idleCount,
        new Kysely<DB>({ dialect }),
      );
    } else {
      const pglite = await openPglite(options.dataDir);
      const pool = pglitePool(pglite);
      const dialect = new PostgresDialect({ pool });
      const kysely = new Kysely<DB>({ dialect, log });
      db = new Database(
        "pglite",
        kysely,
        (fn) => fn(async (script) => lastRows(await pglite.exec(script))),
        // Borrowed from the pool like a transaction: never interleaved with another caller's.
        async (script) => {
          const session = await pool.connect();
          try {
            return lastRows(await pglite.exec(script));
          } finally {
            session.release();
          }
        },
        () => pool.end(),
        () => pool.inUse(),
        new Kysely<DB>({ dialect }),
      );
    }
    return db;
  }

  /** Tenant work: br_app, and only the rows of `tenantId` are visible or writable. */
  asTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.scoped("br_app", tenantId, fn);
  }

  /** br_app with no tenant: nothing is visible except through the SECURITY DEFINER look-ups. */
  asApp<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.scoped("br_app", "", fn);
  }

  /**
   * One statement as br_app with no tenant (the SECURITY DEFINER look-ups) in one round trip: the
   * role and the statement travel as one simple-protocol query, which the server runs as one
   * implicit transaction that the role ends with — instead of BEGIN, set_config, the statement
   * and COMMIT (a cold API-key look-up was four round trips). Sent as text, without parameters:
   * callers build `statement` from checked literals only.
   */
  async asAppInOneTrip(statement: string): Promise<Rows> {
    this.queryCount++;
    return this.oneTripImpl(`SELECT set_config('role', 'br_app', true), set_config('br.tenant_id', '', true); ${statement}`);
  }

  /** Platform-admin and background work (dispatcher, digest): every tenant's rows. */
  asPlatform<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.scoped("br_platform", "", fn);
  }

  private scoped<T>(role: Role, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    // Literals, not parameters, so that PGlite takes it by the simple protocol (pglite-pool.ts):
    // safe only because the role is one of two names and the tenant id a UUID, checked here.
    if (tenantId !== "" && !UUID.test(tenantId)) return Promise.reject(new TypeError("a tenant scope needs a tenant id (a UUID)"));
    return this.kysely.transaction().execute(async (tx) => {
      // is_local = true: both settings end with the transaction, never leak to the next user of
      // the pooled connection (DESIGN.md §5).
      await sql`SELECT set_config('role', ${sql.lit(role)}, true), set_config('br.tenant_id', ${sql.lit(tenantId)}, true)`.execute(tx);
      return fn(tx);
    });
  }

  /** One owner session running multi-statement scripts; only migrations use it. */
  ownerSession<T>(fn: (exec: ExecScript) => Promise<T>): Promise<T> {
    return this.ownerSessionImpl(fn);
  }

  close(): Promise<void> {
    return this.closeImpl();
  }
}

/** A session of its own as the migration login, closed afterwards: the pool never holds it. */
async function ownerClientSession<T>(url: string, fn: (exec: ExecScript) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // A connection lost between queries must not crash the process; the next query fails instead.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(async (script) => lastRows(await client.query(script)));
  } finally {
    await client.end();
  }
}

/** SQLSTATE of a failed query, for mapping constraint violations to API errors. */
export function pgErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
export const UNIQUE_VIOLATION = "23505";

// PGlite's wasm heap holds all of shared_buffers from the start (PostgreSQL's default 128 MB
// made ~100 MB of its idle RSS); its files sit in the OS page cache anyway (decisions.md #153).
const PGLITE_SHARED_BUFFERS = "32MB";

/**
 * PGlite keeps what initdb allocated for as long as the process that ran it: creating a data
 * directory in the server's process left it at ~820 MB RSS idle (~490 MB from a worker thread),
 * against ~380 MB when it opens an existing one (`npm run bench:pglite-memory`). So a new
 * directory is created by a short-lived child process, and the server opens it as on every later
 * start. In-memory databases cannot be handed over that way and are created in place.
 */
async function openPglite(dataDir: string): Promise<PGlite> {
  if (!dataDir.startsWith("memory://")) {
    await mkdir(dataDir, { recursive: true });
    if (!existsSync(join(dataDir, "PG_VERSION"))) await createDataDir(dataDir);
  }
  const pglite = new PGlite(dataDir, { postgresqlconf: [`shared_buffers=${PGLITE_SHARED_BUFFERS}`] });
  await pglite.waitReady;
  return pglite;
}

function createDataDir(dataDir: string): Promise<unknown> {
  const pgliteModule = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script = `const { PGlite } = require(${JSON.stringify(pgliteModule)});
    const db = new PGlite(${JSON.stringify(dataDir)});
    db.waitReady.then(() => db.close()).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });`;
  return promisify(execFile)(process.execPath, ["-e", script], { timeout: 120_000 });
}
