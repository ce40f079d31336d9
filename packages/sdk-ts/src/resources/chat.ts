import type { RequestOptions } from "../core/request.js";
import type { Stream } from "../core/streaming.js";
import { APIResource } from "./resource.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  [field: string]: unknown;
}

export interface ChatCompletionCreateParams {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  [field: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: { index: number; delta: Partial<ChatMessage>; finish_reason: string | null }[];
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
}

/** The gateway checks these fields and relays whatever else the upstream sent. */
export interface ChatCompletion {
  [field: string]: unknown;
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
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
