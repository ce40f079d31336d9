import { BrainstormRouterError } from "./errors.js";

/**
 * Server-sent events of an OpenAI-style stream: each `data:` line is one JSON chunk, `[DONE]`
 * ends it. Iterate it once with `for await`; `abort()` stops reading and drops the connection.
 */
export class Stream<Chunk> implements AsyncIterable<Chunk> {
  constructor(
    private readonly response: Response,
    private readonly controller: AbortController,
  ) {}

  abort(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Chunk> {
    if (!this.response.body) throw new BrainstormRouterError("The stream has no body.");
    const reader = this.response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        // Events end with a blank line (WHATWG SSE); a chunk may hold several or half of one.
        for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
          const data = event
            .split(/\r?\n/)
            .filter((line) => line.startsWith("data:"))
            .map((line) => line.slice(5).trimStart())
            .join("\n");
          if (!data) continue;
          if (data === "[DONE]") return;
          yield JSON.parse(data) as Chunk;
        }
      }
    } finally {
      reader.releaseLock();
      this.controller.abort();
    }
  }
}
