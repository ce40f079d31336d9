import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a process that prints `{"url": …}` on its first stdout line (or, with `readyText`, waits
 * for that text and takes `url` as given).
 */
export async function startProcess(
  args: string[],
  options: { env?: Record<string, string>; url?: string; readyText?: string } = {},
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (d) => (output += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start:\n${output}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      if (options.readyText ? line.includes(options.readyText) : line.startsWith("{")) {
        clearTimeout(timer);
        resolve(options.url ?? (JSON.parse(line) as { url: string }).url);
      }
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The mock upstream: a fixed completion of `completionBytes`, no delay. */
export function startMockUpstream(completionBytes = 1024) {
  return startProcess(["--import", "tsx", new URL("./mock-upstream.ts", import.meta.url).pathname], {
    env: { COMPLETION_BYTES: String(completionBytes) },
  });
}

/**
 * Portkey's open-source gateway from npm, on loopback. Its start-server.js takes `--port=` but no
 * host, hence the preload that pins listen() to 127.0.0.1.
 */
export function startPortkey(port: number) {
  const script = new URL("../../node_modules/@portkey-ai/gateway/build/start-server.js", import.meta.url).pathname;
  return startProcess(["--require", new URL("./loopback.cjs", import.meta.url).pathname, script, `--port=${port}`, "--headless"], {
    env: { NODE_ENV: "production" },
    url: `http://127.0.0.1:${port}`,
    readyText: "Ready for connections",
  });
}

/** A floor proxy (bench/support/floor-proxies.ts) in front of `upstream`. */
export function startFloorProxy(floor: "raw" | "hono", upstream: string) {
  return startProcess(["--import", "tsx", new URL("./floor-proxies.ts", import.meta.url).pathname], {
    env: { FLOOR: floor, UPSTREAM: upstream },
  });
}
