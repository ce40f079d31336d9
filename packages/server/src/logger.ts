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

/** The path and query for an access log, with secret-bearing parameters blanked out. */
export function loggablePath(url: URL): string {
  if (!url.search) return url.pathname;
  const query = new URLSearchParams(url.search);
  for (const name of SECRET_QUERY_PARAMS) if (query.has(name)) query.set(name, "[redacted]");
  return `${url.pathname}?${query.toString()}`;
}
