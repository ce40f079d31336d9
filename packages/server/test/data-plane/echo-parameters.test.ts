import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { providersFor, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js";

const WEATHER = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, days: { type: "integer", minimum: 1 }, unit: { enum: ["c", "f"] } },
      required: ["city"],
    },
  },
};
const TIME = { type: "function", function: { name: "get_time" } };

/** Parameters echo cannot honour, each with the field its refusal names. */
const REFUSED: [string, Record<string, unknown>][] = [
  ["logprobs", { logprobs: true }],
  ["top_logprobs", { top_logprobs: 2 }],
  ["logit_bias", { logit_bias: { "50256": -100 } }],
  ["functions", { functions: [{ name: "f", parameters: {} }] }],
  ["function_call", { function_call: "auto" }],
  ["audio", { audio: { voice: "alloy", format: "wav" } }],
  ["modalities", { modalities: ["text", "audio"] }],
  ["prediction", { prediction: { type: "content", content: "hi" } }],
  ["reasoning_effort", { reasoning_effort: "low" }],
  ["store", { store: true }],
  ["service_tier", { service_tier: "flex" }],
  ["web_search_options", { web_search_options: {} }],
  ["frobnicate", { frobnicate: 1 }],
  ["response_format", { response_format: { type: "grammar", grammar: "root ::= 'a'" } }],
  ["tools", { tools: [{ type: "custom", custom: { name: "raw" } }] }],
  ["tool_choice", { tools: [WEATHER], tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [] } } }],
];

/** What the built-in echo model does with each OpenAI parameter: honours it, or refuses it by name (never drops it). */
describe.each(ENGINES)("echo model parameters on %s", (engine) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  let key: string;
  const chat = (body: Record<string, unknown>) =>
    server.request("/v1/chat/completions", {
      token: key,
      body: { model: "echo", messages: [{ role: "user", content: "one two three four" }], ...body },
    });
  const content = (res: { body: { choices: { message: { content: string } }[] } }) => res.body.choices[0]!.message.content;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    server = await startTestServer({ engine, env: { BR_PROVIDERS: providersFor(upstream) } });
    key = (await registerTenant(server, { active: true })).key;
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it("refuses each parameter it cannot honour with 400 unsupported_parameter naming it, streaming or not", async () => {
    for (const [field, params] of REFUSED) {
      for (const stream of [false, true]) {
        const res = await chat({ ...params, stream });
        expect(res.status, `${field} ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error).toMatchObject({
          type: "invalid_request_error",
          code: "unsupported_parameter",
          recovery: { action: "retry_with_params", field },
        });
        expect(res.body.error.message).toContain(field);
      }
    }
    const client = new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const err = await client.chat.completions
      .create({ model: "echo", messages: [{ role: "user", content: "hi" }], logprobs: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ code: "unsupported_parameter" });
  });

  it("refuses an embeddings parameter it cannot honour by name", async () => {
    const res = await server.request("/v1/embeddings", { token: key, body: { model: "echo", input: "hi", input_type: "query" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "unsupported_parameter", recovery: { field: "input_type" } });
  });

  it("sends the parameters echo refuses to an upstream model unchanged", async () => {
    for (const [field, params] of REFUSED) {
      const res = await server.request("/v1/chat/completions", {
        token: key,
        body: { model: "fake-model", messages: [{ role: "user", content: "hi" }], ...params },
      });
      expect(res.status, field).toBe(200);
      expect(upstream.bodies.at(-1)).toMatchObject(params);
    }
  });

  it("takes null and false as not asking (logprobs: false, top_logprobs: null, store: false, modalities: [text])", async () => {
    const res = await chat({ logprobs: false, top_logprobs: null, store: false, modalities: ["text"], seed: null });
    expect(res.status).toBe(200);
    expect(content(res)).toBe("one two three four");
  });

  it("accepts sampling settings, seed, user and metadata: the answer is the same deterministic one", async () => {
    const plain = await chat({});
    const tuned = await chat({
      temperature: 1.7,
      top_p: 0.1,
      seed: 7,
      user: "u",
      metadata: { a: "b" },
      presence_penalty: 1,
      frequency_penalty: -1,
    });
    expect(tuned.status).toBe(200);
    expect(content(tuned)).toBe(content(plain));
  });

  it("cuts at stop and at max_tokens / max_completion_tokens (finish_reason length), streamed the same", async () => {
    const stopped = await chat({ stop: [" three", "zzz"] });
    expect(content(stopped)).toBe("one two");
    expect(stopped.body.choices[0].finish_reason).toBe("stop");
    const limited = await chat({ max_tokens: 2 });
    expect(content(limited)).toBe("one two");
    expect(limited.body.choices[0].finish_reason).toBe("length");
    expect(limited.body.usage.completion_tokens).toBe(2);
    expect(content(await chat({ max_tokens: 5, max_completion_tokens: 3 }))).toBe("one two three");
    expect((await chat({ max_tokens: 4 })).body.choices[0].finish_reason).toBe("stop");

    const client = new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const final = await client.chat.completions
      .stream({ model: "echo", messages: [{ role: "user", content: "one two three four" }], max_completion_tokens: 2, stop: "four" })
      .finalChatCompletion();
    expect(final.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "one two" } });
  });

  it("answers valid JSON for response_format json_object and json_schema", async () => {
    const object = await chat({ response_format: { type: "json_object" } });
    expect(JSON.parse(content(object))).toEqual({ content: "one two three four" });
    const schema = {
      type: "object",
      properties: {
        title: { type: "string", maxLength: 3 },
        count: { type: "integer", minimum: 2 },
        score: { type: ["number", "null"] },
        tags: { type: "array", items: { type: "string" }, minItems: 2 },
        when: { type: "string", format: "date-time" },
        mood: { enum: ["happy", "sad"] },
        owner: { $ref: "#/$defs/person" },
        either: { anyOf: [{ type: "boolean" }, { type: "string" }] },
      },
      required: ["title", "count"],
      $defs: { person: { type: "object", properties: { name: { type: "string" } } } },
    };
    const structured = await chat({ response_format: { type: "json_schema", json_schema: { name: "thing", schema, strict: true } } });
    expect(JSON.parse(content(structured))).toEqual({
      title: "one",
      count: 2,
      score: 0,
      tags: ["one two three four", "one two three four"],
      when: "1970-01-01T00:00:00Z",
      mood: "happy",
      owner: { name: "one two three four" },
      either: false,
    });
    expect(content(await chat({ response_format: { type: "text" } }))).toBe("one two three four");
  });

  it("calls tools by tool_choice: a named function, every tool for required (one if not parallel), mentioned ones for auto", async () => {
    const calls = (res: { body: { choices: { message: { tool_calls?: { function: { name: string; arguments: string } }[] } }[] } }) =>
      (res.body.choices[0]!.message.tool_calls ?? []).map((c) => [c.function.name, JSON.parse(c.function.arguments)]);
    const ask = (body: Record<string, unknown>) =>
      chat({ messages: [{ role: "user", content: "get_weather please" }], tools: [WEATHER, TIME], ...body });

    expect(calls(await ask({ tool_choice: { type: "function", function: { name: "get_time" } } }))).toEqual([["get_time", {}]]);
    expect(calls(await ask({ tool_choice: "required" }))).toEqual([
      ["get_weather", { city: "get_weather please", days: 1, unit: "c" }],
      ["get_time", {}],
    ]);
    expect(calls(await ask({ tool_choice: "required", parallel_tool_calls: false })).map(([name]) => name)).toEqual(["get_weather"]);
    expect(calls(await ask({})).map(([name]) => name)).toEqual(["get_weather"]);
    const none = await ask({ tool_choice: "none" });
    expect(calls(none)).toEqual([]);
    expect(content(none)).toBe("get_weather please");

    const ids = (await ask({ tool_choice: "required", n: 2 })).body.choices.flatMap((c: { message: { tool_calls: { id: string }[] } }) =>
      c.message.tool_calls.map((t) => t.id),
    );
    expect(new Set(ids).size).toBe(4);
  });

  it("refuses wrong types and ranges with the 400 validation envelope, before any upstream", async () => {
    const before = upstream.hits;
    const cases: [string, Record<string, unknown>][] = [
      ["n", { n: 0 }],
      ["n", { n: 129 }],
      ["n", { n: 1.5 }],
      ["n", { n: "2" }],
      ["temperature", { temperature: 3 }],
      ["top_p", { top_p: 1.5 }],
      ["stop", { stop: ["a", "b", "c", "d", "e"] }],
      ["max_tokens", { max_tokens: 0 }],
      ["max_completion_tokens", { max_completion_tokens: -1 }],
      ["seed", { seed: 1.5 }],
      ["logprobs", { logprobs: "yes" }],
      ["top_logprobs", { top_logprobs: 21 }],
      ["parallel_tool_calls", { parallel_tool_calls: "no" }],
      ["tools.0.function.name", { tools: [{ type: "function", function: { name: "has space" } }] }],
      ["tools.0.function", { tools: [{ type: "function" }] }],
      ["tool_choice", { tool_choice: "required" }],
      ["tool_choice.function.name", { tools: [WEATHER], tool_choice: { type: "function", function: { name: "get_time" } } }],
      ["tool_choice", { tools: [WEATHER], tool_choice: "sometimes" }],
      ["response_format.json_schema", { response_format: { type: "json_schema" } }],
      ["stream_options", { stream_options: "yes" }],
      ["user", { user: 7 }],
    ];
    for (const [path, params] of cases) {
      const res = await server.request("/v1/chat/completions", {
        token: key,
        body: { model: "fake-model", messages: [{ role: "user", content: "hi" }], ...params },
      });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message.startsWith(`${path}: `), res.body.error.message).toBe(true);
    }
    const embeddings: [string, Record<string, unknown>][] = [
      ["input", { input: [] }],
      ["input", { input: "" }],
      ["input.0", { input: [[]] }],
      ["dimensions", { dimensions: 0 }],
      ["encoding_format", { encoding_format: "hex" }],
      ["model", { model: "" }],
    ];
    for (const [path, params] of embeddings) {
      const res = await server.request("/v1/embeddings", { token: key, body: { model: "fake-model", input: "x", ...params } });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message.startsWith(`${path}: `), res.body.error.message).toBe(true);
    }
    expect(upstream.hits).toBe(before);
  });
});
