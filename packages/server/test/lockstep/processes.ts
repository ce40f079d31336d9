import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

export const SDK_PY = fileURLToPath(new URL("../../../sdk-py", import.meta.url));
export const CLI_BIN = fileURLToPath(new URL("../../bin/brainstormrouter.mjs", import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

/** Starts a command with the test's environment plus `env` (undefined removes one); `done` never rejects. */
export function start(command: string, args: string[], options: { cwd?: string; env?: Env } = {}) {
  const env = Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter(([, v]) => v !== undefined));
  const child: ChildProcessWithoutNullStreams = spawn(command, args, { cwd: options.cwd, env });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (output.stdout += d));
  child.stderr.on("data", (d) => (output.stderr += d));
  const done = new Promise<Finished>((resolve) => child.on("close", (code) => resolve({ code, ...output })));
  return { child, output, done };
}

export const run = (command: string, args: string[], options: { cwd?: string; env?: Env } = {}) => start(command, args, options).done;

/**
 * Node arguments that run the bin from the TypeScript source (the bin picks the source when
 * `--conditions=brainstormrouter-source` is set), so the tests never run a stale build.
 */
export const CLI_ARGS = ["--conditions=brainstormrouter-source", "--import", "tsx", CLI_BIN];

// A spawned CLI must not find the login of whoever runs the tests.
const NO_LOGIN = { BRAINSTORMROUTER_CONFIG_DIR: "/nonexistent/brainstormrouter-test" };

/** The brainstormrouter CLI as a user runs it, in a process of its own (test/cli/run.ts has it in-process). */
export const cli = (args: string[], env: Env) => run(process.execPath, [...CLI_ARGS, ...args], { env: { ...NO_LOGIN, ...env } });

/** Resolves once `predicate` holds for the output so far; fails with that output if the process exits first. */
export async function waitFor(started: ReturnType<typeof start>, predicate: (o: { stdout: string; stderr: string }) => boolean) {
  while (!predicate(started.output)) {
    if (started.child.exitCode !== null) {
      throw new Error(
        `exited with ${started.child.exitCode} before the expected output:\n${started.output.stdout}\n${started.output.stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
