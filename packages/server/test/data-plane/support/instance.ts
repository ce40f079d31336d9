/**
 * One BrainstormRouter process configured from its environment, for the tests and benchmarks
 * that need several instances sharing PostgreSQL and Redis. Prints `{"url": …}` once listening.
 *
 * Test hook (stdin, one JSON command per line; answers one JSON line on stdout): what an operator
 * action does to a tenant or key elsewhere in the product, reduced to its two effects — the row
 * changes, then the key cache is invalidated on every instance.
 *   {"id":1,"op":"set-status","tenantId":"…","status":"suspended"}   {"id":2,"op":"revoke-key","keyId":"…"}
 */
import { createInterface } from "node:readline";
import { loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import { startServer } from "../../../src/server.js";
import type { TenantStatus } from "../../../src/store/schema.js";

type Command =
  | { id: number; op: "set-status"; tenantId: string; status: TenantStatus }
  | { id: number; op: "revoke-key"; keyId: string }
  | { id: number; op: "query-count" };

const config = loadConfig(process.env);
const server = await startServer(config, createLogger(config.BR_LOG_LEVEL, process.stderr));
const { db, keyCache } = server.deps;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.port}` })}\n`);

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case "set-status":
      await db.asPlatform((tx) => tx.updateTable("tenants").set({ status: command.status }).where("id", "=", command.tenantId).execute());
      await keyCache.invalidateTenant(command.tenantId);
      return null;
    case "revoke-key":
      await db.asPlatform((tx) => tx.updateTable("api_keys").set({ revoked_at: new Date() }).where("id", "=", command.keyId).execute());
      await keyCache.invalidateKey(command.keyId);
      return null;
    case "query-count":
      return db.queryCount;
  }
}

createInterface({ input: process.stdin }).on("line", async (line) => {
  const command = JSON.parse(line) as Command;
  try {
    process.stdout.write(`${JSON.stringify({ id: command.id, result: await run(command) })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ id: command.id, error: String(err) })}\n`);
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
