import type { EchoConfig } from "./config.js";
import { contentText, estimateTokens, promptTokens } from "./tokens.js";
import type { ChatBody, ChatCall, Completion, Provider } from "./types.js";

const encoder = new TextEncoder();

/**
 * Built-in deterministic provider for demos, tests and benchmarks: answers with the last user
 * message, counts tokens with `estimateTokens`, and streams one chunk per word.
 */
export function echoProvider(config: EchoConfig): Provider {
  return {
    name: config.name,
    models: config.models,
    async complete(call): Promise<Completion> {
      const text = reply(call.body);
      const usage = { promptTokens: promptTokens(call.body.messages), completionTokens: estimateTokens(text) };
      const json = JSON.stringify({
        id: `chatcmpl-${call.requestId}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: call.body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: {
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.promptTokens + usage.completionTokens,
        },
      });
      return { json, usage };
    },
    async stream(call) {
      const events = streamEvents(call);
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (call.signal.aborted) return controller.error(call.signal.reason);
          const next = events.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
    },
    async close() {},
  };
}

function reply(body: ChatBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    if (body.messages[i]!.role === "user") return contentText(body.messages[i]!.content);
  }
  return "";
}

function* streamEvents(call: ChatCall): Generator<string> {
  const { body, requestId } = call;
  const base = { id: `chatcmpl-${requestId}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model };
  const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  const chunk = (delta: object, finish: string | null = null) => frame({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const text = reply(body);
  yield chunk({ role: "assistant", content: "" });
  for (const piece of text.match(/\s*\S+/g) ?? []) yield chunk({ content: piece });
  yield chunk({}, "stop");
  if (body.stream_options?.include_usage) {
    const p = promptTokens(body.messages);
    const c = estimateTokens(text);
    yield frame({ ...base, choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } });
  }
  yield "data: [DONE]\n\n";
}
