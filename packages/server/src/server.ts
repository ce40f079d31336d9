import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { buildDeps, type BuildOptions, type Deps } from "./deps.js";
import { createLogger } from "./logger.js";

export interface RunningServer {
  url: string;
  port: number;
  deps: Deps;
  /** Stops accepting, lets in-flight requests finish, flushes buffers, closes connections. */
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  log = createLogger(config.BR_LOG_LEVEL),
  options: BuildOptions = {},
): Promise<RunningServer> {
  const deps = await buildDeps(config, log, options);
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" || config.host === "127.0.0.1" ? "localhost" : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    deps,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await deps.close();
      })();
      return closing;
    },
  };
}
