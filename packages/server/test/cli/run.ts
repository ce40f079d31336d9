import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import type { Finished } from "../lockstep/processes.js";

type Env = Record<string, string | undefined>;

// No test may read or write the login of whoever runs the tests.
const EMPTY_CONFIG_DIR = join(mkdtempSync(join(tmpdir(), "br-cli-config-")), "none");

/**
 * The CLI in this process: the same argv parsing, commands and error reporting the bin runs,
 * with `env` as the whole environment (nothing from the test's own). Spawning costs a Node and
 * tsx start-up per call; this costs a function call.
 */
export async function cli(args: string[], env: Env): Promise<Finished> {
  const out = { stdout: "", stderr: "" };
  const code = await runCli(args, {
    env: { BRAINSTORMROUTER_CONFIG_DIR: EMPTY_CONFIG_DIR, ...env },
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
  });
  return { code: code ?? null, ...out };
}

/** The CLI in this process, still running: `output` fills as it writes, `done` resolves with the exit. */
export function startCli(args: string[], env: Env) {
  const output = { stdout: "", stderr: "" };
  const done = runCli(args, {
    env: { BRAINSTORMROUTER_CONFIG_DIR: EMPTY_CONFIG_DIR, ...env },
    stdout: { write: (t: string) => (output.stdout += t) },
    stderr: { write: (t: string) => (output.stderr += t) },
  }).then((code): Finished => ({ code: code ?? null, ...output }));
  return { output, done };
}

/** Resolves once `predicate` holds for the output so far, or fails if the run ended first. */
export async function waitForOutput(started: ReturnType<typeof startCli>, predicate: (o: { stdout: string; stderr: string }) => boolean) {
  let ended = false;
  void started.done.then(() => (ended = true));
  while (!predicate(started.output)) {
    if (ended) throw new Error(`ended before the expected output:\n${started.output.stdout}\n${started.output.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
