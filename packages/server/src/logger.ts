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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, destination);
}

const SECRET_QUERY_PARAMS = ["claim", "token", "user_code", "code", "device_code", "access_token"];

// A key or claim token pasted anywhere in a URL (a path segment, an unlisted parameter, a fragment
// of another value): the prefix is kept so the log still says what kind of secret it was.
const TOKEN_ANYWHERE = /(br_live_|brct_)[0-9A-Za-z]+/g;

/** The path and query for an access log, with secret-bearing parameters and tokens blanked out. */
export function loggablePath(url: URL): string {
  let path = url.pathname;
  if (url.search) {
    const query = new URLSearchParams(url.search);
    for (const name of SECRET_QUERY_PARAMS) if (query.has(name)) query.set(name, "[redacted]");
    path += `?${query.toString()}`;
  }
  return path.replace(TOKEN_ANYWHERE, "$1[redacted]");
}
