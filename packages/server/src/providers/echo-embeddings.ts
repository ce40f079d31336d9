import { checkEmbeddingParameters } from "./echo-parameters.js";
import { tokensOf } from "./tokens.js";
import type { Completion, EmbeddingBody } from "./types.js";

/** Without `dimensions`: small enough to read in a test, large enough for word overlap to show. */
export const ECHO_DIMENSIONS = 64;

/**
 * The echo model's embeddings: feature hashing of the input's words (lower-cased; token ids for
 * token arrays) into `dimensions` signed buckets, scaled to unit length as OpenAI's are. The same
 * text always gets the same vector, and texts sharing words have a positive cosine similarity,
 * which is enough for a search demo. `encoding_format: "base64"` is the little-endian float32
 * bytes, as OpenAI sends them (and OpenAI's Node client asks for by default).
 */
export function echoEmbeddings(body: EmbeddingBody): Completion {
  checkEmbeddingParameters(body);
  const dimensions = body.dimensions ?? ECHO_DIMENSIONS;
  let tokens = 0;
  const data = inputsOf(body.input).map((input, index) => {
    const features = typeof input === "string" ? tokensOf(input.toLowerCase()) : input.map((id) => `#${id}`);
    tokens += features.length;
    const vector = embed(features.length > 0 ? features : [String(input)], dimensions);
    return { object: "embedding", index, embedding: body.encoding_format === "base64" ? base64(vector) : Array.from(vector) };
  });
  const json = JSON.stringify({ object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  return { json, usage: { promptTokens: tokens, completionTokens: 0 } };
}

/** One entry per embedding: a text, or one token array. */
function inputsOf(input: EmbeddingBody["input"]): (string | number[])[] {
  if (typeof input === "string") return [input];
  if (input.length > 0 && typeof input[0] === "number") return [input as number[]];
  return input as (string | number[])[];
}

function embed(features: string[], dimensions: number): Float32Array {
  const v = new Float64Array(dimensions);
  for (const f of features) {
    const h = fnv1a(f);
    v[h % dimensions]! += h & 0x8000_0000 ? -1 : 1;
  }
  let norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  // Words that cancel out exactly: still a unit vector.
  if (norm === 0) {
    v[0] = 1;
    norm = 1;
  }
  return Float32Array.from(v, (x) => x / norm);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function base64(vector: Float32Array): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4));
  for (let i = 0; i < vector.length; i++) bytes.setFloat32(i * 4, vector[i]!, true);
  return Buffer.from(bytes.buffer).toString("base64");
}
