import { contentText, estimateTokens } from "./tokens.js";
import type { TokenUsage } from "./types.js";

/**
 * Reads token usage off an OpenAI SSE stream while the bytes pass through unchanged: the
 * upstream's `usage` chunk when it sends one (stream_options.include_usage), otherwise a count of
 * the streamed `delta.content`. Parsing works on whole lines, so events split across network
 * chunks are read correctly.
 */
export class SseUsageTap {
  private readonly decoder = new TextDecoder();
  private partial = "";
  private counted = 0;
  private reported: TokenUsage | null = null;

  write(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** Usage once the stream is over; `promptTokens` is the gateway's own count when not reported. */
  usage(promptTokens: number): TokenUsage {
    if (this.partial) this.line(this.partial);
    this.partial = "";
    return this.reported ?? { promptTokens, completionTokens: this.counted };
  }

  private line(line: string): void {
    if (!line.startsWith("data:")) return;
    const data = line.slice(5).trim();
    if (!data || data === "[DONE]") return;
    let event: { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }; choices?: { delta?: { content?: unknown } }[] };
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    const u = event.usage;
    if (u && typeof u.prompt_tokens === "number" && typeof u.completion_tokens === "number") {
      this.reported = { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
    }
    for (const choice of event.choices ?? []) this.counted += estimateTokens(contentText(choice.delta?.content));
  }
}
