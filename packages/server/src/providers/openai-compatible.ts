import { Pool } from "undici";
import type { OpenAICompatibleConfig } from "./config.js";
import { upstreamStatusError, upstreamTransportError } from "./errors.js";
import type { ChatCall, Completion, EmbeddingCall, Provider, TokenUsage } from "./types.js";

type Body = Awaited<ReturnType<Pool["request"]>>["body"];

/** Any upstream speaking OpenAI's chat and embeddings API: one keep-alive pool per provider. */
export function openAICompatibleProvider(config: OpenAICompatibleConfig): Provider {
  const base = new URL(config.base_url);
  const prefix = base.pathname.replace(/\/$/, "");
  const chatPath = `${prefix}/chat/completions`;
  const embeddingsPath = `${prefix}/embeddings`;
  const pool = new Pool(base.origin, {
    connections: config.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: config.timeout_ms,
    bodyTimeout: config.timeout_ms,
  });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;

  // The body as the client sent it (model renamed): every parameter reaches the upstream untouched.
  async function send(path: string, call: ChatCall | EmbeddingCall) {
    let res: Awaited<ReturnType<Pool["request"]>>;
    try {
      res = await pool.request({ method: "POST", path, headers, body: JSON.stringify(call.body), signal: call.signal });
    } catch (err) {
      if (call.signal.aborted) throw err;
      throw upstreamTransportError(config.name, err);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res.body;
    const text = await res.body.text().catch(() => "");
    const retryAfter = res.headers["retry-after"];
    throw upstreamStatusError(config.name, res.statusCode, text, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  }

  async function read(call: ChatCall | EmbeddingCall, body: Body): Promise<string> {
    try {
      return await body.text();
    } catch (err) {
      if (call.signal.aborted) throw err;
      throw upstreamTransportError(config.name, err);
    }
  }

  return {
    name: config.name,
    models: config.models,
    async complete(call): Promise<Completion> {
      const json = await read(call, await send(chatPath, call));
      return completion(json);
    },
    async stream(call) {
      return toWebStream(await send(chatPath, call));
    },
    async embed(call): Promise<Completion> {
      const json = await read(call, await send(embeddingsPath, call));
      return { json, usage: embeddingUsage(json) };
    },
    close: () => pool.close(),
  };
}

/**
 * Pull-based: a chunk is read from the upstream only when the client side asked for the next one,
 * so nothing accumulates in the gateway; cancelling (client gone) destroys the upstream socket.
 */
function toWebStream(body: Body): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value as Uint8Array);
    },
    cancel(reason) {
      body.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

/**
 * The answer's usage, from the one parse the gateway makes of a completion. An answer without
 * `system_fingerprint` gets `"system_fingerprint": null` spliced in after its opening brace
 * (OpenAI always sends the key; strict clients such as @openrouter/sdk require it): null, not a
 * made-up value, because the gateway cannot vouch for the upstream's configuration.
 */
function completion(json: string): Completion {
  let parsed: { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }; system_fingerprint?: unknown };
  try {
    parsed = JSON.parse(json);
  } catch {
    return { json, usage: null };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { json, usage: null };
  const usage = parsed.usage;
  const reported =
    typeof usage?.prompt_tokens === "number" && typeof usage.completion_tokens === "number"
      ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
      : null;
  if ("system_fingerprint" in parsed) return { json, usage: reported };
  const open = json.indexOf("{") + 1;
  const empty = /^\s*\}/.test(json.slice(open, open + 64));
  return { json: `${json.slice(0, open)}"system_fingerprint":null${empty ? "" : ","}${json.slice(open)}`, usage: reported };
}

/**
 * An embeddings answer's `usage`, read without parsing its vectors (megabytes of numbers for a
 * batch): the last `"usage": {…}` of the text, which nothing else in the answer can contain (the
 * vectors are numbers or base64). Null when it is not there; the gateway then counts the input.
 */
function embeddingUsage(json: string): TokenUsage | null {
  for (let at = json.lastIndexOf('"usage"'); at >= 0; at = json.lastIndexOf('"usage"', at - 1)) {
    const open = /^"usage"\s*:\s*\{/.exec(json.slice(at, at + 64));
    if (!open) continue;
    const start = at + open[0].length - 1;
    let depth = 0;
    for (let i = start; i < json.length; i++) {
      if (json[i] === "{") depth++;
      else if (json[i] === "}" && --depth === 0) return promptUsage(json.slice(start, i + 1));
    }
    return null;
  }
  return null;
}

function promptUsage(text: string): TokenUsage | null {
  try {
    const usage = JSON.parse(text) as { prompt_tokens?: unknown };
    return typeof usage.prompt_tokens === "number" ? { promptTokens: usage.prompt_tokens, completionTokens: 0 } : null;
  } catch {
    return null;
  }
}
