import type { RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";

export interface EmbeddingCreateParams {
  model: string;
  /** A text, texts, a token array or token arrays (at most 2048 inputs, none empty). */
  input: string | string[] | number[] | number[][];
  /** "float" (the default here) or "base64": the vectors' little-endian float32 bytes. */
  encoding_format?: "float" | "base64";
  dimensions?: number;
  user?: string;
  [field: string]: unknown;
}

export interface Embedding {
  [field: string]: unknown;
  object: "embedding";
  index: number;
  /** Numbers, or a base64 string with `encoding_format: "base64"`. */
  embedding: number[] | string;
}

/** The gateway checks these fields and relays whatever else the upstream sent. */
export interface EmbeddingList {
  [field: string]: unknown;
  object: "list";
  data: Embedding[];
  model: string;
  usage: { [field: string]: unknown; prompt_tokens: number; total_tokens: number };
}

export class Embeddings extends APIResource {
  /** OpenAI-compatible embeddings, one per input in input order; metered as prompt tokens. */
  create(params: EmbeddingCreateParams, options?: RequestOptions): Promise<EmbeddingList> {
    return this.core.request({ method: "POST", path: "/v1/embeddings", credential: "apiKey", body: params, options });
  }
}
