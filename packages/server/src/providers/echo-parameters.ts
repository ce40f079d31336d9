import { AppError } from "../errors/index.js";

/**
 * What the echo model does with each request parameter. Honoured ones change the answer; accepted
 * ones have nothing to change in a deterministic answer (sampling settings and seeds: echo is the
 * greedy limit; `user` and `metadata` label the caller). Anything else is refused by name, so that
 * a program tried against echo never relies on a parameter echo quietly dropped.
 */
const CHAT = new Set([
  // honoured
  "model",
  "messages",
  "stream",
  "stream_options",
  "n",
  "stop",
  "max_tokens",
  "max_completion_tokens",
  "response_format",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  // accepted
  "seed",
  "user",
  "metadata",
  "temperature",
  "top_p",
  "presence_penalty",
  "frequency_penalty",
]);

const EMBEDDINGS = new Set(["model", "input", "encoding_format", "dimensions", "user"]);

export const RESPONSE_FORMATS = new Set(["text", "json_object", "json_schema"]);

/** Refuses the first parameter echo cannot honour. Null and `false` ask for nothing (`logprobs: false`). */
function refuseUnknown(body: Record<string, unknown>, known: Set<string>): void {
  for (const [name, value] of Object.entries(body)) {
    if (known.has(name) || value === null || value === false) continue;
    throw unsupported(name);
  }
}

export function unsupported(field: string, what = `\`${field}\``): AppError {
  return new AppError("unsupported_parameter", {
    message: `The echo model does not support ${what}.`,
    recovery: { field },
  });
}

export function checkChatParameters(body: Record<string, unknown>): void {
  // Text is what echo answers: asking for only that asks for nothing else.
  const modalities = body.modalities;
  const textOnly = Array.isArray(modalities) && modalities.every((m) => m === "text");
  refuseUnknown(textOnly ? { ...body, modalities: null } : body, CHAT);
  const format = (body.response_format as { type?: unknown } | null | undefined)?.type;
  if (format !== undefined && !RESPONSE_FORMATS.has(String(format))) {
    throw unsupported("response_format", `response_format type "${String(format)}"`);
  }
  const tools = (body.tools ?? []) as { type?: unknown }[];
  const other = tools.find((t) => t.type !== "function");
  if (other) throw unsupported("tools", `tools of type "${String(other.type)}"`);
  const choice = body.tool_choice as { type?: unknown } | string | null | undefined;
  if (choice && typeof choice === "object" && choice.type !== "function") {
    throw unsupported("tool_choice", `tool_choice type "${String(choice.type)}"`);
  }
}

export function checkEmbeddingParameters(body: Record<string, unknown>): void {
  refuseUnknown(body, EMBEDDINGS);
}
