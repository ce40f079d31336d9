/**
 * Usage text per command and subcommand: `brainstormrouter admin tenants --help` prints the
 * entry for "admin tenants", falling back to the nearest parent ("admin"), then the global usage.
 */
const CLIENT = `client flags (every client command)
  --base-url URL        server (else BRAINSTORMROUTER_BASE_URL, else the stored login's, else http://localhost:8787)
  --api-key KEY         a tenant API key (else BRAINSTORMROUTER_API_KEY)
  --access-token JWT    a human's access token (else BRAINSTORMROUTER_ACCESS_TOKEN)
  --json                print the API's answer as JSON instead of a table or summary
  credentials: flag > environment > stored login (brainstormrouter login); see 'brainstormrouter whoami'`;

const entry = (usage: string, about: string, flags: string, example: string) =>
  `usage: brainstormrouter ${usage}\n\n${about}\n${flags ? `\n${flags}\n` : ""}\n${CLIENT}\n\nexample\n  ${example}`;

const server = (usage: string, about: string, example: string) => `usage: brainstormrouter ${usage}\n\n${about}\n\nexample\n  ${example}`;

export const GLOBAL_USAGE = `usage: brainstormrouter <command> [options]

server
  serve                       start the server (configuration from the environment, as npm start)
  migrate                     apply database migrations and exit
  mcp                         MCP over stdio, relayed to the server
session
  login                       sign in and store the credential (browser or --device with an OIDC issuer,
                              --email on the development sign-in, or a token/key you give)
  logout                      delete the stored credential
  whoami                      who the server says you are, and which credential was used and why
client (--base-url, --api-key, --access-token, --json; or BRAINSTORMROUTER_BASE_URL, BRAINSTORMROUTER_API_KEY)
  register                    register a tenant; prints the API key and the claim URL
  claim-link                  mint a claim link for a teammate
  link                        link a browser identity to this key's tenant (device flow)
  keys list|create|update|rotate|revoke   the tenant's API keys (an admin-role key)
  usage                       requests, tokens, cost and errors per day, key or model
  settings get|set            the tenant's budget, model access and key limits
  admin tenants|tenant|approve|reject|suspend|invites|digest   platform administration
  admin proposals|propose     proposals: agents propose (dry run now), another admin approves or declines
  admin audit                 the audit trail, newest first

run 'brainstormrouter <command> --help' (or -h) for a command's usage, flags and an example`;

const LIMITS_HELP =
  "  --budget USD          spend allowed per period; none: no budget of its own\n" +
  "  --budget-period P     daily, monthly (the default) or lifetime; UTC\n" +
  "  --models GLOBS        comma-separated globs (* and ?), e.g. 'gpt-4o*,openai/*'; all: every model the tenant allows\n" +
  "  --rpm N               requests per minute, at most the tenant's; none: the tenant's limit only";

const KEYS_NOTE = "Needs an admin-role API key of the tenant; a developer key gets 403 insufficient_role.";

const ADMIN_NOTE = "Needs a platform admin: a login listed in BRAINSTORMROUTER_PLATFORM_ADMIN_IDS, or a key minted with platform_admin.";

export const HELP: Record<string, string> = {
  serve: server(
    "serve",
    "Starts the server with configuration from the environment, as `npm start` does.",
    "PORT=8787 brainstormrouter serve",
  ),
  migrate: server(
    "migrate [--json]",
    "Applies pending migrations to BR_DATA_DIR / DATABASE_URL (as BR_MIGRATION_DATABASE_URL when set) and exits.",
    "DATABASE_URL=postgres://… brainstormrouter migrate",
  ),
  mcp: `usage: brainstormrouter mcp [--base-url URL] [--api-key KEY | --access-token JWT]

MCP over stdio (Claude Desktop and other local clients), relayed to the server's /v1/mcp/connect.
Credentials as for every client command (flag > environment > stored login). stdout carries the
protocol, so there is no --json.

example
  BRAINSTORMROUTER_API_KEY=br_live_… brainstormrouter mcp`,
  login: entry(
    "login [--email EMAIL | --device] [--no-browser] [--timeout 5m] [--access-token JWT | --api-key KEY]",
    "Signs in and stores the credential and base URL in $BRAINSTORMROUTER_CONFIG_DIR, else\n" +
      "$XDG_CONFIG_HOME/brainstormrouter, else ~/.config/brainstormrouter (credentials.json, mode 0600).\n" +
      "On a server in development sign-in mode it signs in as --email (asked for on a terminal).\n" +
      "On a server with an OIDC issuer it signs in through the issuer as the dashboard does (the\n" +
      "server's /dashboard/config.json names issuer and client): it prints a URL to open (and opens a\n" +
      "browser when stdout is a terminal) and catches the answer on http://127.0.0.1:<port>/callback;\n" +
      "the issuer's client must accept that redirect on any port. --device shows a code to confirm in\n" +
      "a browser anywhere instead (over SSH), when the issuer offers the device flow.\n" +
      "With --api-key or --access-token it checks the credential against the server and stores it.",
    "  --email EMAIL         who to sign in as (development sign-in)\n" +
      "  --device              OIDC device flow (RFC 8628): a code and a URL instead of a redirect\n" +
      "  --no-browser          print the URL only, never open a browser\n" +
      "  --timeout T           how long to wait for the sign-in: 90, 90s or 5m (default 5m)",
    "brainstormrouter login --base-url https://router.example.com --device",
  ),
  logout: entry(
    "logout [--json]",
    "Deletes the stored credential (flags and environment variables are not affected).",
    "",
    "brainstormrouter logout",
  ),
  whoami: entry(
    "whoami [--json]",
    "Asks the server who the chosen credential is (/auth/me for a token, /v1/tenant for a key) and\n" +
      "prints which credential source won, and which it shadowed.",
    "",
    "BRAINSTORMROUTER_API_KEY=br_live_… brainstormrouter whoami --access-token eyJ…",
  ),
  register: entry(
    "register --name NAME --email EMAIL [--invite-code CODE] [--slug SLUG]",
    "Registers a tenant (you accept the terms of service) and prints its API key, shown once, and the\nclaim URL for the human who will manage it.",
    "  --name NAME           the tenant's name\n  --email EMAIL         its admin's email\n  --invite-code CODE    skips the approval queue\n  --slug SLUG           the tenant's slug (else derived from the name)",
    'brainstormrouter register --name "Acme" --email admin@acme.test',
  ),
  "claim-link": entry(
    "claim-link [--role owner|admin|member] [--max-uses N] [--expires-in-days N]",
    "Mints a claim link for teammates of this API key's tenant (needs an admin key); the token is shown once.",
    "  --role ROLE           the role it grants (default member)\n  --max-uses N          how many people may use it\n  --expires-in-days N   lifetime",
    "brainstormrouter claim-link --role admin --max-uses 1",
  ),
  link: entry(
    "link",
    "Links a browser identity to this API key's tenant (device flow): shows a code and a URL, waits\nuntil someone signed in confirms it there, and prints the linked tenant. Needs an admin key.",
    "",
    "brainstormrouter link",
  ),
  keys: `usage: brainstormrouter keys <command> [options]

The tenant's API keys. ${KEYS_NOTE}

commands
  list                        the keys: prefix, role, created, expiry, last rotation, spend, models (never the secret)
  create --name NAME          a new key, with limits if asked; its secret is shown once
  update <id>                 rename it, change its expiry or its limits
  rotate <id>                 a new secret under the same id, shown once; the old one works for a grace period
  revoke <id>                 the key stops working at once

run 'brainstormrouter keys <command> --help' for its flags and an example

${CLIENT}

example
  brainstormrouter keys create --name ci --role developer --expires-in-days 90 --budget 20 --models 'gpt-4o*'`,
  "keys list": entry(
    "keys list [--limit N] [--cursor C]",
    "Lists the tenant's keys, newest first: id, name, prefix, role, created, expiry, last rotation, spend\n" +
      `against the budget this period (spent/budget USD period) and allowed models (all: the tenant's). ${KEYS_NOTE}`,
    "  --limit N             page size\n  --cursor C            the next page",
    "brainstormrouter keys list --json",
  ),
  "keys create": entry(
    "keys create --name NAME [--role admin|developer] [--expires-in-days N | --expires-at ISO] [--budget USD]\n" +
      "       [--budget-period daily|monthly|lifetime] [--models GLOB,GLOB] [--rpm N]",
    "Creates a key and prints its secret, shown once: the server keeps only a hash. Its limits narrow\n" +
      "the tenant's settings (brainstormrouter settings): an rpm above the tenant's, or an expiry beyond\n" +
      `its key lifetime, is refused with exceeds_tenant_policy. ${KEYS_NOTE}`,
    "  --name NAME           what it is for\n" +
      "  --role ROLE           admin or developer (default developer)\n" +
      "  --expires-in-days N   lifetime (else the tenant's key lifetime, else it never expires)\n" +
      "  --expires-at ISO      a future ISO 8601 date-time instead\n" +
      LIMITS_HELP,
    "brainstormrouter keys create --name ci --role developer --expires-in-days 90 --budget 20 --models 'gpt-4o*'",
  ),
  "keys update": entry(
    "keys update <key-id> [--name NAME] [--expires-at ISO|none] [--budget USD|none]\n" +
      "       [--budget-period daily|monthly|lifetime] [--models GLOB,GLOB|all] [--rpm N|none]",
    "Renames a key or changes its expiry or limits (at least one flag); what is not given stays as it\n" +
      `is. none (all for --models) removes a limit: then only the tenant's settings apply. ${KEYS_NOTE}`,
    `  --name NAME           the new name\n  --expires-at ISO      a future ISO 8601 date-time; none: never expires\n${LIMITS_HELP}`,
    "brainstormrouter keys update 5d1e… --budget none --models all --rpm 120",
  ),
  "keys rotate": entry(
    "keys rotate <key-id> [--grace-seconds N]",
    "Gives the key a new secret under the same id and prints it, shown once, and when the old secret\n" +
      `stops working (then it answers 401 api_key_rotated). A key may rotate itself. ${KEYS_NOTE}`,
    "  --grace-seconds N     how long the old secret keeps working: 0–86400 (default 3600); 0 stops it at once",
    "brainstormrouter keys rotate 5d1e… --grace-seconds 600",
  ),
  "keys revoke": entry(
    "keys revoke <key-id>",
    `Revokes a key: it stops working at once on every instance. ${KEYS_NOTE}`,
    "",
    "brainstormrouter keys revoke 5d1e…",
  ),
  settings: `usage: brainstormrouter settings [get|set] [options]

The tenant's budget, model access and key limits: defaults and ceilings for every key (a key
narrows them, never widens them). An API key needs the admin role (/v1/tenant/settings); a
signed-in human acts in the current tenant (/auth/tenant/settings): members read, owners and
admins change.

commands
  get (the default)           the settings, with the tenant's spend this period
  set                         change some of them; every key follows at once

run 'brainstormrouter settings <command> --help' for its flags and an example

${CLIENT}

example
  brainstormrouter settings set --budget 500 --budget-period monthly --max-key-lifetime-days 90`,
  "settings get": entry(
    "settings get",
    "Prints the tenant's budget (spent/budget USD period, when it resets), rate limit per key, allowed\n" +
      "models and key lifetime; `brainstormrouter settings` alone does the same.",
    "",
    "brainstormrouter settings get --json",
  ),
  "settings set": entry(
    "settings set [--budget USD|none] [--budget-period daily|monthly|lifetime] [--models GLOB,GLOB|all]\n" +
      "       [--rpm N|none] [--max-key-lifetime-days N|none]",
    "Changes the tenant's settings (at least one flag); what is not given stays as it is, and none (all\n" +
      "for --models) removes a limit. The budget covers every key's spend together; --rpm is each key's\n" +
      "default and ceiling; --max-key-lifetime-days bounds (and defaults) a new key's expiry. Owners and\n" +
      "admins, or an admin-role API key.",
    "  --budget USD          the tenant's budget per period; none: no budget\n" +
      "  --budget-period P     daily, monthly (the default for a new budget) or lifetime; UTC\n" +
      "  --models GLOBS        comma-separated globs (* and ?) of the models any key may use; all: every model\n" +
      "  --rpm N               requests per minute per key, 1-100000; none: no limit\n" +
      "  --max-key-lifetime-days N   1-3650; none: keys may live for ever",
    "brainstormrouter settings set --budget 500 --models 'gpt-4o*,echo' --rpm none",
  ),
  usage: entry(
    "usage [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by day|key|model] [--limit N] [--cursor C]",
    "The tenant's requests, tokens, cost (USD) and errors over UTC days, both ends included (default:\n" +
      "the last 30 days): per day (every day, zeros included), or per key or model, by cost (--limit and\n" +
      "--cursor page through them). An API key needs the admin role (GET /v1/tenant/usage); a signed-in\n" +
      "member reads the current tenant's (GET /auth/usage).",
    "  --from D              first UTC day (default: --to minus 29 days); at most 366 days in all\n" +
      "  --to D                last UTC day (default: today)\n" +
      "  --group-by G          day (default), key or model\n" +
      "  --limit N             keys or models per page, 1-1000 (default 100)\n" +
      "  --cursor C            the next page, as the previous one printed it",
    "brainstormrouter usage --from 2026-11-01 --to 2026-11-30 --group-by model",
  ),
  admin: `usage: brainstormrouter admin <command> [options]

Platform administration. ${ADMIN_NOTE}

commands
  tenants                     list tenants
  tenant <id>                 one tenant
  approve|reject|suspend <id> change a tenant's status (--dry-run previews)
  invites [list|create|delete] invite codes
  digest                      what happened lately
  proposals [list|get|approve|decline]  proposals from agents
  propose <action> [<id>]     propose an action for another admin to approve
  audit                       the audit trail

run 'brainstormrouter admin <command> --help' for its flags and an example

${CLIENT}

example
  brainstormrouter admin tenants --status pending`,
  "admin tenants": entry(
    "admin tenants [--status pending|active|rejected|suspended] [--limit N]",
    `Lists tenants, newest first. ${ADMIN_NOTE}`,
    "  --status STATUS       only tenants in that status\n  --limit N             page size",
    "brainstormrouter admin tenants --status pending",
  ),
  "admin tenant": entry("admin tenant <id>", `Shows one tenant. ${ADMIN_NOTE}`, "", "brainstormrouter admin tenant 3f2c…"),
  "admin approve": entry(
    "admin approve <tenant-id> [--dry-run]",
    `Approves a pending tenant. ${ADMIN_NOTE}`,
    "  --dry-run             show the transition without making it",
    "brainstormrouter admin approve 3f2c… --dry-run",
  ),
  "admin reject": entry(
    "admin reject <tenant-id> [--reason TEXT] [--dry-run]",
    `Rejects a pending tenant. ${ADMIN_NOTE}`,
    "  --reason TEXT         recorded with the change\n  --dry-run             show the transition without making it",
    'brainstormrouter admin reject 3f2c… --reason "spam"',
  ),
  "admin suspend": entry(
    "admin suspend <tenant-id> [--reason TEXT] [--dry-run]",
    `Suspends an active tenant: its keys answer 403 until reinstated. ${ADMIN_NOTE}`,
    "  --reason TEXT         recorded with the change\n  --dry-run             show the transition without making it",
    'brainstormrouter admin suspend 3f2c… --reason "abuse"',
  ),
  "admin invites": entry(
    "admin invites [list] [--limit N]\n       brainstormrouter admin invites create [--code C] [--max-uses N] [--expires-at ISO] [--note TEXT] [--dry-run]\n       brainstormrouter admin invites delete <invite-id> [--dry-run]",
    `Invite codes let a registration skip the approval queue. ${ADMIN_NOTE}`,
    "  --code C              the code (else generated)\n  --max-uses N          uses before it runs out\n  --expires-at ISO      expiry\n  --note TEXT           for the admins\n  --dry-run             preview create/delete",
    "brainstormrouter admin invites create --max-uses 10 --note conference",
  ),
  "admin invites list": entry(
    "admin invites list [--limit N]",
    `Lists invite codes, newest first. ${ADMIN_NOTE}`,
    "  --limit N             page size",
    "brainstormrouter admin invites list --json",
  ),
  "admin invites create": entry(
    "admin invites create [--code C] [--max-uses N] [--expires-at ISO] [--note TEXT] [--dry-run]",
    `Creates an invite code; a registration that gives it skips the approval queue. ${ADMIN_NOTE}`,
    "  --code C              the code (else generated)\n  --max-uses N          uses before it runs out\n  --expires-at ISO      expiry\n  --note TEXT           for the admins\n  --dry-run             show it without creating it",
    "brainstormrouter admin invites create --max-uses 10 --note conference",
  ),
  "admin invites delete": entry(
    "admin invites delete <invite-id> [--dry-run]",
    `Revokes an invite code: registrations can no longer use it. ${ADMIN_NOTE}`,
    "  --dry-run             show the change without making it",
    "brainstormrouter admin invites delete 7c0d… --dry-run",
  ),
  "admin digest": entry(
    "admin digest [--window 24h|7d|30d]",
    `What happened on the platform in the window, as highlights. ${ADMIN_NOTE}`,
    "  --window W            24h (default), 7d or 30d",
    "brainstormrouter admin digest --window 7d",
  ),
  "admin proposals": entry(
    "admin proposals [list] [--status open|executed|declined|expired|stale] [--limit N] [--cursor C]\n       brainstormrouter admin proposals get|approve|decline <id> [--dry-run] [--reason TEXT]",
    `Proposals made by agents; another admin approves (--dry-run previews) or declines them. ${ADMIN_NOTE}`,
    "  --status STATUS       filter the list\n  --cursor C            the next page\n  --dry-run             preview an approval\n  --reason TEXT         why it was declined",
    "brainstormrouter admin proposals approve 9a1b… --dry-run",
  ),
  "admin proposals list": entry(
    "admin proposals list [--status open|executed|declined|expired|stale] [--limit N] [--cursor C]",
    `Lists proposals, newest first. ${ADMIN_NOTE}`,
    "  --status STATUS       only proposals in that status\n  --limit N             page size\n  --cursor C            the next page",
    "brainstormrouter admin proposals list --status open",
  ),
  "admin proposals get": entry(
    "admin proposals get <proposal-id>",
    `Shows one proposal: its action, rationale, dry run and decision. ${ADMIN_NOTE}`,
    "",
    "brainstormrouter admin proposals get 9a1b… --json",
  ),
  "admin proposals approve": entry(
    "admin proposals approve <proposal-id> [--dry-run]",
    `Approves a proposal and executes its action; the proposer cannot approve their own. ${ADMIN_NOTE}`,
    "  --dry-run             show what would execute without executing it",
    "brainstormrouter admin proposals approve 9a1b… --dry-run",
  ),
  "admin proposals decline": entry(
    "admin proposals decline <proposal-id> [--reason TEXT]",
    `Declines a proposal; nothing is executed. ${ADMIN_NOTE}`,
    "  --reason TEXT         why, recorded with the decision",
    'brainstormrouter admin proposals decline 9a1b… --reason "not this quarter"',
  ),
  "admin propose": entry(
    "admin propose <action> [<target-id>] --rationale TEXT [--expires-in-minutes N]\n" +
      "    approve_tenant|reject_tenant|suspend_tenant <tenant-id> [--reason TEXT]\n" +
      "    create_invite_code [--code C] [--max-uses N] [--expires-at ISO] [--note TEXT]\n" +
      "    delete_invite_code <invite-id>",
    "Proposes an action: the dry run runs now, a different admin approves it later.\nNeeds a proposer (BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS) or a platform admin.",
    "  --rationale TEXT      why, for the human who decides (required)\n  --expires-in-minutes N  how long it stays open",
    'brainstormrouter admin propose approve_tenant 3f2c… --rationale "verified domain"',
  ),
  "admin audit": entry(
    "admin audit [--tenant-id ID] [--action resource.verb] [--actor ID-OR-LABEL] [--since ISO] [--until ISO] [--limit N] [--cursor C]",
    "The audit trail, newest first.",
    "  --tenant-id ID        one tenant's events\n  --action A            e.g. tenant.approved\n  --actor A             an actor's id or label\n  --since/--until ISO   a time window\n  --cursor C            the next page",
    "brainstormrouter admin audit --action tenant.approved --since 2026-01-01T00:00:00Z",
  ),
};

/** The help for the longest command path at the start of argv ("admin invites create" → "admin invites"). */
export function helpFor(argv: string[]): string {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-")) break;
    words.push(a);
  }
  for (let n = words.length; n > 0; n--) {
    const text = HELP[words.slice(0, n).join(" ")];
    if (text) return text;
  }
  return GLOBAL_USAGE;
}
