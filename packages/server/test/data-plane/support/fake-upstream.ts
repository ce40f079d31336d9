import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OpenAI-compatible upstream on 127.0.0.1 whose behaviour is picked by the model name:
 * `fake-500` fails, `fake-hang`/`fake-hang-patient` never answer, `fake-slow-stream` streams a chunk every 20 ms
 * for a minute, `fake-timed-stream` streams for 2 s and ends with its usage; any other model answers at once
 * with a fixed completion of `completionBytes`.
 */
export interface FakeUpstream {
  url: string;
  /** Requests received on /v1/chat/completions. */
  hits: number;
  /** Bodies received, newest last. */
  bodies: Record<string, unknown>[];
  /** Authorization headers received: the gateway's upstream key, never the tenant's. */
  authorizations: (string | undefined)[];
  /** Requests whose connection closed before the answer was complete (client aborts). */
  aborted: number;
  close(): Promise<void>;
}

export async function startFakeUpstream(options: { completionBytes?: number } = {}): Promise<FakeUpstream> {
  const content = "x".repeat(Math.max(1, (options.completionBytes ?? 64) - 1)) + ".";
  const state = { hits: 0, aborted: 0, bodies: [] as Record<string, unknown>[], authorizations: [] as (string | undefined)[] };
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") return json(res, 200, { object: "list", data: [] });
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return json(res, 404, { error: { message: "no route" } });
    state.hits++;
    const body = JSON.parse(await readBody(req)) as { model: string; stream?: boolean };
    state.bodies.push(body);
    state.authorizations.push(req.headers.authorization);
    res.on("close", () => {
      if (!res.writableFinished) state.aborted++;
    });
    switch (body.model) {
      case "fake-500":
        return json(res, 500, { error: { message: "upstream exploded", type: "server_error" } });
      case "fake-hang":
      case "fake-hang-patient":
        return;
      case "fake-slow-stream":
        return slowStream(res, body.model);
      case "fake-timed-stream":
        return slowStream(res, body.model, {
          chunks: 40,
          everyMs: 50,
          usage: { prompt_tokens: 11, completion_tokens: 40, total_tokens: 51 },
        });
    }
    const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
    if (!body.stream) {
      return json(res, 200, {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: 1_700_000_000,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage,
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const frame = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1_700_000_000, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(frame({ role: "assistant", content: "" }));
    res.write(frame({ content: "Hello" }));
    res.write(frame({ content: " there" }));
    res.write(frame({}, "stop"));
    res.end("data: [DONE]\n\n");
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get hits() {
      return state.hits;
    },
    get aborted() {
      return state.aborted;
    },
    bodies: state.bodies,
    authorizations: state.authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function slowStream(
  res: ServerResponse,
  model: string,
  shape: { chunks: number; everyMs: number; usage?: object } = { chunks: 3000, everyMs: 20 },
) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  let n = 0;
  const timer = setInterval(() => {
    if (++n > shape.chunks) {
      clearInterval(timer);
      const usage = shape.usage
        ? `data: ${JSON.stringify({ object: "chat.completion.chunk", model, choices: [], usage: shape.usage })}\n\n`
        : "";
      return res.end(`${usage}data: [DONE]\n\n`);
    }
    res.write(
      `data: ${JSON.stringify({ object: "chat.completion.chunk", model, choices: [{ index: 0, delta: { content: `${n} ` } }] })}\n\n`,
    );
  }, shape.everyMs);
  res.on("close", () => clearInterval(timer));
}

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** BR_PROVIDERS for a gateway in front of `upstream`, next to the built-in echo. */
export function providersFor(upstream: FakeUpstream, timeoutMs = 500) {
  return JSON.stringify([
    { type: "echo" },
    {
      type: "openai-compatible",
      name: "fake",
      base_url: upstream.url,
      api_key: "sk-upstream-secret",
      models: ["fake-model", "fake-500", "fake-hang", "fake-slow-stream"],
      timeout_ms: timeoutMs,
    },
    // A minute of patience: only the client's abort can end these calls within a test.
    { type: "openai-compatible", name: "patient", base_url: upstream.url, models: ["fake-hang-patient"], timeout_ms: 60_000 },
  ]);
}
