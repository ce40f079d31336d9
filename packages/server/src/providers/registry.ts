import { AppError } from "../errors/index.js";
import type { Price, ProviderConfig } from "./config.js";
import { echoProvider } from "./echo.js";
import { openAICompatibleProvider } from "./openai-compatible.js";
import type { Provider } from "./types.js";

export interface Route {
  provider: Provider;
  /** The name the upstream knows the model by. */
  upstreamModel: string;
  /** null: no price configured (metered at 0, flagged unpriced). */
  price: Price | null;
}

// Echo costs nothing unless priced: its answers are made here, not bought.
const FREE: Price = { input_per_mtok: 0, output_per_mtok: 0 };

/** Model name → provider, from the declarative BR_PROVIDERS list. */
export class ProviderRegistry {
  private readonly byModel = new Map<string, Route>();
  readonly providers: Provider[];

  constructor(configs: readonly ProviderConfig[]) {
    this.providers = configs.map((c) => (c.type === "echo" ? echoProvider(c) : openAICompatibleProvider(c)));
    for (const [i, provider] of this.providers.entries()) {
      const config = configs[i]!;
      for (const model of provider.models) {
        const price = config.prices[model] ?? (config.type === "echo" ? FREE : null);
        const route = { provider, upstreamModel: model, price };
        this.byModel.set(model, route);
        // "<provider>/<model>" picks the upstream explicitly, as other gateways accept.
        this.byModel.set(`${provider.name}/${model}`, route);
      }
    }
  }

  resolve(model: string): Route {
    const route = this.byModel.get(model);
    if (route) return route;
    throw new AppError("model_not_found", {
      message: `The model "${model.slice(0, 200)}" is not served here.`,
      recovery: { models: this.models().map((m) => m.id) },
    });
  }

  /** The price of a model by any name it is served under; undefined: not served here. */
  priceOf(model: string): Price | null | undefined {
    return this.byModel.get(model)?.price;
  }

  models(): { id: string; owned_by: string }[] {
    return this.providers.flatMap((p) => p.models.map((id) => ({ id, owned_by: p.name })));
  }

  async close(): Promise<void> {
    await Promise.all(this.providers.map((p) => p.close()));
  }
}
