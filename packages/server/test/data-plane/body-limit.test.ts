import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.js";

// The body limit decides from headers where it can (no Request built per request) and counts
// bytes where it cannot: both ways must still refuse an oversized body.
describe("body limit on the fast path and the chunked path", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { BR_MAX_BODY_BYTES: "2048" } });
  });
  afterAll(() => server.close());

  const big = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "x".repeat(4096) }] });

  it("refuses an oversized body announced by Content-Length with 413", async () => {
    const res = await server.request("/v1/chat/completions", { rawBody: big, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("body_too_large");
  });

  it("refuses an oversized chunked body (no Content-Length) with 413", async () => {
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 512) controller.enqueue(bytes.slice(i, i + 512));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
  });
});
