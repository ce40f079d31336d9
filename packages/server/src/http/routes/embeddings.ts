import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { createEmbeddings } from "../../services/embeddings.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonBody, jsonContent } from "../openapi.js";
import { markStart, ModelName, upstreamContext } from "./chat.js";

const TokenIds = z.array(z.number().int().min(0)).min(1);

// OpenAI's limits: 2048 inputs per request, none empty. Everything else goes upstream as sent.
const EmbeddingRequest = z
  .object({
    model: ModelName,
    input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048), TokenIds, z.array(TokenIds).min(1).max(2048)]),
    encoding_format: z.enum(["float", "base64"]).optional(),
    dimensions: z.number().int().min(1).max(8192).optional(),
    user: z.string().optional(),
  })
  .loose()
  .openapi("EmbeddingRequest");

export const EmbeddingList = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z
        .object({
          object: z.literal("embedding"),
          index: z.number().int(),
          // Numbers, or with encoding_format "base64" their little-endian float32 bytes.
          embedding: z.union([z.array(z.number()), z.string()]),
        })
        .loose(),
    ),
    model: z.string(),
    usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }).loose(),
  })
  .loose()
  .openapi("EmbeddingList");

export function registerEmbeddingRoutes(app: App, deps: Deps) {
  const route = createRoute({
    method: "post",
    path: "/v1/embeddings",
    operationId: "embeddings.create",
    tags: ["Data plane"],
    summary: "OpenAI-compatible embeddings of a text, texts or token arrays",
    security: apiKeySecurity,
    middleware: [markStart, apiKeyAuth(deps)] as const,
    request: { body: jsonBody(EmbeddingRequest) },
    responses: {
      200: jsonContent(EmbeddingList, "One embedding per input, in input order"),
      ...errorResponses(400, 401, 403, 404, 429, 502, 503, 504),
    },
  });
  app.openapi(route, async (c) => {
    const outcome = await createEmbeddings(deps, c.get("actor"), c.req.valid("json"), upstreamContext(c));
    c.header("x-br-overhead-ms", outcome.overheadMs.toFixed(3));
    // The upstream's JSON as received, not re-serialised: the schema documents it, the compiler cannot check it.
    return c.body(outcome.json, 200, { "content-type": "application/json" }) as never;
  });
}
