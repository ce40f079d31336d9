import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { addressBucket } from "../lib/address-bucket.js";

/**
 * The caller's address, as every per-address budget counts it: an IPv6 address by its /64
 * (`addressBucket`, decisions.md #102). X-Forwarded-For is believed only behind a proxy the
 * operator declared, and then only its last entry: the one that proxy appended. Entries to its
 * left came from the client and are whatever it chose to send (a fresh rate-limit budget per
 * request otherwise).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return addressBucket(forwarded);
  }
  return addressBucket(getConnInfo(c).remote.address ?? "unknown");
}
