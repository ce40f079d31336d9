import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import { createChatCompletion } from "../../services/chat.js";
import type { App, AppEnv } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonBody, jsonContent } from "../openapi.js";

const Message = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  })
  .loose();

// Only what the gateway reads is checked; every other OpenAI parameter goes to the upstream as sent.
const ChatCompletionRequest = z
  .object({
    // PostgreSQL text cannot hold NUL; refused here rather than carried into the usage rows.
    model: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\0]*$/, "must not contain NUL (\\u0000)"),
    messages: z.array(Message).min(1),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
  })
  .loose()
  .openapi("ChatCompletionRequest");

export const ChatCompletion = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z
        .object({
          index: z.number().int(),
          message: z.object({ role: z.string(), content: z.string().nullable() }).loose(),
          finish_reason: z.string().nullable(),
        })
        .loose(),
    ),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }).optional(),
  })
  .loose()
  .openapi("ChatCompletion");

const Model = z.object({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string() }).openapi("Model");
export const ModelList = z.object({ object: z.literal("list"), data: z.array(Model) }).openapi("ModelList");

/** Marks the request's arrival for `x-br-overhead-ms`; first, so auth and limits are counted. */
const markStart = createMiddleware<AppEnv>(async function markStartMiddleware(c, next) {
  c.set("startedAt", performance.now());
  await next();
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
    const outcome = await createChatCompletion(deps, c.get("actor"), c.req.valid("json"), {
      requestId: c.get("requestId"),
      signal: c.req.raw.signal,
      startedAt: c.get("startedAt"),
    });
    c.header("x-br-overhead-ms", outcome.overheadMs.toFixed(3));
    if (!outcome.stream) return c.body(outcome.json, 200, { "content-type": "application/json" });
    return c.body(outcome.body, 200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      // Reverse proxies (nginx) must not hold chunks back either.
      "x-accel-buffering": "no",
    });
  });

  const models = createRoute({
    method: "get",
    path: "/v1/models",
    operationId: "models.list",
    tags: ["Data plane"],
    summary: "Models this gateway routes",
    security: apiKeySecurity,
    middleware: [apiKeyAuth(deps)] as const,
    responses: { 200: jsonContent(ModelList, "Every configured model"), ...errorResponses(401, 403, 429) },
  });
  // The list is configuration, not data: fixed at start-up.
  const created = Math.floor(Date.now() / 1000);
  app.openapi(models, (c) =>
    c.json(
      {
        object: "list" as const,
        data: deps.providers.models().map((m) => ({ id: m.id, object: "model" as const, created, owned_by: m.owned_by })),
      },
      200,
    ),
  );
}
