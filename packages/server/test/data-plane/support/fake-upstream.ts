import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OpenAI-compatible upstream on 127.0.0.1 whose behaviour is picked by the model name:
 * `fake-500` fails, `fake-hang`/`fake-hang-patient` never answer, `fake-slow-stream` streams a chunk every 20 ms
 * for a minute, `fake-timed-stream` streams for 2 s and ends with its usage; any other model answers at once
 * with a fixed completion of `completionBytes` (no `system_fingerprint`, except for `fake-fp`).
 * Like OpenAI it answers `n` choices, a usage chunk for `stream_options.include_usage`, a call of
 * the first tool when sent `tools`, and after a `tool` message "tool said: <its content>".
 * POST /v1/embeddings answers 3-number vectors (`dimensions` of them when asked; base64 when
 * asked) with its usage, except for `fake-embedding-no-usage`.
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
  /** Bodies received on /v1/embeddings, newest last. */
  embeddingBodies: Record<string, unknown>[];
  /** The text of the last non-streamed answer sent, byte for byte. */
  lastAnswer: string;
  close(): Promise<void>;
}

export async function startFakeUpstream(options: { completionBytes?: number } = {}): Promise<FakeUpstream> {
  const content = "x".repeat(Math.max(1, (options.completionBytes ?? 64) - 1)) + ".";
  const state = {
    hits: 0,
    aborted: 0,
    lastAnswer: "",
    bodies: [] as Record<string, unknown>[],
    embeddingBodies: [] as Record<string, unknown>[],
    authorizations: [] as (string | undefined)[],
  };
  const answer = (res: ServerResponse, body: unknown) => {
    state.lastAnswer = json(res, 200, body);
  };
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") return json(res, 200, { object: "list", data: [] });
    if (req.method === "POST" && req.url === "/v1/embeddings") {
      const body = JSON.parse(await readBody(req)) as EmbeddingRequest;
      state.embeddingBodies.push(body);
      state.authorizations.push(req.headers.authorization);
      if (body.model === "fake-500") return json(res, 500, { error: { message: "upstream exploded" } });
      return answer(res, embeddings(body));
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return json(res, 404, { error: { message: "no route" } });
    state.hits++;
    const body = JSON.parse(await readBody(req)) as ChatRequest;
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
    const choices = Array.from({ length: body.n ?? 1 }, (_, index) => ({ index, ...reply(body, content) }));
    const fingerprint = body.model === "fake-fp" ? { system_fingerprint: "fp_fake_upstream" } : {};
    if (!body.stream) {
      return answer(res, {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: 1_700_000_000,
        model: body.model,
        ...fingerprint,
        choices,
        usage,
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const event = (data: object) =>
      `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1_700_000_000, model: body.model, ...fingerprint, ...data })}\n\n`;
    const frame = (index: number, delta: object, finish: string | null = null) =>
      event({ choices: [{ index, delta, finish_reason: finish }] });
    for (const { index, message, finish_reason } of choices) {
      const call = message.tool_calls?.[0];
      if (call) {
        const head = { index: 0, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } };
        res.write(frame(index, { role: "assistant", content: null, tool_calls: [head] }));
        res.write(frame(index, { tool_calls: [{ index: 0, function: { arguments: call.function.arguments.slice(0, 8) } }] }));
        res.write(frame(index, { tool_calls: [{ index: 0, function: { arguments: call.function.arguments.slice(8) } }] }));
      } else if (message.content === content) {
        res.write(frame(index, { role: "assistant", content: "" }));
        res.write(frame(index, { content: "Hello" }));
        res.write(frame(index, { content: " there" }));
      } else {
        res.write(frame(index, { role: "assistant", content: message.content }));
      }
      res.write(frame(index, {}, finish_reason));
    }
    if (body.stream_options?.include_usage) res.write(event({ choices: [], usage }));
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
    get lastAnswer() {
      return state.lastAnswer;
    },
    embeddingBodies: state.embeddingBodies,
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

function json(res: ServerResponse, status: number, body: unknown): string {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
  return text;
}

type ChatRequest = {
  model: string;
  stream?: boolean;
  n?: number;
  stream_options?: { include_usage?: boolean };
  tools?: { function?: { name: string } }[];
  messages: { role: string; content?: unknown }[];
};

interface FakeMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
}

/** A call of the first function tool; after a tool result, that result quoted; otherwise the fixed text. */
function reply(body: ChatRequest, content: string): { message: FakeMessage; finish_reason: string } {
  const last = body.messages.at(-1);
  if (last?.role === "tool")
    return { message: { role: "assistant", content: `tool said: ${String(last.content)}` }, finish_reason: "stop" };
  const tool = body.tools?.find((t) => t.function)?.function;
  if (!tool) return { message: { role: "assistant", content }, finish_reason: "stop" };
  const call = { id: "call_fake_1", type: "function" as const, function: { name: tool.name, arguments: '{"city":"Paris"}' } };
  return { message: { role: "assistant", content: null, tool_calls: [call] }, finish_reason: "tool_calls" };
}

type EmbeddingRequest = {
  model: string;
  input: unknown;
  dimensions?: number;
  encoding_format?: "float" | "base64";
};

function embeddings(body: EmbeddingRequest) {
  const count = typeof body.input === "string" || typeof (body.input as unknown[])[0] === "number" ? 1 : (body.input as unknown[]).length;
  const data = Array.from({ length: count }, (_, index) => {
    const vector = Array.from({ length: body.dimensions ?? 3 }, (_, d) => (d === 0 ? index + 1 : 0.5 / d));
    const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index, embedding };
  });
  const usage = body.model === "fake-embedding-no-usage" ? {} : { usage: { prompt_tokens: 5 * count, total_tokens: 5 * count } };
  return { object: "list", data, model: body.model, ...usage };
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
