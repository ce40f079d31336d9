import { z } from "zod";

const model = z.string().trim().min(1).max(200);

/** USD per million tokens (DESIGN.md §10). */
const Price = z.strictObject({ input_per_mtok: z.number().min(0).max(1e6), output_per_mtok: z.number().min(0).max(1e6) });
export type Price = z.infer<typeof Price>;
/** Per model the provider serves; a model without a price is metered at 0 and flagged unpriced. */
const Prices = z.record(model, Price).default({});

const EchoProvider = z.strictObject({
  type: z.literal("echo"),
  name: z.string().min(1).default("echo"),
  models: z.array(model).min(1).default(["echo"]),
  /** Echo's models cost nothing unless priced here (budgets are then testable offline). */
  prices: Prices,
});

const OpenAICompatibleProvider = z.strictObject({
  type: z.literal("openai-compatible"),
  name: z.string().min(1),
  /** Up to and including the version segment, e.g. https://api.openai.com/v1 */
  base_url: z.url({ protocol: /^https?$/ }),
  api_key: z.string().min(1).optional(),
  models: z.array(model).min(1),
  prices: Prices,
  /** Time to the upstream's response headers and between body chunks. */
  timeout_ms: z.number().int().positive().default(60_000),
  /** Keep-alive connections kept open to this upstream. */
  connections: z.number().int().positive().max(1024).default(128),
});

const ProviderConfig = z.discriminatedUnion("type", [EchoProvider, OpenAICompatibleProvider]);
export type ProviderConfig = z.infer<typeof ProviderConfig>;
export type OpenAICompatibleConfig = z.infer<typeof OpenAICompatibleProvider>;
export type EchoConfig = z.infer<typeof EchoProvider>;

const ProviderList = z
  .array(ProviderConfig)
  .min(1)
  .superRefine((list, ctx) => {
    const names = new Set<string>();
    const models = new Map<string, string>();
    list.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${p.name}" is used twice` });
      names.add(p.name);
      for (const m of Object.keys(p.prices)) {
        if (!p.models.includes(m))
          ctx.addIssue({ code: "custom", path: [i, "prices", m], message: `"${m}" is not one of this provider's models` });
      }
      for (const m of p.models) {
        const other = models.get(m);
        // One model name, one upstream: silent "first wins" would route traffic by list order.
        if (other) ctx.addIssue({ code: "custom", path: [i, "models"], message: `"${m}" is also served by "${other}"` });
        models.set(m, p.name);
      }
    });
  });

/** The built-in deterministic provider, used when BR_PROVIDERS is not set. */
export const DEFAULT_PROVIDERS: ProviderConfig[] = [{ type: "echo", name: "echo", models: ["echo"], prices: {} }];

/** BR_PROVIDERS (JSON array) → provider configs, or one message naming the first problem. */
export function parseProviders(raw: string): { ok: true; value: ProviderConfig[] } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: "is not valid JSON (expected an array of provider objects)" };
  }
  const parsed = ProviderList.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return { ok: false, message: `${where ? `${where}: ` : ""}${issue.message}` };
}
