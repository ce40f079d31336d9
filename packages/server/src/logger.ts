import pino, { type Logger } from "pino";

// Anything that may hold a credential, wherever it appears in a logged object (DESIGN.md §5).
const REDACT = [
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "key",
  "*.key",
  "token",
  "*.token",
  "access_token",
  "*.access_token",
  "device_code",
  "*.device_code",
  "user_code",
  "*.user_code",
  "invite_code",
  "*.invite_code",
  "code",
  "*.code",
  "password",
  "*.password",
  "secret",
  "*.secret",
];

/**
 * Standard output by default, written asynchronously: lines queued while a write is in flight go
 * out together, instead of one write(2) per access-log line on the request path (decisions.md
 * #126). `flush` before exiting.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, destination ?? pino.destination({ dest: 1, sync: false }));
}

const SECRET_QUERY_PARAMS = ["claim", "token", "user_code", "code", "device_code", "access_token"];

// A key or claim token pasted anywhere in a URL (a path segment, an unlisted parameter, a fragment
// of another value): the prefix is kept so the log still says what kind of secret it was.
const TOKEN_ANYWHERE = /(br_live_|brct_)[0-9A-Za-z]+/g;

/** The path and query (`?…`, or "") for an access log, with secret-bearing parameters and tokens blanked out. */
export function loggablePath(pathname: string, search: string): string {
  let path = pathname;
  if (search.length > 1) {
    const query = new URLSearchParams(search);
    for (const name of SECRET_QUERY_PARAMS) if (query.has(name)) query.set(name, "[redacted]");
    path += `?${query.toString()}`;
  }
  return path.replace(TOKEN_ANYWHERE, "$1[redacted]");
}
