import type { Context } from "hono";

/**
 * The headers of a page the server renders (dashboard, API reference): a CSP that runs only this
 * origin's scripts, no framing, no referrer (the dashboard's URL can hold a claim token until the
 * SPA removes it). `style` and `connect` are the two places the pages differ.
 */
export function setPageHeaders(c: Context, { style, connect }: { style: string; connect: string[] }): void {
  c.header(
    "Content-Security-Policy",
    [
      "default-src 'none'",
      "script-src 'self'",
      `style-src ${style}`,
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src ${connect.join(" ")}`,
      "manifest-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Cross-Origin-Opener-Policy", "same-origin");
}
