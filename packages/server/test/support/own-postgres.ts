import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./own-redis.js";

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl as the postgres user, in a temp
 * directory, on a free port), so a fault test can stop and restart it without touching the
 * machine's shared server.
 */
export interface OwnPostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

const asPostgres = (args: string[]) => execFileSync("runuser", ["-u", "postgres", "--", ...args], { stdio: "pipe" });

export function ownPostgresAvailable(): boolean {
  try {
    execFileSync("initdb", ["--version"], { stdio: "pipe" });
    execFileSync("id", ["postgres"], { stdio: "pipe" });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "br-pg-"));
  chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const data = join(dir, "data");
  const port = await freePort();
  asPostgres(["initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => asPostgres(["pg_ctl", "-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => asPostgres(["pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
    start,
    destroy() {
      try {
        asPostgres(["pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
