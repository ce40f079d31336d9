import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/store/db.js";
import { startFakeUpstream, type FakeUpstream } from "../data-plane/support/fake-upstream.js";
import { JWT_SECRET, request } from "../support/harness.js";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** The real entry point (src/main.ts) in a child process, so SIGTERM takes its production path. */
async function startMain(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN], {
    // Embedded PGlite in its own directory, whatever DATABASE_URL / REDIS_URL this run was given.
    env: {
      ...process.env,
      DATABASE_URL: "",
      BR_MIGRATION_DATABASE_URL: "",
      REDIS_URL: "",
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      BR_LOG_LEVEL: "info",
      BR_AUTH_JWT_SECRET: JWT_SECRET,
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    exited.then((code) => reject(new Error(`server exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "BrainstormRouter is listening" && entry.url) resolve(entry.url.replace("localhost", "127.0.0.1"));
    });
  });
  return { url, child, exited };
}

const streamingProviders = (upstream: FakeUpstream) =>
  JSON.stringify([
    {
      type: "openai-compatible",
      name: "fake",
      base_url: upstream.url,
      models: ["fake-timed-stream", "fake-slow-stream"],
      timeout_ms: 5_000,
    },
  ]);

async function register(url: string) {
  const res = await request(`${url}/v1/register`, { body: { tenant_name: "Draining", admin_email: "d@lab.test", accept_tos: true } });
  return { key: res.body.api_key.key as string, tenantId: res.body.tenant.id as string };
}

/** Reads the stream to its end; resolves with everything received. */
async function readAll(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

async function usageRows(dataDir: string, tenantId: string) {
  const db = await Database.open({ dataDir: join(dataDir, "pgdata") });
  try {
    return await db.asPlatform((tx) =>
      tx.selectFrom("usage_events").select(["status", "completion_tokens"]).where("tenant_id", "=", tenantId).execute(),
    );
  } finally {
    await db.close();
  }
}

describe("SIGTERM with streams in flight", () => {
  let upstream: FakeUpstream;
  const dirs: string[] = [];
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(async () => {
    await upstream.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const env = async (grace: string) => {
    const dir = await mkdtemp(join(tmpdir(), "br-drain-"));
    dirs.push(dir);
    return {
      dir,
      vars: {
        BR_DATA_DIR: dir,
        BR_BETA_GATE: "off",
        BR_PROVIDERS: streamingProviders(upstream),
        BR_SHUTDOWN_GRACE_MS: grace,
        BR_USAGE_FLUSH_MS: "600000",
      },
    };
  };

  const stream = (url: string, key: string, model: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "take your time" }] }),
    });

  it("lets a 2 s stream finish, refuses new connections meanwhile, meters it and exits 0", async () => {
    const { dir, vars } = await env("20000");
    const server = await startMain(vars);
    const { key, tenantId } = await register(server.url);
    const res = await stream(server.url, key, "fake-timed-stream");
    expect(res.status).toBe(200);
    const body = readAll(res);
    server.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    const text = await body;
    expect(text).toContain('"completion_tokens":40');
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await server.exited).toBe(0);
    expect(await usageRows(dir, tenantId)).toEqual([{ status: 200, completion_tokens: 40 }]);
  });

  it("cuts a stream that outlives the grace, still meters it, and exits 0 soon after the grace", async () => {
    const { dir, vars } = await env("500");
    const server = await startMain(vars);
    const { key, tenantId } = await register(server.url);
    const res = await stream(server.url, key, "fake-slow-stream");
    const body = readAll(res);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    expect(await body).not.toContain("[DONE]");
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(await usageRows(dir, tenantId)).toEqual([{ status: 499, completion_tokens: expect.any(Number) }]);
  });
});
