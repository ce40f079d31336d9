import { type Config, ConfigError, loadConfig } from "../../config.js";
import { buildDeps } from "../../deps.js";
import { createLogger } from "../../logger.js";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { parse, printJson } from "../output.js";

/** `serve`: the same start-up as `npm start`. */
export async function serve(_ctx: CliContext, args: string[]): Promise<number | undefined> {
  parse(args, {}, HELP.serve!);
  await import("../../main.js");
  return undefined; // keeps running until a signal
}

/** `migrate`: applies pending migrations to BR_DATA_DIR / DATABASE_URL (as BR_MIGRATION_DATABASE_URL when set) and exits. */
export async function migrate(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: "boolean", default: false } }, HELP.migrate!);
  let config: Config;
  try {
    // config.ts reads the process's environment: it is the one reader of it (STYLE.md).
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    ctx.stderr.write(`Invalid configuration: ${err.message}\n`);
    return 1;
  }
  // Opening the dependencies migrates (forward-only, idempotent); nothing else is started.
  const deps = await buildDeps(config, createLogger(config.BR_LOG_LEVEL));
  await deps.close();
  if (values.json) printJson(ctx, { migrated: true, engine: deps.db.engine });
  else ctx.stdout.write(`migrations applied (${deps.db.engine})\n`);
  return 0;
}
