/**
 * The outbox benchmark's webhook receiver in a process of its own, as a real receiver would be:
 * 200 at once to every POST, counting them. `GET /count` answers how many arrived and when the
 * last one did (epoch ms). Prints `{"url": …}` and serves until killed.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

let received = 0;
let lastAt = 0;
const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received, lastAt }));
    return;
  }
  req.resume();
  req.on("end", () => {
    received++;
    lastAt = Date.now();
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` })}\n`);
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
