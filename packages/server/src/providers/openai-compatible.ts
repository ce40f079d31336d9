import { Pool } from "undici";
import type { OpenAICompatibleConfig } from "./config.js";
import { upstreamStatusError, upstreamTransportError } from "./errors.js";
import type { ChatCall, Completion, Provider, TokenUsage } from "./types.js";

type Body = Awaited<ReturnType<Pool["request"]>>["body"];

/** Any upstream speaking OpenAI's chat API: one keep-alive pool per provider. */
export function openAICompatibleProvider(config: OpenAICompatibleConfig): Provider {
  const base = new URL(config.base_url);
  const path = `${base.pathname.replace(/\/$/, "")}/chat/completions`;
  const pool = new Pool(base.origin, {
    connections: config.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: config.timeout_ms,
    bodyTimeout: config.timeout_ms,
  });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;

  async function send(call: ChatCall) {
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

  return {
    name: config.name,
    models: config.models,
    async complete(call): Promise<Completion> {
      const body = await send(call);
      let json: string;
      try {
        json = await body.text();
      } catch (err) {
        if (call.signal.aborted) throw err;
        throw upstreamTransportError(config.name, err);
      }
      return { json, usage: usageOf(json) };
    },
    async stream(call) {
      return toWebStream(await send(call));
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

function usageOf(json: string): TokenUsage | null {
  try {
    const usage = (JSON.parse(json) as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
    if (typeof usage?.prompt_tokens !== "number" || typeof usage.completion_tokens !== "number") return null;
    return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  } catch {
    return null;
  }
}
