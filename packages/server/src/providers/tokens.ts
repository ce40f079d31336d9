const TOKEN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/**
 * A deterministic token estimate for streams whose upstream reports no usage and for the echo
 * provider: words and punctuation marks, each one token. No model's tokenizer is bundled; the
 * figure is for metering trends, not billing to the token.
 */
export function estimateTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/** The tokens of `text` as `estimateTokens` counts them (the echo model's embedding features). */
export function tokensOf(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** `text` cut after its first `limit` tokens, or null when it has no more than that. */
export function truncateTokens(text: string, limit: number): string | null {
  let count = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (++count > limit) return text.slice(0, m.index).trimEnd();
  }
  return null;
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
