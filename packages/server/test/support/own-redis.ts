import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/**
 * A redis-server of the test's own on a free port, so a fault test can kill or freeze it without
 * touching the machine's shared Redis.
 */
export interface OwnRedis {
  url: string;
  /** SIGKILL: connections drop at once and nothing answers on the port. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the socket stays open and nothing answers. */
  freeze(): void;
  thaw(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `port`: the port of one killed earlier, to bring "the same" Redis back, empty. */
export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  port ??= await freePort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code} before it was ready`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve();
    });
  });
  child.stdout!.resume();
  let alive = true;
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (!alive) return;
      alive = false;
      child.kill("SIGCONT");
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    },
    freeze: () => child.kill("SIGSTOP"),
    thaw: () => child.kill("SIGCONT"),
  };
}
