/**
 * The floors the gateway is measured against, in a process of their own (`FLOOR=raw|hono`,
 * `UPSTREAM=<url>`): what a proxy of the same completion costs with nothing of the gateway in it.
 *   raw:  node:http + an undici Pool, the body streamed through.
 *   hono: the same forwarding in a bare Hono app on @hono/node-server (the gateway's own stack).
 * Prints `{"url": …}` once listening.
 */
import { createServer } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Pool } from "undici";

const upstream = new URL(process.env.UPSTREAM!);
const pool = new Pool(upstream.origin, { connections: 128 });
const path = `${upstream.pathname.replace(/\/$/, "")}/chat/completions`;
const forward = async (body: string) => {
  const res = await pool.request({
    method: "POST",
    path,
    body,
    headers: { "content-type": "application/json", authorization: "Bearer sk-mock" },
  });
  return { status: res.statusCode, text: await res.body.text() };
};

let url: string;
if (process.env.FLOOR === "raw") {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const answer = await forward(Buffer.concat(chunks).toString());
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
} else {
  const app = new Hono().post("/v1/chat/completions", async (c) => {
    const answer = await forward(await c.req.text());
    return c.body(answer.text, answer.status as 200, { "content-type": "application/json" });
  });
  url = await new Promise<string>((resolve) => {
    serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(`http://127.0.0.1:${info.port}`));
  });
}
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.once("SIGTERM", () => process.exit(0));
