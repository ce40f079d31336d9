import { type Config, ConfigError, loadConfig } from "../../config.js";
import { buildDeps } from "../../deps.js";
import { createLogger } from "../../logger.js";

/** `serve`: the same start-up as `npm start`. */
export async function serve(): Promise<number | undefined> {
  await import("../../main.js");
  return undefined; // keeps running until a signal
}

/** `migrate`: applies pending migrations to BR_DATA_DIR / DATABASE_URL (as BR_MIGRATION_DATABASE_URL when set) and exits. */
export async function migrate(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`Invalid configuration: ${err.message}\n`);
    return 1;
  }
  // Opening the dependencies migrates (forward-only, idempotent); nothing else is started.
  const deps = await buildDeps(config, createLogger(config.BR_LOG_LEVEL));
  await deps.close();
  process.stdout.write(`migrations applied (${deps.db.engine})\n`);
  return 0;
}
