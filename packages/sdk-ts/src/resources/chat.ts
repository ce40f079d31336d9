import type { RequestOptions } from "../core/request.js";
import type { Stream } from "../core/streaming.js";
import { APIResource } from "./resource.js";

export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string | null;
  tool_calls?: ChatCompletionToolCall[];
  /** On a `tool` message: the call it answers. */
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/**
 * OpenAI's parameters, passed to an OpenAI-compatible upstream as given; the gateway checks their
 * types. The built-in echo model honours or refuses each (400 `unsupported_parameter`).
 */
export interface ChatCompletionCreateParams {
  model: string;
  messages: ChatMessage[];
  n?: number | null;
  stop?: string | string[] | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  seed?: number | null;
  user?: string;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  response_format?:
    | { type: "text" | "json_object" }
    | { type: "json_schema"; json_schema: { name: string; schema?: Record<string, unknown> } };
  tools?: FunctionTool[];
  tool_choice?: "none" | "auto" | "required" | { type: "function"; function: { name: string } };
  parallel_tool_calls?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  [field: string]: unknown;
}

export interface ChatCompletionToolCall {
  [field: string]: unknown;
  id: string;
  type: string;
  function: { [field: string]: unknown; name: string; arguments: string };
}

/** A tool call as it streams: the first delta of a call has its id and name, later ones more `arguments`. */
export interface ChatCompletionToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint?: string | null;
  choices: {
    index: number;
    delta: Partial<Omit<ChatMessage, "tool_calls">> & { tool_calls?: ChatCompletionToolCallDelta[] };
    finish_reason: string | null;
  }[];
  usage?: CompletionUsage;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletionMessage {
  [field: string]: unknown;
  role: string;
  content: string | null;
  tool_calls?: ChatCompletionToolCall[];
}

/** The gateway checks these fields and relays whatever else the upstream sent. */
export interface ChatCompletion {
  [field: string]: unknown;
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  /** The upstream's, or null when it sent none. */
  system_fingerprint: string | null;
  choices: { [field: string]: unknown; index: number; message: ChatCompletionMessage; finish_reason: string | null }[];
  usage?: CompletionUsage;
}

class Completions extends APIResource {
  /** OpenAI-compatible chat completion; with `stream: true`, chunks to `for await` as they arrive. */
  create(params: ChatCompletionCreateParams & { stream: true }, options?: RequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(params: ChatCompletionCreateParams & { stream?: false }, options?: RequestOptions): Promise<ChatCompletion>;
  create(
    params: ChatCompletionCreateParams & { stream?: boolean },
    options?: RequestOptions,
  ): Promise<ChatCompletion | Stream<ChatCompletionChunk>> {
    return this.core.request({
      method: "POST",
      path: "/v1/chat/completions",
      credential: "apiKey",
      body: params,
      stream: params.stream === true,
      options,
    });
  }
}

export class Chat extends APIResource {
  readonly completions = new Completions(this.core);
}
