import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

export const DEFAULT_BASE_URL = "http://localhost:8787";

/** The one precedence rule, printed by `whoami` and quoted in errors. */
export const PRECEDENCE =
  "flag (--api-key, --access-token) > environment (BRAINSTORMROUTER_API_KEY, BRAINSTORMROUTER_ACCESS_TOKEN) > stored login";

export type CredentialKind = "api_key" | "access_token";

export interface Credential {
  kind: CredentialKind;
  token: string;
  /** Where it came from, as a person would type it: "--access-token", "BRAINSTORMROUTER_API_KEY", a file path. */
  source: string;
  level: "flag" | "environment" | "stored login";
  /** Sources that were set but lost to this one, so whoami can say why. */
  shadowed: string[];
}

const Stored = z.object({
  base_url: z.string().url(),
  kind: z.enum(["api_key", "access_token"]),
  token: z.string().min(1),
  email: z.string().nullable().optional(),
  expires_at: z.string().nullable().optional(),
  saved_at: z.string(),
});
export type StoredLogin = z.infer<typeof Stored>;

type Env = Record<string, string | undefined>;
// An empty variable means unset: `BRAINSTORMROUTER_API_KEY= cmd` is how people switch one off.
const nonEmpty = (v: string | undefined) => (v ? v : undefined);

/** $BRAINSTORMROUTER_CONFIG_DIR, else $XDG_CONFIG_HOME/brainstormrouter, else ~/.config/brainstormrouter. */
export function configDir(env: Env): string {
  const explicit = nonEmpty(env.BRAINSTORMROUTER_CONFIG_DIR);
  if (explicit) return explicit;
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  return join(xdg ?? join(nonEmpty(env.HOME) ?? homedir(), ".config"), "brainstormrouter");
}

export const credentialsPath = (env: Env) => join(configDir(env), "credentials.json");

export async function readStoredLogin(env: Env): Promise<StoredLogin | null> {
  let raw: string;
  try {
    raw = await readFile(credentialsPath(env), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const parsed = Stored.safeParse(JSON.parse(raw));
  // A file from another version or edited by hand: ignored rather than half-used.
  return parsed.success ? parsed.data : null;
}

/** Writes the login readable by its owner only: the token is as good as a password. */
export async function writeStoredLogin(env: Env, login: StoredLogin): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and ignored for an existing dir; chmod makes it so.
  await chmod(dir, 0o700);
  const path = credentialsPath(env);
  await writeFile(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

export async function deleteStoredLogin(env: Env): Promise<boolean> {
  const path = credentialsPath(env);
  try {
    await rm(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

export interface Resolved {
  baseUrl: string;
  baseUrlSource: string;
  credential: Credential | null;
}

/**
 * Flag > environment > stored login, for the credential and the base URL alike. Within one
 * level an API key is taken before an access token; giving both flags is a usage error.
 */
export async function resolve(flags: { "base-url"?: string; "api-key"?: string; "access-token"?: string }, env: Env): Promise<Resolved> {
  const stored = await readStoredLogin(env);
  const storedSource = credentialsPath(env);
  const candidates: Omit<Credential, "shadowed">[] = [];
  const add = (kind: CredentialKind, token: string | undefined, source: string, level: Credential["level"]) => {
    if (token) candidates.push({ kind, token, source, level });
  };
  add("api_key", nonEmpty(flags["api-key"]), "--api-key", "flag");
  add("access_token", nonEmpty(flags["access-token"]), "--access-token", "flag");
  add("api_key", nonEmpty(env.BRAINSTORMROUTER_API_KEY), "BRAINSTORMROUTER_API_KEY", "environment");
  add("access_token", nonEmpty(env.BRAINSTORMROUTER_ACCESS_TOKEN), "BRAINSTORMROUTER_ACCESS_TOKEN", "environment");
  if (stored) add(stored.kind, stored.token, storedSource, "stored login");
  const [winner, ...rest] = candidates;
  const credential = winner ? { ...winner, shadowed: rest.map((c) => c.source) } : null;

  const flagUrl = nonEmpty(flags["base-url"]);
  const envUrl = nonEmpty(env.BRAINSTORMROUTER_BASE_URL);
  const [baseUrl, baseUrlSource] = flagUrl
    ? [flagUrl, "--base-url"]
    : envUrl
      ? [envUrl, "BRAINSTORMROUTER_BASE_URL"]
      : // The stored login's URL only goes with the stored login's token: a key from the
        // environment is never sent to the server someone once logged in to.
        stored && credential?.level === "stored login"
        ? [stored.base_url, storedSource]
        : [DEFAULT_BASE_URL, "the default"];
  return { baseUrl: baseUrl.replace(/\/+$/, ""), baseUrlSource, credential };
}
