import { type Config, ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";
import { ensureQuickstartInvite } from "./services/dev-quickstart.js";

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // One line naming the variable, as an operator would want to read it.
  console.error(`Invalid configuration: ${err.message}`);
  process.exit(1);
}

const log = createLogger(config.BR_LOG_LEVEL);
const server = await startServer(config, log);
const engine = server.deps.db.engine === "pglite" ? `PGlite in ${config.BR_DATA_DIR}` : "PostgreSQL";
log.info({ url: server.url, database: engine, cache: server.deps.cache.kind }, "BrainstormRouter is listening");
const invite = await ensureQuickstartInvite(server.deps);
const inviteField = invite ? `"invite_code":"${invite}",` : "";
const adminHint =
  config.platformAdminIds.size > 0
    ? `${config.platformAdminIds.size} configured (BRAINSTORMROUTER_PLATFORM_ADMIN_IDS)`
    : "set BRAINSTORMROUTER_PLATFORM_ADMIN_IDS to your sign-in subject or user id" +
      (config.authMode === "development" ? " (development sign-in: dev:<email>)" : "");
const signIn =
  config.authMode === "development"
    ? `\n  Sign in           brainstormrouter login --email you@example.com   (development sign-in, any email)`
    : "";
console.log(`
  BrainstormRouter  ${server.url}
  Dashboard         ${server.url}/dashboard/
  API reference     ${server.url}/docs
  Register a tenant curl -X POST ${server.url}/v1/register -H 'content-type: application/json' \\
                      -d '{${inviteField}"tenant_name":"My Lab","admin_email":"me@example.com","accept_tos":true}'
  Platform admins   ${adminHint}${signIn}${server.metricsPort === null ? "" : `\n  Metrics           http://${config.host}:${server.metricsPort}/metrics`}
`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down: draining in-flight requests");
    // A backstop only: close() itself ends the drain at the grace; this covers a stuck flush.
    const timer = setTimeout(() => process.exit(1), config.shutdownGraceMs + 15_000);
    timer.unref();
    await server.close();
    log.flush(() => process.exit(0));
  });
}
