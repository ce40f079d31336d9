import { checkChatParameters } from "./echo-parameters.js";
import { instanceOf } from "./json-instance.js";
import { contentText, estimateTokens, promptTokens, truncateTokens } from "./tokens.js";
import type { ChatBody, TokenUsage } from "./types.js";

/** The echo model's `system_fingerprint`: one configuration, forever. */
export const ECHO_FINGERPRINT = "fp_brainstormrouter_echo";

interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface EchoChoice {
  content: string | null;
  toolCalls: ToolCall[];
  finish: "stop" | "length" | "tool_calls";
}

export interface EchoAnswer {
  choices: EchoChoice[];
  usage: TokenUsage;
}

interface FunctionTool {
  function: { name: string; parameters?: unknown };
}

/**
 * The echo model's answer, the same for the same request: the last user message (or, after tool
 * results, their contents), shaped by `response_format`, cut at `stop` and at `max_tokens` /
 * `max_completion_tokens`, repeated for each of `n` choices. With tools it calls the function
 * `tool_choice` names; with "required" every tool (only the first when `parallel_tool_calls` is
 * false); with "auto" the tools whose names the last user message mentions. Refuses, by name,
 * every parameter it cannot honour (echo-parameters.ts).
 */
export function echoAnswer(body: ChatBody, requestId: string): EchoAnswer {
  checkChatParameters(body);
  const last = body.messages.at(-1);
  const text = last?.role === "tool" ? toolResults(body) : lastUserText(body);
  const calls = last?.role === "tool" ? [] : toolsToCall(body, text);
  const n = typeof body.n === "number" ? body.n : 1;
  const choices: EchoChoice[] = [];
  for (let i = 0; i < n; i++) {
    if (calls.length > 0) {
      const toolCalls = calls.map((tool, k) => ({
        id: `call_${requestId}_${i}_${k}`,
        type: "function" as const,
        function: { name: tool.function.name, arguments: JSON.stringify(instanceOf(tool.function.parameters ?? {}, text)) },
      }));
      choices.push({ content: null, toolCalls, finish: "tool_calls" });
    } else choices.push(textChoice(body, text));
  }
  let completionTokens = 0;
  for (const c of choices) {
    completionTokens += estimateTokens(c.content ?? "");
    for (const t of c.toolCalls) completionTokens += estimateTokens(`${t.function.name} ${t.function.arguments}`);
  }
  return { choices, usage: { promptTokens: promptTokens(body.messages), completionTokens } };
}

function lastUserText(body: ChatBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    if (body.messages[i]!.role === "user") return contentText(body.messages[i]!.content);
  }
  return "";
}

/** The results the conversation ends with (one per parallel call), one per line. */
function toolResults(body: ChatBody): string {
  const results: string[] = [];
  for (let i = body.messages.length - 1; i >= 0 && body.messages[i]!.role === "tool"; i--) {
    results.unshift(contentText(body.messages[i]!.content));
  }
  return results.join("\n");
}

function toolsToCall(body: ChatBody, text: string): FunctionTool[] {
  const tools = (body.tools ?? []) as FunctionTool[];
  const choice = body.tool_choice ?? (tools.length > 0 ? "auto" : "none");
  const parallel = body.parallel_tool_calls !== false;
  if (typeof choice === "object" && choice !== null) {
    const name = (choice as FunctionTool).function.name;
    return tools.filter((t) => t.function.name === name);
  }
  const candidates = choice === "required" ? tools : choice === "auto" ? tools.filter((t) => text.includes(t.function.name)) : [];
  return parallel ? candidates : candidates.slice(0, 1);
}

function textChoice(body: ChatBody, text: string): EchoChoice {
  let content = text;
  const format = body.response_format as { type: string; json_schema?: { schema?: unknown } } | null | undefined;
  if (format?.type === "json_object") content = JSON.stringify({ content: text });
  else if (format?.type === "json_schema") content = JSON.stringify(instanceOf(format.json_schema?.schema ?? {}, text));
  const stops = typeof body.stop === "string" ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
  for (const stop of stops) {
    const at = content.indexOf(stop);
    if (at >= 0) content = content.slice(0, at);
  }
  const limits = [body.max_tokens, body.max_completion_tokens].filter((v): v is number => typeof v === "number");
  const cut = limits.length > 0 ? truncateTokens(content, Math.min(...limits)) : null;
  return cut === null ? { content, toolCalls: [], finish: "stop" } : { content: cut, toolCalls: [], finish: "length" };
}

/** The answer as a `chat.completion` object. */
export function completionJson(body: ChatBody, requestId: string, answer: EchoAnswer): string {
  const { promptTokens: p, completionTokens: c } = answer.usage;
  return JSON.stringify({
    id: `chatcmpl-${requestId}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: ECHO_FINGERPRINT,
    choices: answer.choices.map((choice, index) => ({
      index,
      message: {
        role: "assistant",
        content: choice.content,
        refusal: null,
        ...(choice.toolCalls.length > 0 ? { tool_calls: choice.toolCalls } : {}),
      },
      logprobs: null,
      finish_reason: choice.finish,
    })),
    usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
  });
}

/**
 * The answer as `chat.completion.chunk` events: each choice in turn (its own `index`), text one
 * word per chunk, a tool call as its name and then its arguments (OpenAI's `tool_calls` deltas).
 */
export function* chunkEvents(body: ChatBody, requestId: string, answer: EchoAnswer): Generator<string> {
  const base = {
    id: `chatcmpl-${requestId}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: ECHO_FINGERPRINT,
  };
  const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  const chunk = (index: number, delta: object, finish: string | null = null) =>
    frame({ ...base, choices: [{ index, delta, logprobs: null, finish_reason: finish }] });
  for (const [index, choice] of answer.choices.entries()) {
    if (choice.toolCalls.length > 0) {
      for (const [k, call] of choice.toolCalls.entries()) {
        const head = { index: k, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } };
        yield chunk(index, k === 0 ? { role: "assistant", content: null, tool_calls: [head] } : { tool_calls: [head] });
        yield chunk(index, { tool_calls: [{ index: k, function: { arguments: call.function.arguments } }] });
      }
    } else {
      yield chunk(index, { role: "assistant", content: "" });
      for (const piece of choice.content?.match(/\s*\S+/g) ?? []) yield chunk(index, { content: piece });
    }
    yield chunk(index, {}, choice.finish);
  }
  if (body.stream_options?.include_usage) {
    const { promptTokens: p, completionTokens: c } = answer.usage;
    yield frame({ ...base, choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } });
  }
  yield "data: [DONE]\n\n";
}
