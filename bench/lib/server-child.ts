/**
 * A BrainstormRouter instance in its own process for benchmarks, driven over IPC so the load
 * generator never shares an event loop with the server it measures.
 *   parent → {type: "queries"}            child → {type: "queries", count}
 *   parent → {type: "cpu"}                child → {type: "cpu", micros}  (user + system CPU so far)
 *   child → {type: "ready", url, key, tenantId} once listening with one active tenant registered
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../packages/server/src/config.js";
import { startServer } from "../../packages/server/src/server.js";
import { registerTenant } from "../../packages/server/src/services/registration.js";

const dataDir = process.env.BR_DATA_DIR ?? (await mkdtemp(join(tmpdir(), "br-bench-")));
const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? "0", HOST: "127.0.0.1", BR_DATA_DIR: dataDir, BR_BETA_GATE: "off" });
const server = await startServer(config);
const reg = await registerTenant(server.deps, { tenant_name: "Bench Lab", admin_email: "bench@lab.test", accept_tos: true }, "127.0.0.1");

process.on("message", async (msg: { type: string }) => {
  if (msg.type === "queries") process.send!({ type: "queries", count: server.deps.db.queryCount });
  if (msg.type === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send!({ type: "cpu", micros: user + system });
  }
  if (msg.type === "stop") {
    await server.close();
    process.exit(0);
  }
});
process.send!({ type: "ready", url: `http://127.0.0.1:${server.port}`, key: reg.api_key.key, tenantId: reg.tenant.id });
