import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import { type ChatContext, createChatCompletion } from "../../services/chat.js";
import { clientGone } from "../client-gone.js";
import type { App, AppEnv } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonBody } from "../openapi.js";

const Message = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  })
  .loose();

/** A model name as routes take it. PostgreSQL text cannot hold NUL: refused here rather than carried into the usage rows. */
export const ModelName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\0]*$/, "must not contain NUL (\\u0000)");

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const FunctionTool = z
  .object({
    type: z.string(),
    function: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: nullable(z.boolean()),
      })
      .loose()
      .optional(),
  })
  .loose();

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.string(), function: z.object({ name: z.string() }).loose().optional() }).loose(),
]);

const ResponseFormat = z
  .object({
    type: z.string(),
    json_schema: z
      .object({ name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() })
      .loose()
      .optional(),
  })
  .loose();

/**
 * The OpenAI parameters are checked for their types and ranges (a wrong one is a 400 naming it,
 * before any upstream is called); the body then goes to an OpenAI-compatible upstream as sent,
 * these and any others. The echo model honours or refuses each (providers/echo-parameters.ts).
 */
const ChatCompletionRequest = z
  .object({
    model: ModelName,
    messages: z.array(Message).min(1),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
    n: nullable(z.number().int().min(1).max(128)),
    stop: nullable(z.union([z.string().min(1), z.array(z.string().min(1)).max(4)])),
    max_tokens: nullable(z.number().int().min(1)),
    max_completion_tokens: nullable(z.number().int().min(1)),
    temperature: nullable(z.number().min(0).max(2)),
    top_p: nullable(z.number().min(0).max(1)),
    seed: nullable(z.number().int()),
    user: z.string().optional(),
    logprobs: nullable(z.boolean()),
    top_logprobs: nullable(z.number().int().min(0).max(20)),
    response_format: ResponseFormat.optional(),
    tools: z.array(FunctionTool).max(128).optional(),
    tool_choice: ToolChoice.optional(),
    parallel_tool_calls: z.boolean().optional(),
  })
  .loose()
  .superRefine((body, ctx) => {
    body.tools?.forEach((tool, i) => {
      if (tool.type === "function" && !tool.function)
        ctx.addIssue({ code: "custom", path: ["tools", i, "function"], message: "is required" });
    });
    const choice = body.tool_choice;
    if (choice !== undefined && choice !== "none" && !body.tools?.length) {
      ctx.addIssue({ code: "custom", path: ["tool_choice"], message: "needs `tools`" });
    }
    if (typeof choice === "object" && choice.type === "function") {
      const name = choice.function?.name;
      if (typeof name !== "string" || !body.tools?.some((t) => t.function?.name === name)) {
        ctx.addIssue({ code: "custom", path: ["tool_choice", "function", "name"], message: "must name a function of `tools`" });
      }
    }
    if (body.response_format?.type === "json_schema" && !body.response_format.json_schema) {
      ctx.addIssue({ code: "custom", path: ["response_format", "json_schema"], message: "is required for type json_schema" });
    }
  })
  .openapi("ChatCompletionRequest");

const ToolCall = z
  .object({ id: z.string(), type: z.string(), function: z.object({ name: z.string(), arguments: z.string() }).loose() })
  .loose()
  .openapi("ChatCompletionToolCall");

export const ChatCompletion = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number().int(),
    model: z.string(),
    // Always present: the upstream's, or null when it sent none; the echo model's is fixed.
    system_fingerprint: z.string().nullable(),
    choices: z.array(
      z
        .object({
          index: z.number().int(),
          message: z.object({ role: z.string(), content: z.string().nullable(), tool_calls: z.array(ToolCall).optional() }).loose(),
          finish_reason: z.string().nullable(),
        })
        .loose(),
    ),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }).optional(),
  })
  .loose()
  .openapi("ChatCompletion");

/** Marks the request's arrival for `x-br-overhead-ms`; first, so auth and limits are counted. */
export const markStart = createMiddleware<AppEnv>(async function markStartMiddleware(c, next) {
  c.set("startedAt", performance.now());
  await next();
});

/** What a proxied call needs from its request: ids for the upstream, the client's abort, the start. */
export const upstreamContext = (c: Context<AppEnv>): ChatContext => ({
  requestId: c.get("requestId"),
  signal: clientGone(c),
  startedAt: c.get("startedAt"),
  policy: c.get("apiKey").policy,
});

export function registerChatRoutes(app: App, deps: Deps) {
  const completions = createRoute({
    method: "post",
    path: "/v1/chat/completions",
    operationId: "chat.completions.create",
    tags: ["Data plane"],
    summary: "OpenAI-compatible chat completion (JSON, or server-sent events with stream: true)",
    security: apiKeySecurity,
    middleware: [markStart, apiKeyAuth(deps)] as const,
    request: { body: jsonBody(ChatCompletionRequest) },
    responses: {
      200: {
        description: "The completion; with `stream: true`, `chat.completion.chunk` events ending in `data: [DONE]`",
        content: { "application/json": { schema: ChatCompletion }, "text/event-stream": { schema: z.string() } },
      },
      ...errorResponses(400, 401, 403, 404, 429, 502, 503, 504),
    },
  });
  app.openapi(completions, async (c) => {
    const outcome = await createChatCompletion(deps, c.get("actor"), c.req.valid("json"), upstreamContext(c));
    c.header("x-br-overhead-ms", outcome.overheadMs.toFixed(3));
    if (!outcome.stream) return c.body(outcome.json, 200, { "content-type": "application/json" });
    return c.body(outcome.body, 200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      // Reverse proxies (nginx) must not hold chunks back either.
      "x-accel-buffering": "no",
    });
  });
}
