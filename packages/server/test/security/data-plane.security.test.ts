import { describe, expect } from "vitest";
import { runCommonRouteTests, tableState } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { useSecurityWorld } from "./world.js";

/** The data plane's routes beyond chat and the model list (those are in tenant-api.security.test.ts). */
describe.each(ENGINES)("data-plane routes: common security on %s", (engine) => {
  const world = useSecurityWorld(engine);

  runCommonRouteTests({
    world,
    operationId: "models.retrieve",
    auth: "api_key",
    request: () => ({ params: { id: "echo" } }),
    // Models are the deployment's configuration, shared by every tenant: there is no other
    // tenant's model to reach. The nearest case is a model the deployment does not route.
    prepare: async () => ({ request: { params: { id: "tenant-b/private-model" } }, status: 404, code: "model_not_found" }),
    control: (res) => {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: "echo", object: "model", owned_by: "echo" });
    },
  });

  runCommonRouteTests({
    world,
    operationId: "embeddings.create",
    auth: "api_key",
    request: () => ({ body: { model: "echo", input: "hi" } }),
    // A refused request is not metered to anyone.
    state: tableState({ usage_events: ["id"] }),
    control: (res) => {
      expect(res.status).toBe(200);
      expect(res.body.data[0].embedding).toHaveLength(64);
    },
  });
});
