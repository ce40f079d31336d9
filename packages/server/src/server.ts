import { serve, type ServerType } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { buildDeps, type BuildOptions, type Deps } from "./deps.js";
import { metricsOnlyApp } from "./http/routes/metrics.js";
import { createLogger } from "./logger.js";

export interface RunningServer {
  url: string;
  port: number;
  /** The port of `/metrics` when BR_METRICS_PORT is set (0 picks a free one). */
  metricsPort: number | null;
  deps: Deps;
  /**
   * Stops accepting, lets in-flight requests (streams included) finish for up to
   * BR_SHUTDOWN_GRACE_MS, then closes what is left, flushes metering and gives back the outbox's
   * claims. Requests cut at the deadline are metered like client disconnects.
   */
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
  const metricsServer: ServerType | null =
    config.BR_METRICS_PORT === undefined
      ? null
      : await new Promise((resolve) => {
          const s = serve({ fetch: metricsOnlyApp(deps).fetch, port: config.BR_METRICS_PORT, hostname: config.host }, () => resolve(s));
        });
  const host = config.host === "0.0.0.0" || config.host === "::" || config.host === "127.0.0.1" ? "localhost" : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : null,
    deps,
    close() {
      closing ??= (async () => {
        const http = server as Server;
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        // Idle keep-alive connections would hold the drain open; in-flight ones keep going.
        http.closeIdleConnections();
        const deadline = setTimeout(() => {
          log.warn({ graceMs: config.shutdownGraceMs }, "shutdown grace is over; closing the connections still open");
          http.closeAllConnections();
        }, config.shutdownGraceMs);
        await drained;
        clearTimeout(deadline);
        await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
        await deps.close();
      })();
      return closing;
    },
  };
}
