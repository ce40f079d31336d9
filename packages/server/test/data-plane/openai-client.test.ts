import { OpenRouter } from "@openrouter/sdk";
import type { ChatRequest, ChatResult, ChatStreamChunk } from "@openrouter/sdk/models";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js";

// Flushed by hand in the metering test, so each row there is one this file caused.
const NEVER = "3600000";
const WEATHER = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer", minimum: 1 } }, required: ["city"] },
  },
};
const TIME = { type: "function" as const, function: { name: "get_time" } };

/** OpenAI's own Node client (and OpenRouter's, for its strict response schemas) against the gateway, over real HTTP. */
describe.each(ENGINES)("OpenAI-client fidelity on %s", (engine) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  let key: string;
  let tenantId: string;
  const openai = () => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
  const openrouter = () => new OpenRouter({ apiKey: key, serverURL: `${server.url}/v1`, retryConfig: { strategy: "none" } });
  // Its answers are parsed against its zod schemas: a field missing or mistyped throws.
  const routerComplete = async (chatRequest: ChatRequest): Promise<ChatResult> => {
    const result = await openrouter().chat.send({ chatRequest: { ...chatRequest, stream: false } });
    if (!("choices" in result)) throw new Error("expected a completion, got a stream");
    return result;
  };
  const routerStream = async (chatRequest: ChatRequest): Promise<AsyncIterable<ChatStreamChunk>> => {
    const result = await openrouter().chat.send({ chatRequest: { ...chatRequest, stream: true } });
    if ("choices" in result) throw new Error("expected a stream, got a completion");
    return result;
  };

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const providers = [
      { type: "echo" },
      {
        type: "openai-compatible",
        name: "fake",
        base_url: upstream.url,
        api_key: "sk-upstream-secret",
        models: ["fake-model", "fake-fp", "openai/gpt-4o", "fake-embedding", "fake-embedding-no-usage"],
      },
    ];
    server = await startTestServer({ engine, env: { BR_PROVIDERS: JSON.stringify(providers), BR_USAGE_FLUSH_MS: NEVER } });
    ({ key, tenantId } = await registerTenant(server, { active: true }));
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it("models.list and models.retrieve, a slashed id encoded (the client) or not (curl), a 404 as NotFoundError", async () => {
    const list = await openai().models.list();
    expect(list.data.map((m) => m.id)).toContain("openai/gpt-4o");
    const model = await openai().models.retrieve("openai/gpt-4o");
    expect(model).toEqual({ id: "openai/gpt-4o", object: "model", created: list.data[0]!.created, owned_by: "fake" });
    const raw = await server.request("/v1/models/openai/gpt-4o", { token: key });
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual(model);
    expect((await openai().models.retrieve("fake/fake-model")).owned_by).toBe("fake");
    expect(await openai().models.retrieve("echo")).toMatchObject({ id: "echo", owned_by: "echo" });

    const missing = await openai()
      .models.retrieve("openai/gpt-nope")
      .catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: "model_not_found", type: "not_found_error" });
    const envelope = await server.request("/v1/models/openai%2Fgpt-nope", { token: key });
    expect(envelope.status).toBe(404);
    expect(envelope.body.error).toMatchObject({ type: "not_found_error", code: "model_not_found", recovery: { action: "switch_model" } });
    expect(envelope.body.error.recovery.models).toContain("openai/gpt-4o");
  });

  it("gives chat.completions.create its _request_id: the response's x-request-id, which is x-br-request-id", async () => {
    const promise = openai().chat.completions.create({ model: "fake-model", messages: [{ role: "user", content: "hi" }] });
    const completion = await promise;
    const { response } = await promise.withResponse();
    expect(completion._request_id).toBeTruthy();
    expect(completion._request_id).toBe(response.headers.get("x-request-id"));
    expect(completion._request_id).toBe(response.headers.get("x-br-request-id"));
  });

  it("passes every OpenAI parameter to the upstream unchanged", async () => {
    const params = {
      model: "fake-model",
      messages: [
        { role: "system" as const, content: "be brief" },
        { role: "user" as const, content: "weather?" },
      ],
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      response_format: {
        type: "json_schema" as const,
        json_schema: { name: "w", strict: true, schema: { type: "object", properties: { t: { type: "number" } } } },
      },
      tools: [WEATHER],
      tool_choice: { type: "function" as const, function: { name: "get_weather" } },
      parallel_tool_calls: false,
      user: "end-user-7",
      seed: 42,
      stop: ["\n\n", "END"],
      max_completion_tokens: 64,
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      presence_penalty: 0.5,
      metadata: { run: "fidelity" },
    };
    await openai().chat.completions.create(params);
    expect(upstream.bodies.at(-1)).toEqual(params);
    const streamed = { ...params, stream: true as const, stream_options: { include_usage: true } };
    for await (const _ of await openai().chat.completions.create(streamed));
    expect(upstream.bodies.at(-1)).toEqual(streamed);
  });

  it("system_fingerprint: the upstream's bytes as sent, null spliced in when it sent none, the echo model's fixed one", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-fp", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(await res.text()).toBe(upstream.lastAnswer);
    expect(JSON.parse(upstream.lastAnswer).system_fingerprint).toBe("fp_fake_upstream");

    const without = await openai().chat.completions.create({ model: "fake-model", messages: [{ role: "user", content: "hi" }] });
    expect(JSON.parse(upstream.lastAnswer)).not.toHaveProperty("system_fingerprint");
    expect(without.system_fingerprint).toBeNull();
    expect(without.choices[0]!.message.content).toMatch(/^x+\.$/);

    const echo = await openai().chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] });
    expect(echo.system_fingerprint).toBe("fp_brainstormrouter_echo");
    const stream = await openai().chat.completions.create({ model: "echo", stream: true, messages: [{ role: "user", content: "a b" }] });
    const fingerprints = new Set<unknown>();
    for await (const chunk of stream) fingerprints.add(chunk.system_fingerprint);
    expect([...fingerprints]).toEqual(["fp_brainstormrouter_echo"]);
  });

  for (const model of ["fake-model", "echo"]) {
    it(`completes a tool-call round trip on ${model}: tool_calls, then a tool message, then the answer`, async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
      const first = await openai().chat.completions.create({ model, messages, tools: [WEATHER], tool_choice: "required" });
      const call = first.choices[0]!.message.tool_calls?.[0];
      expect(first.choices[0]!.finish_reason).toBe("tool_calls");
      expect(first.choices[0]!.message.content).toBeNull();
      expect(call).toMatchObject({ id: expect.any(String), type: "function", function: { name: "get_weather" } });
      if (call?.type !== "function") throw new Error("no function call");
      expect(JSON.parse(call.function.arguments)).toHaveProperty("city", expect.any(String));

      messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: "18°C, clear" });
      const second = await openai().chat.completions.create({ model, messages, tools: [WEATHER] });
      expect(second.choices[0]!.finish_reason).toBe("stop");
      expect(second.choices[0]!.message.content).toContain("18°C, clear");
      if (model === "fake-model") expect(upstream.bodies.at(-1)?.messages).toEqual(JSON.parse(JSON.stringify(messages)));
    });

    it(`answers n: 2 with two choices on ${model}, and streams them with include_usage`, async () => {
      const done = await openai().chat.completions.create({ model, n: 2, messages: [{ role: "user", content: "twice" }] });
      expect(done.choices.map((c) => c.index)).toEqual([0, 1]);
      expect(done.choices[0]!.message.content).toBe(done.choices[1]!.message.content);

      const stream = await openai().chat.completions.create({
        model,
        n: 2,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "twice" }],
      });
      const text = ["", ""];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        for (const c of chunk.choices) text[c.index] += c.delta.content ?? "";
        if (chunk.usage) {
          expect(chunk.choices).toEqual([]);
          usage = chunk.usage;
        }
      }
      expect(text[0]).toBeTruthy();
      expect(text[1]).toBe(text[0]);
      expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
      expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
    });

    it(`streams tool calls as deltas OpenAI's stream helper assembles, on ${model}`, async () => {
      const stream = openai().chat.completions.stream({
        model,
        n: 2,
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [WEATHER],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      });
      const final = await stream.finalChatCompletion();
      expect(final.choices.map((c) => c.index)).toEqual([0, 1]);
      for (const choice of final.choices) {
        expect(choice.finish_reason).toBe("tool_calls");
        const call = choice.message.tool_calls?.[0];
        expect(call).toMatchObject({ type: "function", function: { name: "get_weather" } });
        if (call?.type === "function") expect(JSON.parse(call.function.arguments)).toHaveProperty("city");
      }
      if (model !== "echo") return;
      // Parallel calls: one `index` per call within the choice.
      const parallel = await openai()
        .chat.completions.stream({ model, messages: [{ role: "user", content: "go" }], tools: [WEATHER, TIME], tool_choice: "required" })
        .finalChatCompletion();
      const calls = parallel.choices[0]!.message.tool_calls ?? [];
      expect(calls.map((c) => (c.type === "function" ? [c.function.name, JSON.parse(c.function.arguments)] : c.type))).toEqual([
        ["get_weather", { city: "go", days: 1 }],
        ["get_time", {}],
      ]);
    });
  }

  it("embeddings.create against the upstream: base64 by default (decoded by the client), float when asked, parameters unchanged", async () => {
    const decoded = await openai().embeddings.create({ model: "fake-embedding", input: ["one", "two"], dimensions: 4, user: "u-1" });
    expect(upstream.embeddingBodies.at(-1)).toEqual({
      model: "fake-embedding",
      input: ["one", "two"],
      dimensions: 4,
      user: "u-1",
      encoding_format: "base64",
    });
    const floats = await openai().embeddings.create({
      model: "fake-embedding",
      input: ["one", "two"],
      dimensions: 4,
      encoding_format: "float",
    });
    expect(upstream.embeddingBodies.at(-1)?.encoding_format).toBe("float");
    expect(floats.data.map((d) => d.embedding)).toEqual([
      [1, 0.5, 0.25, 0.5 / 3],
      [2, 0.5, 0.25, 0.5 / 3],
    ]);
    expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding.map(Math.fround)));
    expect(floats.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    const tokens = await openai().embeddings.create({ model: "fake/fake-embedding", input: [[1, 2, 3]], encoding_format: "float" });
    expect(upstream.embeddingBodies.at(-1)).toEqual({ model: "fake-embedding", input: [[1, 2, 3]], encoding_format: "float" });
    expect(tokens.data).toHaveLength(1);
  });

  it("embeddings.create on echo: deterministic unit vectors of `dimensions`, the same in float and base64", async () => {
    const input = ["red apple", "green apple", "blue sky"];
    const floats = await openai().embeddings.create({ model: "echo", input, dimensions: 32, encoding_format: "float" });
    const decoded = await openai().embeddings.create({ model: "echo", input, dimensions: 32 });
    expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding));
    const [apple, green, sky] = floats.data.map((d) => d.embedding);
    for (const v of [apple!, green!, sky!]) {
      expect(v).toHaveLength(32);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(cos(apple!, green!)).toBeGreaterThan(cos(apple!, sky!));
    expect(floats.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    expect((await openai().embeddings.create({ model: "echo", input: "x", encoding_format: "float" })).data[0]!.embedding).toHaveLength(64);
    const again = await openai().embeddings.create({ model: "echo", input, dimensions: 32, encoding_format: "float" });
    expect(again.data).toEqual(floats.data);
  });

  it("meters embeddings like chat: one row each, the input as prompt tokens, no completion tokens", async () => {
    const t = await registerTenant(server, { active: true });
    const client = new OpenAI({ apiKey: t.key, baseURL: `${server.url}/v1`, maxRetries: 0 });
    await client.embeddings.create({ model: "fake-embedding", input: ["a", "b"] });
    await client.embeddings.create({ model: "fake-embedding-no-usage", input: "three small words", encoding_format: "float" });
    await client.embeddings.create({ model: "echo", input: [[5, 6, 7, 8]] });
    await client.embeddings.create({ model: "nope", input: "x" }).catch(() => undefined);
    await server.deps.meter.flush();
    const rows = await server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("usage_events")
        .select(["model", "status", "prompt_tokens", "completion_tokens", "key_id"])
        .where("tenant_id", "=", t.tenantId)
        .orderBy("id")
        .execute(),
    );
    expect(rows.map((r) => [r.model, r.status, r.prompt_tokens, r.completion_tokens])).toEqual([
      // The upstream's usage; without one, the gateway's count of the input.
      ["fake-embedding", 200, 10, 0],
      ["fake-embedding-no-usage", 200, 3, 0],
      ["echo", 200, 4, 0],
      ["nope", 404, 0, 0],
    ]);
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set([t.keyId]));
    expect(tenantId).not.toBe(t.tenantId);
  });

  describe("OpenRouter's client (strict response schemas)", () => {
    for (const model of ["echo", "fake-model", "fake-fp"]) {
      it(`accepts a completion and a stream of ${model}`, async () => {
        const result = await routerComplete({ model, messages: [{ role: "user", content: "hello there" }] });
        expect(result.object).toBe("chat.completion");
        expect(result.choices[0]!.message.content).toBeTruthy();
        expect(result.systemFingerprint).toBe(
          { echo: "fp_brainstormrouter_echo", "fake-model": null, "fake-fp": "fp_fake_upstream" }[model],
        );
        const stream = await routerStream({
          model,
          streamOptions: { includeUsage: true },
          messages: [{ role: "user", content: "hello there" }],
        });
        let text = "";
        let usage: unknown;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? "";
          usage ??= chunk.usage;
        }
        expect(text).toBeTruthy();
        expect(usage).toMatchObject({ promptTokens: expect.any(Number), totalTokens: expect.any(Number) });
      });

      it(`accepts tool calls of ${model}, whole and streamed`, async () => {
        const chatRequest: ChatRequest = {
          model,
          messages: [{ role: "user", content: "Weather in Paris?" }],
          tools: [WEATHER],
          toolChoice: "required",
        };
        const result = await routerComplete(chatRequest);
        expect(result.choices[0]!.finishReason).toBe("tool_calls");
        expect(result.choices[0]!.message.toolCalls?.[0]?.function.name).toBe("get_weather");
        const names: unknown[] = [];
        for await (const chunk of await routerStream(chatRequest)) {
          for (const call of chunk.choices[0]?.delta.toolCalls ?? []) names.push(call.function?.name);
        }
        expect(names).toContain("get_weather");
      });
    }
  });
});
