import { CLIENT_FLAGS, clientFrom, parse, printJson, UsageError } from "../output.js";

const REGISTER_USAGE = `usage: brainstormrouter register --name <tenant name> --email <admin email> [--invite-code <code>] [--slug <slug>] [--json]
  Registers a tenant (you accept the terms of service) and prints its API key, shown once, and the
  claim URL for the human who will manage it.`;

export async function register(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { ...CLIENT_FLAGS, name: { type: "string" }, email: { type: "string" }, "invite-code": { type: "string" }, slug: { type: "string" } },
    REGISTER_USAGE,
  );
  if (!values.name || !values.email) throw new UsageError("--name and --email are required", REGISTER_USAGE);
  const reg = await clientFrom(values).register({
    tenant_name: values.name,
    admin_email: values.email,
    accept_tos: true,
    ...(values["invite-code"] ? { invite_code: values["invite-code"] } : {}),
    ...(values.slug ? { tenant_slug: values.slug } : {}),
  });
  if (values.json) {
    printJson(reg);
    return 0;
  }
  process.stdout.write(
    [
      `tenant     ${reg.tenant.name} (${reg.tenant.slug}, ${reg.tenant.id})`,
      `status     ${reg.tenant.status}${reg.tenant.status === "pending" ? "  — waiting for a platform admin's approval" : ""}`,
      `api key    ${reg.api_key.key}`,
      `           shown once: export BRAINSTORMROUTER_API_KEY=${reg.api_key.key}`,
      `claim url  ${reg.claim.url}`,
      `           open it (or send it to the tenant's admin) to sign in and manage the tenant; expires ${reg.claim.expires_at}`,
      "",
    ].join("\n"),
  );
  return 0;
}

const CLAIM_LINK_USAGE = `usage: brainstormrouter claim-link [--role owner|admin|member] [--max-uses N] [--expires-in-days N] [--json]
  Mints a claim link for teammates of this API key's tenant (needs an admin key); the token is shown once.`;

export async function claimLink(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { ...CLIENT_FLAGS, role: { type: "string" }, "max-uses": { type: "string" }, "expires-in-days": { type: "string" } },
    CLAIM_LINK_USAGE,
  );
  const role = values.role;
  if (role !== undefined && role !== "owner" && role !== "admin" && role !== "member") {
    throw new UsageError(`--role must be owner, admin or member`, CLAIM_LINK_USAGE);
  }
  const link = await clientFrom(values).identityBridge.generateClaimLink({
    ...(role ? { role } : {}),
    ...(values["max-uses"] ? { max_uses: Number(values["max-uses"]) } : {}),
    ...(values["expires-in-days"] ? { expires_in_days: Number(values["expires-in-days"]) } : {}),
  });
  if (values.json) printJson(link);
  else process.stdout.write(`${link.url}\n  role ${link.role}, ${link.max_uses} use(s), expires ${link.expires_at}\n`);
  return 0;
}

const LINK_USAGE = `usage: brainstormrouter link [--json]
  Links a browser identity to this API key's tenant (device flow): shows a code and a URL, waits
  until someone signed in confirms it there, and prints the linked tenant. Needs an admin key.`;

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export async function link(args: string[]): Promise<number> {
  const { values } = parse(args, CLIENT_FLAGS, LINK_USAGE);
  const client = clientFrom(values);
  const auth = await client.identityBridge.authorizeDevice();
  // Instructions go to stderr so that --json output on stdout stays parseable.
  process.stderr.write(`Open ${auth.verification_uri_complete}\n  or go to ${auth.verification_uri} and enter ${auth.user_code}\n`);
  const spinner = startSpinner(`waiting for confirmation (code ${auth.user_code})`);
  try {
    const linked = await client.identityBridge.waitForDeviceLink(auth);
    spinner.stop();
    if (values.json) printJson(linked);
    else process.stdout.write(`linked to ${linked.tenant.name} (${linked.tenant.slug}, ${linked.tenant.id})\n`);
    return 0;
  } finally {
    spinner.stop();
  }
}

/** A spinner on a terminal; one plain line when stderr is a pipe (logs, tests). */
function startSpinner(text: string): { stop(): void } {
  if (!process.stderr.isTTY) {
    process.stderr.write(`${text}…\n`);
    return { stop: () => undefined };
  }
  let frame = 0;
  const timer = setInterval(() => process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}`), 80);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      process.stderr.write("\r\x1b[K");
    },
  };
}
