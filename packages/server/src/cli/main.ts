import { GLOBAL_USAGE, helpFor } from "./help.js";
import { type CliContext, type CliIo, processIo } from "./io.js";
import { reportError } from "./output.js";

export type Command = (ctx: CliContext, args: string[]) => Promise<number | undefined>;

// Loaded on use: client commands start without loading the server's database drivers.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./commands/server.js")).serve,
  migrate: async () => (await import("./commands/server.js")).migrate,
  mcp: async () => (await import("./commands/mcp.js")).mcp,
  login: async () => (await import("./commands/login.js")).login,
  logout: async () => (await import("./commands/session.js")).logout,
  whoami: async () => (await import("./commands/session.js")).whoami,
  register: async () => (await import("./commands/identity.js")).register,
  "claim-link": async () => (await import("./commands/identity.js")).claimLink,
  link: async () => (await import("./commands/identity.js")).link,
  keys: async () => (await import("./commands/keys.js")).keys,
  usage: async () => (await import("./commands/usage.js")).usage,
  settings: async () => (await import("./commands/settings.js")).settings,
  admin: async () => (await import("./commands/admin.js")).admin,
};

/**
 * The whole CLI as a function: the bin calls it with the process's streams, tests with buffers,
 * so most tests need no process of their own. Returns the exit code, or undefined for commands
 * that keep running (serve, mcp).
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number | undefined> {
  const ctx: CliContext = { ...io };
  const [name, ...args] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    const wantedHelp = !name || name === "help" || name === "--help" || name === "-h";
    if (wantedHelp) ctx.stdout.write(`${name === "help" ? helpFor(args) : GLOBAL_USAGE}\n`);
    else ctx.stderr.write(`unknown command: ${name}\n\n${GLOBAL_USAGE}\n`);
    return wantedHelp ? 0 : 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    ctx.stdout.write(`${helpFor(argv)}\n`);
    return 0;
  }
  try {
    return await (await load())(ctx, args);
  } catch (err) {
    return reportError(ctx, err);
  }
}
