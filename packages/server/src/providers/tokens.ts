/**
 * A deterministic token estimate for streams whose upstream reports no usage and for the echo
 * provider: words and punctuation marks, each one token. No model's tokenizer is bundled; the
 * figure is for metering trends, not billing to the token.
 */
export function estimateTokens(text: string): number {
  return text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)?.length ?? 0;
}

/** Text of a message's content, whether a string or OpenAI's array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) =>
      part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : "",
    )
    .join(" ");
}

export function promptTokens(messages: readonly { content?: unknown }[]): number {
  let n = 0;
  for (const m of messages) n += estimateTokens(contentText(m.content));
  return n;
}
