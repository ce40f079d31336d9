import type { EventEmitter } from "node:events";
/** The part of an OpenAI chat request the gateway reads; everything else is passed on untouched. */
export interface ChatBody {
  model: string;
  messages: { role: string; content?: unknown; [k: string]: unknown }[];
  stream?: boolean;
  stream_options?: ({ include_usage?: boolean } & Record<string, unknown>) | null;
  [k: string]: unknown;
}

/** An OpenAI embeddings request: `input` is text, texts, one token array or several. */
export interface EmbeddingBody {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: "float" | "base64";
  dimensions?: number;
  [k: string]: unknown;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Aborted when the client goes away: an AbortSignal, or an EventEmitter that emits `abort` (what
 * undici's `signal` also takes; the HTTP layer's is one, cheaper per request: http/client-gone.ts).
 */
export type CallSignal = AbortSignal | (EventEmitter & { readonly aborted: boolean; readonly reason: unknown });

interface Call<Body> {
  /** The client's body with `model` already set to the upstream's name for it. */
  body: Body;
  requestId: string;
  /** The upstream call is cancelled with it. */
  signal: CallSignal;
}

export type ChatCall = Call<ChatBody>;
export type EmbeddingCall = Call<EmbeddingBody>;

/** A JSON answer (a chat completion, a list of embeddings). */
export interface Completion {
  /** The upstream's JSON, passed to the client as received. */
  json: string;
  /** As the upstream reported it; null when it did not. */
  usage: TokenUsage | null;
}

/**
 * One upstream. `complete`, `stream` and `embed` throw an AppError with an upstream_* code (providers/errors.ts) for anything that went
 * wrong before the first byte; `stream` resolves once the upstream has answered, with its SSE bytes unparsed.
 */
export interface Provider {
  readonly name: string;
  readonly models: readonly string[];
  complete(call: ChatCall): Promise<Completion>;
  stream(call: ChatCall): Promise<ReadableStream<Uint8Array>>;
  embed(call: EmbeddingCall): Promise<Completion>;
  close(): Promise<void>;
}
