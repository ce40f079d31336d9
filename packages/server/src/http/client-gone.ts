import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import type { CallSignal } from "../providers/types.js";

/** Emits `abort` once, when the client's connection closes before the answer was sent. */
class ClientGone extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
}

/**
 * What `c.req.raw.signal` tells, without the AbortController (and EventTarget listeners) that
 * @hono/node-server and undici then make per request: 1.5-2 % of a proxied completion's CPU
 * (decisions.md #126). Outside a Node server (app.request in tests) it is the request's signal.
 */
export function clientGone(c: Context): CallSignal {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return c.req.raw.signal;
  const gone = new ClientGone();
  outgoing.once("close", () => {
    if (outgoing.writableFinished) return;
    gone.aborted = true;
    gone.reason = new Error("The client closed the connection.");
    gone.emit("abort");
  });
  return gone;
}
