import type { PGlite } from "@electric-sql/pglite";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

/**
 * PGlite behind Kysely's PostgresDialect. PGlite is one session, so the pool hands it to one
 * borrower at a time: a transaction's BEGIN … COMMIT is never interleaved with another caller's
 * statements. (Kysely's own PGlite dialect needs Node 22; decisions.md #107.)
 */
export function pglitePool(pglite: PGlite): PostgresPool & { inUse(): number } {
  let tail = Promise.resolve();
  let borrowed = 0;
  const client = (release: () => void) => {
    // Kysely's BEGIN waits here for the transaction's first statement and travels with it when that
    // has no parameters (the scope's set_config always): one call into the engine fewer each time.
    let begin = "";
    return {
      async query<R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        if (text === "begin") {
          begin = "begin; ";
          return { command: "UPDATE", rowCount: 0, rows: [] };
        }
        if (begin && parameters.length > 0) await pglite.exec(begin);
        const script = parameters.length === 0 ? begin + text : "";
        begin = "";
        // Without parameters, the simple protocol: PGlite's `query` makes six calls into the
        // engine (parse, two describes, bind, execute, sync), `exec` two. BEGIN, COMMIT and the
        // scope's set_config are such statements, in every transaction (decisions.md #139).
        // Kysely compiles one statement per query, so the last result is its own.
        const result = script ? (await pglite.exec(script)).at(-1)! : await pglite.query<R>(text, parameters as unknown[]);
        // Kysely reads rowCount only for these commands; PGlite reports the count for any of them.
        return { command: "UPDATE", rowCount: result.affectedRows ?? 0, rows: result.rows as R[] };
      },
      release,
    } as PostgresPoolClient;
  };
  return {
    async connect() {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => {
        release = () => {
          borrowed--;
          resolve();
        };
      });
      await previous;
      borrowed++;
      return client(release);
    },
    inUse: () => borrowed,
    async end() {
      await pglite.close();
    },
  };
}
