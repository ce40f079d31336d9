import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { GLOBAL_USAGE, HELP } from "../../src/cli/help.js";
import { cli } from "./run.js";

describe("brainstormrouter --help per command", () => {
  it("admin tenants --help prints that command's usage, flags and example, not the global help", async () => {
    for (const flag of ["--help", "-h"]) {
      const res = await cli(["admin", "tenants", flag], {});
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^usage: brainstormrouter admin tenants \[--status/);
      expect(res.stdout).toContain("--status STATUS");
      expect(res.stdout).toContain("example\n  brainstormrouter admin tenants --status pending");
      expect(res.stdout).not.toContain(GLOBAL_USAGE);
    }
  });

  it.each(Object.keys(HELP))("%s --help has its own usage line and an example", async (command) => {
    const res = await cli([...command.split(" "), "--help"], {});
    expect(res.code).toBe(0);
    expect(res.stdout.startsWith(`usage: brainstormrouter ${command}`)).toBe(true);
    expect(res.stdout).toMatch(/\nexample\n {2}(\w+=\S+ )*brainstormrouter /);
  });

  it("subcommands have help of their own: admin invites create, admin proposals approve", async () => {
    const create = await cli(["admin", "invites", "create", "--max-uses", "2", "--help"], {});
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(/^usage: brainstormrouter admin invites create \[--code C\]/);
    expect(create.stdout).toContain("example\n  brainstormrouter admin invites create");
    expect(create.stdout).not.toContain("admin invites delete");
    const approve = await cli(["admin", "proposals", "approve", "9a1b", "-h"], {});
    expect(approve.stdout).toMatch(/^usage: brainstormrouter admin proposals approve <proposal-id> \[--dry-run\]/);
    expect(approve.stdout).not.toContain("--reason TEXT");
    const proposals = await cli(["admin", "proposals", "--help"], {});
    expect(proposals.stdout).toMatch(/^usage: brainstormrouter admin proposals \[list\]/);
    expect(proposals.stdout).toContain("get|approve|decline");
    const login = await cli(["login", "--help"], {});
    expect(login.stdout).toMatch(/^usage: brainstormrouter login \[--email EMAIL \| --device\] \[--no-browser\] \[--timeout 5m\]/);
  });

  it("every command in the global usage has an entry of its own", () => {
    const listed = [...GLOBAL_USAGE.matchAll(/^ {2}([a-z-]+(?: [a-z|-]+)?)\s{2,}/gm)].flatMap((m) => {
      const [command, subs] = m[1]!.split(" ");
      return subs ? subs.split("|").map((sub) => `${command} ${sub}`) : [command!];
    });
    expect(listed.length).toBeGreaterThan(15);
    for (const command of listed) expect(Object.keys(HELP), command).toContain(command);
  });

  it("a subcommand's own flags come before --help; unknown subcommands fall back to the parent", async () => {
    expect((await cli(["admin", "nope", "--help"], {})).stdout).toMatch(/^usage: brainstormrouter admin <command>/);
    expect((await cli(["help", "whoami"], {})).stdout).toMatch(/^usage: brainstormrouter whoami/);
    expect((await cli(["--help"], {})).stdout).toBe(`${GLOBAL_USAGE}\n`);
    const unknown = await cli(["frobnicate"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command: frobnicate/);
  });
});

describe("brainstormrouter connection errors", () => {
  it("name the URL tried and the flag or variable that set it", async () => {
    // A port that was free a moment ago: nothing answers there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const byEnv = await cli(["admin", "tenants"], { BRAINSTORMROUTER_BASE_URL: url, BRAINSTORMROUTER_API_KEY: "br_live_x" });
    expect(byEnv.code).toBe(1);
    expect(byEnv.stderr).toMatch(new RegExp(`^error: could not reach ${url} \\(.*ECONNREFUSED\\)`));
    expect(byEnv.stderr).toContain("the URL came from BRAINSTORMROUTER_BASE_URL; set it with --base-url or BRAINSTORMROUTER_BASE_URL");
    const byFlag = await cli(["register", "--name", "x", "--email", "x@y.test", "--base-url", url], {});
    expect(byFlag.stderr).toContain(`could not reach ${url}`);
    expect(byFlag.stderr).toContain("the URL came from --base-url");
    // login asks the server how it signs people in before anything else.
    const login = await cli(["login", "--base-url", url], {});
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(new RegExp(`^error: could not reach ${url} \\(.*ECONNREFUSED\\)\n {2}the URL came from --base-url`));
  });
});
