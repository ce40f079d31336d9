import { z } from "zod";
import { DEFAULT_PROVIDERS, parseProviders } from "./providers/config.js";

const csv = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  );
const optionalUrl = z.url().optional();
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Every environment variable the server reads (DESIGN.md §3). Nothing else touches process.env. */
const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().optional(),
    BR_REDIS_PREFIX: z.string().default("br:"),
    // A Redis that stops answering (frozen, partitioned) must not hold requests: every command
    // gives up after this, and the subscription is pinged this often with the same deadline.
    BR_REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(1_000),
    BR_REDIS_PING_MS: z.coerce.number().int().positive().default(500),
    BR_DATA_DIR: z.string().default("./.data"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
    // Migrations as the database owner while DATABASE_URL logs in as a role that may only become
    // br_app / br_platform (decisions.md #100); unset, DATABASE_URL migrates too.
    BR_MIGRATION_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// URL")
      .optional(),
    BR_PUBLIC_URL: optionalUrl,
    BR_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    BR_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    BR_TRUST_PROXY: bool.default(false),
    // Browser origins allowed to call /v1/* (comma-separated, or *); unset: no CORS answer at all.
    BR_CORS_ORIGINS: csv,
    // /metrics needs this bearer token; without one it is served only on BR_METRICS_PORT, if set.
    BR_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    BR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    BR_AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    BR_AUTH_JWKS_URL: optionalUrl,
    BR_AUTH_ISSUER: z.string().optional(),
    BR_AUTH_AUDIENCE: z.string().optional(),
    // Dashboard sign-in (authorization code + PKCE, a public client): the client registered at the issuer.
    BR_AUTH_CLIENT_ID: z.string().optional(),
    BR_AUTH_SCOPES: z.string().default("openid email profile"),
    // The development sign-in trusts any email; beyond loopback only when the operator says so.
    BR_DEV_SIGN_IN: z.enum(["on", "off"]).optional(),
    // Where the built dashboard lives; defaults to packages/dashboard/dist next to this package.
    BR_DASHBOARD_DIR: z.string().optional(),
    BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: csv,
    // Agents that may read the admin API, dry-run and propose, never execute (DESIGN.md §8).
    BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: csv,
    // How often open proposals past expires_at are marked expired (reads check too).
    BR_PROPOSAL_SWEEP_MS: z.coerce.number().int().positive().default(60_000),
    BR_BETA_GATE: z.enum(["on", "off"]).default("on"),
    BR_REGISTER_RATE_PER_MIN: z.coerce.number().int().positive().default(20),
    // Registrations naming one admin_email (lower-cased, trimmed, "+tag" dropped) per hour: each
    // one mails its claim link to that unverified address, from whatever address it was sent.
    BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR: z.coerce.number().int().positive().default(5),
    BR_KEY_CACHE_TTL_MS: z.coerce.number().int().positive().default(30_000),
    // Identity Bridge: wrong device user codes allowed per 15 minutes (a code lives 15 minutes;
    // 20^8 codes make 5 guesses worthless, while a mistyping human rarely needs more). Per signed-in
    // identity; the per-address budget counts only callers without one (decisions.md #102).
    BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: z.coerce.number().int().positive().default(5),
    BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(20),
    // First sign-in (POST /auth/provision): requests per address per minute, and wrong invite codes
    // per hour — admins may choose short invite codes, so they must not be guessable either.
    BR_PROVISION_RATE_PER_MIN: z.coerce.number().int().positive().default(30),
    BR_INVITE_FAILURES_PER_IDENTITY: z.coerce.number().int().positive().default(5),
    BR_INVITE_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(20),
    // Well-formed API keys that exist nowhere, per address and minute, before 429.
    BR_UNKNOWN_KEYS_PER_ADDRESS: z.coerce.number().int().positive().default(30),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_BOT_TOKEN: z.string().optional(),
    SLACK_CHANNEL_ID: z.string().optional(),
    SLACK_WEBHOOK_URL: optionalUrl,
    SLACK_API_URL: z.url().default("https://slack.com/api"),
    BR_SLACK_ADMIN_USER_IDS: csv,
    RESEND_API_KEY: z.string().optional(),
    RESEND_API_URL: z.url().default("https://api.resend.com"),
    BR_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// URL")
      .optional(),
    BR_EMAIL_FROM: z.string().default("BrainstormRouter <noreply@localhost>"),
    BR_ADMIN_EMAILS: csv,
    // Data plane: JSON array of provider objects (src/providers/config.ts); unset = the built-in echo.
    BR_PROVIDERS: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return DEFAULT_PROVIDERS;
        const parsed = parseProviders(raw);
        if (parsed.ok) return parsed.value;
        ctx.addIssue({ code: "custom", message: parsed.message });
        return z.NEVER;
      }),
    // SIGTERM: how long in-flight requests (streams included) may take to finish before their
    // connections are closed. Default: the longest provider timeout plus 5 s.
    BR_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).optional(),
    // Usage events are written in batches this often (and on shutdown), never on the request path.
    BR_USAGE_FLUSH_MS: z.coerce.number().int().min(10).default(1000),
    // How often spend counters are raised to the usage rollup's figures (lost charges, a flushed Redis).
    BR_SPEND_RECONCILE_MS: z.coerce.number().int().min(100).default(60_000),
    // Event bus (Admin Intelligence): how often the dispatcher looks for work, how long a claimed
    // delivery is reserved (a crashed instance's claims come back after this), retry schedule.
    BR_EVENTS_POLL_MS: z.coerce.number().int().min(10).default(1000),
    BR_EVENTS_LEASE_MS: z.coerce.number().int().min(100).default(15_000),
    BR_EVENTS_TIMEOUT_MS: z.coerce.number().int().min(50).default(10_000),
    BR_EVENTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    BR_EVENTS_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(2_000),
    BR_EVENTS_BACKOFF_MAX_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * 60_000),
  })
  .superRefine((env, ctx) => {
    if (env.BR_MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
      // Without DATABASE_URL the embedded engine is used and the migration login would go unused.
      ctx.addIssue({ code: "custom", path: ["BR_MIGRATION_DATABASE_URL"], message: "needs DATABASE_URL (the login the server runs as)" });
    }
    const oidc = env.BR_AUTH_JWT_SECRET || env.BR_AUTH_JWKS_URL;
    if (env.NODE_ENV === "production" && !oidc) {
      ctx.addIssue({
        code: "custom",
        path: ["BR_AUTH_JWKS_URL"],
        message: "is required when NODE_ENV=production (or BR_AUTH_JWT_SECRET): development sign-in is refused in production",
      });
    }
    if (env.BR_AUTH_JWKS_URL && !env.BR_AUTH_ISSUER) {
      ctx.addIssue({ code: "custom", path: ["BR_AUTH_ISSUER"], message: "is required with BR_AUTH_JWKS_URL" });
    }
    if (env.BR_AUTH_JWKS_URL && !env.BR_AUTH_AUDIENCE) {
      // One issuer signs tokens for many clients: without an audience, a token minted for any
      // other app of the same issuer would be accepted here.
      ctx.addIssue({ code: "custom", path: ["BR_AUTH_AUDIENCE"], message: "is required with BR_AUTH_JWKS_URL" });
    }
    if (env.BR_EVENTS_LEASE_MS <= env.BR_EVENTS_TIMEOUT_MS) {
      // A lease shorter than a delivery attempt would let a second instance send it concurrently.
      ctx.addIssue({ code: "custom", path: ["BR_EVENTS_LEASE_MS"], message: "must be longer than BR_EVENTS_TIMEOUT_MS" });
    }
  });

export type AuthMode = "jwks" | "secret" | "development";

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  // `VAR=` (as .env files and CI matrices write it) means unset, not "the empty string".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0] ?? "configuration")} ${issue.message}`);
  }
  const e = parsed.data;
  const authMode: AuthMode = e.BR_AUTH_JWKS_URL ? "jwks" : e.BR_AUTH_JWT_SECRET ? "secret" : "development";
  if (authMode === "development") assertDevelopmentSignInIntended(present, e.HOST, e.BR_DEV_SIGN_IN);
  return Object.freeze({
    ...e,
    authMode,
    // Development sign-in trusts any email: keep it off the network unless the operator opts in.
    host: e.HOST ?? (authMode === "development" ? "127.0.0.1" : "0.0.0.0"),
    publicUrl: (e.BR_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    betaGate: e.BR_BETA_GATE === "on",
    platformAdminIds: new Set(e.BRAINSTORMROUTER_PLATFORM_ADMIN_IDS),
    platformProposerIds: new Set(e.BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS),
    slackAdminUserIds: new Set(e.BR_SLACK_ADMIN_USER_IDS),
    shutdownGraceMs: e.BR_SHUTDOWN_GRACE_MS ?? Math.max(0, ...e.BR_PROVIDERS.map((p) => ("timeout_ms" in p ? p.timeout_ms : 0))) + 5_000,
  });
}

export type Config = ReturnType<typeof loadConfig>;

/**
 * The development sign-in accepts any email, so it must never be what a half-finished OIDC set-up
 * silently falls back to, nor be reachable from the network by accident.
 */
function assertDevelopmentSignInIntended(present: Record<string, unknown>, host: string | undefined, devSignIn: "on" | "off" | undefined) {
  const partial = Object.keys(present)
    .filter((name) => name.startsWith("BR_AUTH_"))
    .sort();
  if (partial.length > 0) {
    throw new ConfigError(
      `BR_AUTH_JWKS_URL is required with ${partial.join(", ")} (or BR_AUTH_JWT_SECRET): without either, the development sign-in would accept any email`,
    );
  }
  if (devSignIn === "off") {
    throw new ConfigError(
      "BR_DEV_SIGN_IN is off but no sign-in is configured: set BR_AUTH_JWKS_URL + BR_AUTH_ISSUER + BR_AUTH_AUDIENCE, or BR_AUTH_JWT_SECRET",
    );
  }
  const loopback = host === undefined || host === "localhost" || host === "::1" || /^127\./.test(host);
  if (!loopback && devSignIn !== "on") {
    throw new ConfigError(
      `HOST ${host} is beyond loopback, where the development sign-in accepts any email: configure OIDC, or set BR_DEV_SIGN_IN=on to accept that`,
    );
  }
}

export class ConfigError extends Error {
  override name = "ConfigError";
}
