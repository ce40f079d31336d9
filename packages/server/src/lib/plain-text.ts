// Line breaks, other controls and bidi overrides/isolates: each becomes a space.
const BREAKS_AND_CONTROLS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu;
// "scheme://" and "name.tld": what Slack, mail clients and chat apps turn into links.
const LINKISH = /(:)(\/\/)|(\.)(?=[\p{L}\p{N}])/gu;

/**
 * User-supplied text (a tenant name, an email, a reason) made safe to place next to our own words
 * in a notification: one line, so it cannot forge a line like "Admin: …" beside the Approve
 * button, and no bare URL a client would turn into a link (a zero-width space breaks the pattern
 * while the text still reads the same).
 */
export function inertText(value: unknown): string {
  return String(value ?? "")
    .replace(BREAKS_AND_CONTROLS, " ")
    .replace(LINKISH, (_m, colon: string | undefined, slashes: string | undefined, dot: string | undefined) =>
      colon ? `${colon}\u200b${slashes}` : `${dot}\u200b`,
    );
}
