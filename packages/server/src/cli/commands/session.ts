import { type Credential, credentialsPath, deleteStoredLogin, PRECEDENCE } from "../credentials.js";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { CLIENT_FLAGS, clientFrom, parse, printJson } from "../output.js";

export async function logout(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: "boolean", default: false } }, HELP.logout!);
  const path = credentialsPath(ctx.env);
  const removed = await deleteStoredLogin(ctx.env);
  if (values.json) printJson(ctx, { logged_out: removed, path });
  else ctx.stdout.write(removed ? `removed ${path}\n` : `not logged in (no ${path})\n`);
  // Flags and variables still apply; say so rather than let someone think they are signed out.
  const left = ["BRAINSTORMROUTER_API_KEY", "BRAINSTORMROUTER_ACCESS_TOKEN"].filter((v) => ctx.env[v]);
  if (left.length) ctx.stderr.write(`note: ${left.join(" and ")} still set; commands keep using it\n`);
  return 0;
}

/** `whoami`: the server's view of the chosen credential, and why that credential was chosen. */
export async function whoami(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, CLIENT_FLAGS, HELP.whoami!);
  const client = await clientFrom(ctx, values, HELP.whoami!);
  const { baseUrl, baseUrlSource, credential } = ctx.client!;
  if (!credential) {
    ctx.stderr.write(
      `not logged in: pass --api-key or --access-token, set BRAINSTORMROUTER_API_KEY, or run \`brainstormrouter login\`\nprecedence: ${PRECEDENCE}\n`,
    );
    return 1;
  }
  const describe = {
    kind: credential.kind,
    source: credential.source,
    level: credential.level,
    shadowed: credential.shadowed,
  };
  if (credential.kind === "access_token") {
    const me = await client.auth.me();
    if (values.json) {
      printJson(ctx, { credential: describe, precedence: PRECEDENCE, base_url: baseUrl, base_url_source: baseUrlSource, me });
      return 0;
    }
    const tenant = me.tenant ? `${me.tenant.name} (${me.tenant.slug}, ${me.tenant.id}) as ${me.tenant.role}` : "none";
    ctx.stdout.write(
      [
        `identity    ${me.identity.email ?? me.identity.subject} (${me.identity.subject})`,
        `platform    ${me.is_platform_admin ? "platform admin" : "not a platform admin"}`,
        `tenant      ${tenant}; member of ${me.memberships.length}`,
        ...credentialLines(credential, baseUrl, baseUrlSource),
      ].join("\n"),
    );
    return 0;
  }
  const current = await client.tenant.retrieve();
  const { tenant } = current;
  if (values.json) {
    printJson(ctx, { credential: describe, precedence: PRECEDENCE, base_url: baseUrl, base_url_source: baseUrlSource, ...current });
    return 0;
  }
  ctx.stdout.write(
    [
      `tenant      ${tenant.name} (${tenant.slug}, ${tenant.id}), ${tenant.status}; key ${current.key.prefix}… as ${current.key.role}`,
      ...credentialLines(credential, baseUrl, baseUrlSource),
    ].join("\n"),
  );
  return 0;
}

function credentialLines(credential: Credential, baseUrl: string, baseUrlSource: string): string[] {
  const kind = credential.kind === "api_key" ? "API key" : "access token";
  return [
    `credential  ${kind} from ${credential.source} (${credential.level})`,
    `            ${credential.shadowed.length ? `wins over ${credential.shadowed.join(", ")}` : "the only one set"}`,
    `precedence  ${PRECEDENCE}`,
    `server      ${baseUrl} (from ${baseUrlSource})`,
    "",
  ];
}
