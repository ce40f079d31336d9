import autocannon from "autocannon";
import { Pool } from "undici";

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
export const fmt = (n: number, digits = 3) => n.toFixed(digits);

/** Milliseconds for each of `count` sequential requests over one keep-alive connection. */
export async function sequential(target: Target, body: string, count: number, until: "end" | "first-byte" = "end"): Promise<number[]> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      const res = await pool.request({
        method: "POST",
        path: url.pathname,
        headers: { "content-type": "application/json", ...target.headers },
        body,
      });
      if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode} ${await res.body.text()}`);
      if (until === "first-byte") {
        const it = res.body[Symbol.asyncIterator]();
        await it.next();
        times.push(performance.now() - start);
        for await (const _ of { [Symbol.asyncIterator]: () => it });
      } else {
        await res.body.text();
        times.push(performance.now() - start);
      }
    }
  } finally {
    await pool.close();
  }
  return times;
}

/** Requests per second at `connections` concurrent connections for `seconds`. */
export async function throughput(target: Target, body: string, connections: number, seconds: number) {
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body,
    connections,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.name} at ${connections}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total };
}
