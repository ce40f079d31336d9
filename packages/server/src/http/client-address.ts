import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The caller's address. X-Forwarded-For is believed only behind a proxy the operator declared,
 * and then only its last entry: the one that proxy appended. Entries to its left came from the
 * client and are whatever it chose to send (a fresh rate-limit budget per request otherwise).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return getConnInfo(c).remote.address ?? "unknown";
}
