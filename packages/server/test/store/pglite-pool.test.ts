import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Database } from "../../src/store/db.js";
import { pglitePool } from "../../src/store/pglite-pool.js";

interface Db {
  t: { id: number; note: string };
}

/**
 * The PGlite pool sends statements without parameters by the simple protocol, and Kysely's BEGIN
 * with the statement after it (decisions.md #139): a transaction must stay one, whichever kind of
 * statement comes first.
 */
describe("the PGlite pool", () => {
  let pglite: PGlite;
  let db: Kysely<Db>;
  beforeAll(async () => {
    pglite = new PGlite("memory://");
    await pglite.exec("CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL)");
    db = new Kysely<Db>({ dialect: new PostgresDialect({ pool: pglitePool(pglite) }) });
  });
  afterAll(() => db.destroy());
  beforeEach(() => pglite.exec("TRUNCATE t"));

  const rolledBack = async (first: (tx: Kysely<Db>) => Promise<unknown>) => {
    await expect(
      db.transaction().execute(async (tx) => {
        await first(tx);
        await tx.insertInto("t").values({ id: 2, note: "second" }).execute();
        throw new Error("roll it back");
      }),
    ).rejects.toThrow("roll it back");
    return (await db.selectFrom("t").select("id").execute()).length === 0;
  };

  it("keeps a transaction whose first statement has parameters", async () => {
    expect(await rolledBack((tx) => tx.insertInto("t").values({ id: 1, note: "first" }).execute())).toBe(true);
  });

  it("keeps a transaction whose first statement has none", async () => {
    expect(await rolledBack((tx) => sql`INSERT INTO t VALUES (1, 'first')`.execute(tx))).toBe(true);
  });

  it("answers a statement without parameters as the extended protocol would", async () => {
    await sql`INSERT INTO t VALUES (7, 'it''s'), (8, 'b')`.execute(db);
    const simple = await sql<{ id: number; note: string; n: string }>`SELECT id, note, count(*) OVER () AS n FROM t ORDER BY id`.execute(
      db,
    );
    const extended = await sql<{
      id: number;
      note: string;
      n: string;
    }>`SELECT id, note, count(*) OVER () AS n FROM t WHERE id > ${0} ORDER BY id`.execute(db);
    expect(simple.rows).toEqual(extended.rows);
    expect(simple.rows).toEqual([
      { id: 7, note: "it's", n: 2 },
      { id: 8, note: "b", n: 2 },
    ]);
    const updated = await sql`UPDATE t SET note = 'c'`.execute(db);
    expect(updated.numAffectedRows).toBe(2n);
  });
});

describe("the embedded database", () => {
  it("opens with 32 MB of shared_buffers, not PostgreSQL's 128 MB (its wasm heap holds them all: decisions.md #153)", async () => {
    const db = await Database.open({ dataDir: "memory://" });
    try {
      const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(db.kysely);
      expect(rows[0]!.shared_buffers).toBe("32MB");
    } finally {
      await db.close();
    }
  });
});
