import type { EchoConfig } from "./config.js";
import { chunkEvents, completionJson, echoAnswer } from "./echo-chat.js";
import { echoEmbeddings } from "./echo-embeddings.js";
import type { Completion, Provider } from "./types.js";

const encoder = new TextEncoder();

/**
 * Built-in deterministic provider for demos, tests and benchmarks: answers with the last user
 * message (echo-chat.ts), counts tokens with `estimateTokens`, streams one chunk per word, and
 * embeds by hashing words (echo-embeddings.ts). A parameter it cannot honour is a 400
 * `unsupported_parameter` naming it, before any byte is sent.
 */
export function echoProvider(config: EchoConfig): Provider {
  return {
    name: config.name,
    models: config.models,
    async complete(call): Promise<Completion> {
      const answer = echoAnswer(call.body, call.requestId);
      return { json: completionJson(call.body, call.requestId, answer), usage: answer.usage };
    },
    async stream(call) {
      const events = chunkEvents(call.body, call.requestId, echoAnswer(call.body, call.requestId));
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (call.signal.aborted) return controller.error(call.signal.reason);
          const next = events.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
    },
    async embed(call): Promise<Completion> {
      return echoEmbeddings(call.body);
    },
    async close() {},
  };
}
