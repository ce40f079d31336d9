import { reportError } from "./output.js";

const USAGE = `usage: brainstormrouter <command> [options]

server
  serve                       start the server (configuration from the environment, as npm start)
  migrate                     apply database migrations and exit
  mcp                         MCP over stdio, relayed to the server (BRAINSTORMROUTER_API_KEY, BRAINSTORMROUTER_BASE_URL)
client (BRAINSTORMROUTER_BASE_URL, BRAINSTORMROUTER_API_KEY, or --base-url / --api-key)
  register                    register a tenant; prints the API key and the claim URL
  claim-link                  mint a claim link for a teammate (--role, --max-uses, --expires-in-days)
  link                        link a browser identity to this key's tenant (device flow)
  admin tenants|tenant|approve|reject|suspend|invites|digest   platform administration (--dry-run, --json)
  admin proposals|propose     proposals: agents propose (dry run now), another admin approves or declines
  admin audit                 the audit trail, newest first (--tenant-id, --action, --actor, --since)

run 'brainstormrouter <command> --help' for a command's options`;

type Command = (args: string[]) => Promise<number | undefined>;
// Loaded on use: client commands start without loading the server's database drivers.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./commands/server.js")).serve,
  migrate: async () => (await import("./commands/server.js")).migrate,
  mcp: async () => (await import("./commands/mcp.js")).mcp,
  register: async () => (await import("./commands/identity.js")).register,
  "claim-link": async () => (await import("./commands/identity.js")).claimLink,
  link: async () => (await import("./commands/identity.js")).link,
  admin: async () => (await import("./commands/admin.js")).admin,
};

async function main(argv: string[]): Promise<number | undefined> {
  const [name, ...args] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load || args.includes("--help") || args.includes("-h")) {
    const wantedHelp = Boolean(load) || !name || name === "help" || name === "--help" || name === "-h";
    (wantedHelp ? process.stdout : process.stderr).write(`${wantedHelp ? "" : `unknown command: ${name}\n\n`}${USAGE}\n`);
    return wantedHelp ? 0 : 2;
  }
  try {
    return await (await load())(args);
  } catch (err) {
    return reportError(err);
  }
}

const code = await main(process.argv.slice(2));
// Long-running commands (serve, mcp) return undefined and keep the process alive.
if (code !== undefined) process.exitCode = code;
