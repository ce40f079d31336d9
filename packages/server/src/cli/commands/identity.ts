import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { CLIENT_FLAGS, clientFrom, parse, printJson, UsageError } from "../output.js";

const REGISTER_USAGE = HELP.register!;

export async function register(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { ...CLIENT_FLAGS, name: { type: "string" }, email: { type: "string" }, "invite-code": { type: "string" }, slug: { type: "string" } },
    REGISTER_USAGE,
  );
  if (!values.name || !values.email) throw new UsageError("--name and --email are required", REGISTER_USAGE);
  const reg = await (await clientFrom(ctx, values, REGISTER_USAGE)).register({
    tenant_name: values.name,
    admin_email: values.email,
    accept_tos: true,
    ...(values["invite-code"] ? { invite_code: values["invite-code"] } : {}),
    ...(values.slug ? { tenant_slug: values.slug } : {}),
  });
  if (values.json) {
    printJson(ctx, reg);
    return 0;
  }
  ctx.stdout.write(
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

const CLAIM_LINK_USAGE = HELP["claim-link"]!;

export async function claimLink(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { ...CLIENT_FLAGS, role: { type: "string" }, "max-uses": { type: "string" }, "expires-in-days": { type: "string" } },
    CLAIM_LINK_USAGE,
  );
  const role = values.role;
  if (role !== undefined && role !== "owner" && role !== "admin" && role !== "member") {
    throw new UsageError(`--role must be owner, admin or member`, CLAIM_LINK_USAGE);
  }
  const link = await (await clientFrom(ctx, values, CLAIM_LINK_USAGE)).identityBridge.generateClaimLink({
    ...(role ? { role } : {}),
    ...(values["max-uses"] ? { max_uses: Number(values["max-uses"]) } : {}),
    ...(values["expires-in-days"] ? { expires_in_days: Number(values["expires-in-days"]) } : {}),
  });
  if (values.json) printJson(ctx, link);
  else ctx.stdout.write(`${link.url}\n  role ${link.role}, ${link.max_uses} use(s), expires ${link.expires_at}\n`);
  return 0;
}

const LINK_USAGE = HELP.link!;

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export async function link(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, CLIENT_FLAGS, LINK_USAGE);
  const client = await clientFrom(ctx, values, LINK_USAGE);
  const auth = await client.identityBridge.authorizeDevice();
  // Instructions go to stderr so that --json output on stdout stays parseable.
  ctx.stderr.write(`Open ${auth.verification_uri_complete}\n  or go to ${auth.verification_uri} and enter ${auth.user_code}\n`);
  const spinner = startSpinner(ctx, `waiting for confirmation (code ${auth.user_code})`);
  try {
    const linked = await client.identityBridge.waitForDeviceLink(auth);
    spinner.stop();
    if (values.json) printJson(ctx, linked);
    else ctx.stdout.write(`linked to ${linked.tenant.name} (${linked.tenant.slug}, ${linked.tenant.id})\n`);
    return 0;
  } finally {
    spinner.stop();
  }
}

/** A spinner on a terminal; one plain line when stderr is a pipe (logs, tests). */
function startSpinner(ctx: CliContext, text: string): { stop(): void } {
  if (!ctx.stderr.isTTY) {
    ctx.stderr.write(`${text}…\n`);
    return { stop: () => undefined };
  }
  let frame = 0;
  const timer = setInterval(() => ctx.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}`), 80);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      ctx.stderr.write("\r\x1b[K");
    },
  };
}
