import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";

export interface BenchServer {
  url: string;
  key: string;
  /** A key of the same tenant with a budget and an allow-list. */
  policyKey: string;
  tenantId: string;
  process: ChildProcess;
  queries(): Promise<number>;
  /** The server process's CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>;
  /** Starts V8's sampling profiler in the server; `stop` writes the .cpuprofile to `file`. */
  profile(): Promise<{ stop(file: string): Promise<void> }>;
  stop(): Promise<void>;
}

/** Forks bench/lib/server-child.ts with `env` and waits until it listens. */
export function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const child = fork(fileURLToPath(new URL("./server-child.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    // A prefix of its own in a shared Redis: limits charged by earlier runs (the registration
    // below names the same admin_email every time) must not refuse this one.
    env: { ...process.env, BR_LOG_LEVEL: "warn", BR_REDIS_PREFIX: `brbench:${randomUUID()}:`, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench server exited with ${code}`));
      const onMessage = (msg: { type: string } & T) => {
        if (msg.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(msg);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  return next<{ url: string; key: string; policyKey: string; tenantId: string }>("ready").then((ready) => ({
    ...ready,
    process: child,
    async queries() {
      const reply = next<{ count: number }>("queries");
      child.send({ type: "queries" });
      return (await reply).count;
    },
    async cpuMicros() {
      const reply = next<{ micros: number }>("cpu");
      child.send({ type: "cpu" });
      return (await reply).micros;
    },
    async profile() {
      const started = next("profile-started");
      child.send({ type: "profile-start" });
      await started;
      return {
        async stop(file: string) {
          const stopped = next("profile-stopped");
          child.send({ type: "profile-stop", file });
          await stopped;
        },
      };
    },
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.send({ type: "stop" });
      await exited;
    },
  }));
}
