import { ProviderRegistry } from "../../src/providers/registry.js";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { SseUsageTap } from "../../src/providers/sse-usage.js";

const configWith = (providers: unknown) =>
  loadConfig({ BR_PROVIDERS: typeof providers === "string" ? providers : JSON.stringify(providers) });
const errorOf = (providers: unknown) => {
  try {
    configWith(providers);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a configuration error");
};

describe("BR_PROVIDERS", () => {
  it("defaults to the built-in echo provider", () => {
    expect(loadConfig({}).BR_PROVIDERS).toEqual([{ type: "echo", name: "echo", models: ["echo"], prices: {} }]);
  });

  it("takes prices per model of the provider, and refuses a price for a model it does not serve", () => {
    const price = { input_per_mtok: 0.15, output_per_mtok: 0.6 };
    const [p] = configWith([
      {
        type: "openai-compatible",
        name: "openai",
        base_url: "https://api.openai.com/v1",
        models: ["gpt-4o-mini"],
        prices: { "gpt-4o-mini": price },
      },
    ]).BR_PROVIDERS;
    expect(p!.prices).toEqual({ "gpt-4o-mini": price });
    expect(errorOf([{ type: "echo", prices: { other: price } }])).toMatch(
      /^BR_PROVIDERS \[0\]\.prices\.other: .*not one of this provider's models/,
    );
    expect(errorOf([{ type: "echo", prices: { echo: { input_per_mtok: -1, output_per_mtok: 0 } } }])).toMatch(
      /^BR_PROVIDERS \[0\]\.prices\.echo\.input_per_mtok: /,
    );
  });

  it("prices echo at 0 unless priced, and leaves an openai-compatible model without a price unpriced", () => {
    const registry = new ProviderRegistry(
      configWith([
        { type: "echo", models: ["echo", "echo-paid"], prices: { "echo-paid": { input_per_mtok: 1, output_per_mtok: 2 } } },
        { type: "openai-compatible", name: "up", base_url: "http://up.test/v1", models: ["m"] },
      ]).BR_PROVIDERS,
    );
    expect(registry.priceOf("echo")).toEqual({ input_per_mtok: 0, output_per_mtok: 0 });
    expect(registry.priceOf("echo/echo-paid")).toEqual({ input_per_mtok: 1, output_per_mtok: 2 });
    expect(registry.priceOf("m")).toBeNull();
    expect(registry.priceOf("nope")).toBeUndefined();
    void registry.close();
  });

  it("accepts OpenAI-compatible upstreams with defaults filled in", () => {
    const [p] = configWith([
      { type: "openai-compatible", name: "groq", base_url: "https://api.groq.com/openai/v1", api_key: "k", models: ["llama"] },
    ]).BR_PROVIDERS;
    expect(p).toMatchObject({ name: "groq", timeout_ms: 60_000, connections: 128 });
  });

  it("stops start-up with one message naming the variable and the field", () => {
    expect(errorOf("{not json")).toBe("BR_PROVIDERS is not valid JSON (expected an array of provider objects)");
    expect(errorOf([{ type: "openai-compatible", name: "x", base_url: "ftp://x", models: ["m"] }])).toMatch(
      /^BR_PROVIDERS \[0\]\.base_url: /,
    );
    expect(errorOf([{ type: "openai-compatible", name: "x", base_url: "http://x.test" }])).toMatch(/^BR_PROVIDERS \[0\]\.models: /);
    expect(errorOf([{ type: "magic" }])).toMatch(/^BR_PROVIDERS \[0\]\.type: /);
    expect(errorOf([])).toMatch(/^BR_PROVIDERS /);
  });

  it("refuses one model name served by two providers", () => {
    expect(
      errorOf([
        { type: "echo", models: ["m"] },
        { type: "openai-compatible", name: "up", base_url: "http://x.test/v1", models: ["m"] },
      ]),
    ).toBe('BR_PROVIDERS [1].models: "m" is also served by "echo"');
  });
});

describe("SseUsageTap", () => {
  const enc = new TextEncoder();
  const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

  it("counts streamed content even when events are split across network chunks", () => {
    const text =
      frame({ choices: [{ delta: { content: "Hello" } }] }) +
      frame({ choices: [{ delta: { content: " big world" } }] }) +
      "data: [DONE]\n\n";
    const tap = new SseUsageTap();
    for (let i = 0; i < text.length; i += 7) tap.write(enc.encode(text.slice(i, i + 7)));
    expect(tap.usage(4)).toEqual({ promptTokens: 4, completionTokens: 3 });
  });

  it("prefers the upstream's usage chunk, and survives multi-byte characters cut in half", () => {
    const bytes = enc.encode(
      frame({ choices: [{ delta: { content: "héllo" } }] }) + frame({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 22 } }),
    );
    const tap = new SseUsageTap();
    const cut = bytes.indexOf(0xc3) + 1;
    tap.write(bytes.slice(0, cut));
    tap.write(bytes.slice(cut));
    expect(tap.usage(1)).toEqual({ promptTokens: 11, completionTokens: 22 });
  });

  it("counts a word whose multi-byte character was cut between chunks as one word, not three tokens", () => {
    // Without a streaming decoder each half of "é" decodes to U+FFFD: "h", "�", "�", "llo".
    const bytes = enc.encode(frame({ choices: [{ delta: { content: "héllo" } }] }));
    const tap = new SseUsageTap();
    const cut = bytes.indexOf(0xc3) + 1;
    tap.write(bytes.slice(0, cut));
    tap.write(bytes.slice(cut));
    expect(tap.usage(1)).toEqual({ promptTokens: 1, completionTokens: 1 });
  });
});
