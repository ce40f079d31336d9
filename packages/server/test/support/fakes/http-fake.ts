import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** What the fake answered. */
  status?: number;
  answer?: unknown;
  // Fakes record whatever JSON they were sent; tests assert its shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for an outside API. Every request is recorded;
 * `failNext` queues error answers (500s, 429 with Retry-After) served before normal ones, for
 * outage tests.
 */
export class HttpFake {
  readonly requests: RecordedRequest[] = [];
  private readonly failures: { path?: string | undefined; response: FakeResponse }[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: (req: RecordedRequest) => FakeResponse): Promise<HttpFake> {
    let fake: HttpFake;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : null;
        } catch {
          // form or text body: kept raw
        }
        const recorded = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, raw, body };
        fake.requests.push(recorded);
        const queued = fake.failures.findIndex((f) => f.path === undefined || f.path === recorded.path);
        const response = queued >= 0 ? fake.failures.splice(queued, 1)[0]!.response : answer(recorded);
        Object.assign(fake.requests.at(-1)!, { status: response.status, answer: response.body });
        res.writeHead(response.status, { "content-type": "application/json", ...response.headers });
        res.end(response.body === undefined ? "" : JSON.stringify(response.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new HttpFake(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** Queues `count` error answers, for requests to `path` only when given. */
  failNext(count: number, response: FakeResponse, path?: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ path, response });
  }

  pendingFailures(): number {
    return this.failures.length;
  }

  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a truthy value; throws with `what` when it never does. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
