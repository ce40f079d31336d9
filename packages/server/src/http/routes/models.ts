import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { allowedModels, assertModelAllowed } from "../../governance/admission.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonContent } from "../openapi.js";

export const Model = z
  .object({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string() })
  .openapi("Model");
export const ModelList = z.object({ object: z.literal("list"), data: z.array(Model) }).openapi("ModelList");

const ModelParam = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: "A model of the list, or `<provider>/<model>`. Ids may contain `/`, sent as is or encoded (`%2F`).",
    example: "openai/gpt-4o",
  }),
});

export function registerModelRoutes(app: App, deps: Deps) {
  // The list is configuration, not data: fixed at start-up.
  const created = Math.floor(Date.now() / 1000);

  const list = createRoute({
    method: "get",
    path: "/v1/models",
    operationId: "models.list",
    tags: ["Data plane"],
    summary: "Models this gateway routes",
    security: apiKeySecurity,
    middleware: [apiKeyAuth(deps)] as const,
    responses: { 200: jsonContent(ModelList, "Every configured model the key may use"), ...errorResponses(401, 403, 429) },
  });
  app.openapi(list, (c) =>
    c.json(
      {
        object: "list" as const,
        data: allowedModels(deps.providers, c.get("apiKey").policy.models).map((m) => ({
          id: m.id,
          object: "model" as const,
          created,
          owned_by: m.owned_by,
        })),
      },
      200,
    ),
  );

  const retrieve = createRoute({
    method: "get",
    path: "/v1/models/{id}",
    operationId: "models.retrieve",
    tags: ["Data plane"],
    summary: "One model this gateway routes",
    security: apiKeySecurity,
    request: { params: ModelParam },
    responses: { 200: jsonContent(Model, "The model"), ...errorResponses(401, 403, 404, 429) },
  });
  // Documented as /v1/models/{id}; routed with a pattern that also takes the slashes of an
  // unencoded `openai/gpt-4o` (OpenAI's clients encode them, curl users do not).
  app.openAPIRegistry.registerPath(retrieve);
  app.openapi({ ...retrieve, path: "/v1/models/{id{.+}}", hide: true, middleware: [apiKeyAuth(deps)] as const }, (c) => {
    const { id } = c.req.valid("param");
    // An unknown id: 404 model_not_found, listing the models that are served; one outside the
    // key's allow-list: 403 model_not_allowed, as a chat completion would answer.
    const route = deps.providers.resolve(id);
    assertModelAllowed(deps.providers, c.get("apiKey").policy, route);
    return c.json({ id, object: "model" as const, created, owned_by: route.provider.name }, 200);
  });
}
