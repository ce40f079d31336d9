import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import type { ProviderRegistry, Route } from "../providers/registry.js";
import type { ModelAccess } from "./model-access.js";
import type { KeyPolicy } from "./policy.js";

/** The served models `access` allows (all of them when the key has no list). */
export function allowedModels(providers: ProviderRegistry, access: ModelAccess | null) {
  const all = providers.models();
  return access ? all.filter((m) => access.allows(m.id, m.owned_by)) : all;
}

/**
 * Before the provider is called: 403 model_not_allowed outside the key's and tenant's lists, then
 * 429 budget_exceeded when a budget's period is spent. From the cached key and the shared
 * counters: no database query.
 */
export async function admit(deps: Pick<Deps, "providers" | "spend">, policy: KeyPolicy, route: Route): Promise<void> {
  assertModelAllowed(deps.providers, policy, route);
  await deps.spend.assertWithin(policy.budgets);
}

export function assertModelAllowed(providers: ProviderRegistry, policy: KeyPolicy, route: Route): void {
  if (policy.models && !policy.models.allows(route.upstreamModel, route.provider.name)) {
    throw new AppError("model_not_allowed", {
      message: `This key may not use the model "${route.upstreamModel}".`,
      recovery: { models: allowedModels(providers, policy.models).map((m) => m.id) },
    });
  }
}
