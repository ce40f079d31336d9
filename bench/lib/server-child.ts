/**
 * A BrainstormRouter instance in its own process for benchmarks, driven over IPC so the load
 * generator never shares an event loop with the server it measures.
 *   parent → {type: "queries"}            child → {type: "queries", count}
 *   parent → {type: "cpu"}                child → {type: "cpu", micros}  (user + system CPU so far)
 *   parent → {type: "profile-start"}      child → {type: "profile-started"}  (V8's sampling profiler)
 *   parent → {type: "profile-stop", file} child → {type: "profile-stopped"}  (the .cpuprofile written to `file`)
 *   child → {type: "ready", url, key, policyKey, tenantId} once listening with one active tenant
 *   registered; `policyKey` is a second key of it with a daily budget and an allow-list (issue 12)
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../packages/server/src/config.js";
import { startServer } from "../../packages/server/src/server.js";
import { registerTenant } from "../../packages/server/src/services/registration.js";

const dataDir = process.env.BR_DATA_DIR ?? (await mkdtemp(join(tmpdir(), "br-bench-")));
const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? "0", HOST: "127.0.0.1", BR_DATA_DIR: dataDir, BR_BETA_GATE: "off" });
const server = await startServer(config);
const reg = await registerTenant(server.deps, { tenant_name: "Bench Lab", admin_email: "bench@lab.test", accept_tos: true }, "127.0.0.1");

const url = `http://127.0.0.1:${server.port}`;
// A budget no benchmark spends, and a pattern every benchmark model matches: the checks run, never refuse.
const policy = {
  name: "bench-policy",
  role: "developer",
  budget_usd: 1_000_000,
  budget_period: "daily",
  allowed_models: ["mock-*", "echo*"],
};
const created = await fetch(`${url}/v1/tenant/api-keys`, {
  method: "POST",
  headers: { authorization: `Bearer ${reg.api_key.key}`, "content-type": "application/json" },
  body: JSON.stringify(policy),
});
if (created.status !== 201) throw new Error(`could not create the policy key: ${created.status} ${await created.text()}`);
const policyKey = ((await created.json()) as { key: string }).key;

const inspector = new Session();
inspector.connect();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) => inspector.post(method, (err, result) => (err ? reject(err) : resolve(result))));

process.on("message", async (msg: { type: string; file?: string }) => {
  if (msg.type === "profile-start") {
    await post("Profiler.enable");
    await post("Profiler.start");
    process.send!({ type: "profile-started" });
  }
  if (msg.type === "profile-stop") {
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    await writeFile(msg.file!, JSON.stringify(profile));
    process.send!({ type: "profile-stopped" });
  }
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
process.send!({ type: "ready", url, key: reg.api_key.key, policyKey, tenantId: reg.tenant.id });
