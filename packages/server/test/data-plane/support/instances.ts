import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "../../support/databases.js";
import { JWT_SECRET, request, signJwt } from "../../support/harness.js";
import { REDIS_URL } from "../../support/services.js";

const SCRIPT = fileURLToPath(new URL("./instance.ts", import.meta.url));
export const PLATFORM_ADMIN = "user|platform-admin@ops.test";

export interface Instance {
  url: string;
  pid: number;
  command(op: string, args?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** A server in a child process (tsx), configured by `env`; resolves once it is listening. */
export async function spawnInstance(env: Record<string, string>): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
    env: { ...process.env, NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", BR_LOG_LEVEL: "warn", ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`instance exited with ${code} before listening`)));
    lines.on("line", (line) => {
      const msg = JSON.parse(line) as { url?: string; id?: number; result?: unknown; error?: string };
      if (msg.url) return resolve(msg.url);
      const w = waiting.get(msg.id!);
      waiting.delete(msg.id!);
      if (msg.error) w?.reject(new Error(msg.error));
      else w?.resolve(msg.result);
    });
  });
  return {
    url,
    pid: child.pid!,
    command(op, args = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface Cluster {
  a: Instance;
  b: Instance;
  database: TestDatabase;
  /** BR_REDIS_PREFIX both instances share. */
  redisPrefix: string;
  /** What both were started with: a third instance of the same cluster starts with it. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Two instances sharing one fresh PostgreSQL database and one Redis namespace. */
export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabase("postgres");
  const redisPrefix = `brk:${randomBytes(4).toString("hex")}:`;
  const shared = {
    ...database.env,
    REDIS_URL: REDIS_URL!,
    BR_REDIS_PREFIX: redisPrefix,
    BR_AUTH_JWT_SECRET: JWT_SECRET,
    BR_BETA_GATE: "off",
    BR_REGISTER_RATE_PER_MIN: "100000",
    BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: PLATFORM_ADMIN,
    ...env,
  };
  // One after the other: the second start finds the migrations applied.
  const a = await spawnInstance(shared);
  const b = await spawnInstance(shared);
  return {
    a,
    b,
    database,
    redisPrefix,
    env: shared,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await database.drop();
    },
  };
}

/**
 * Suspends a tenant through `instance`: the admin API when this build has it, otherwise the
 * instance's test hook (same two effects: the row, then the cluster-wide invalidation).
 */
export async function suspendThrough(instance: Instance, tenantId: string): Promise<"admin API" | "test hook"> {
  const token = await signJwt({ sub: PLATFORM_ADMIN, email: "platform-admin@ops.test", email_verified: true });
  const res = await request(`${instance.url}/v1/admin/tenants/${tenantId}/suspend`, { token, body: { reason: "kill switch test" } });
  if (res.status === 200) return "admin API";
  if (res.status === 404 && res.body?.error?.code === "route_not_found") {
    await instance.command("set-status", { tenantId, status: "suspended" });
    return "test hook";
  }
  throw new Error(`suspend failed: ${res.status} ${JSON.stringify(res.body)}`);
}
