#!/usr/bin/env node
// The compiled CLI (`npm install` builds it; `npm run build` after changing the source).
// Run with `node --conditions=brainstormrouter-source --import tsx` (the tests, development), it runs the
// TypeScript source instead, so a stale build is never what gets tested.
import { existsSync } from "node:fs";

const fromSource = process.execArgv.some(
  (a, i, all) => a === "--conditions=brainstormrouter-source" || (a === "--conditions" && all[i + 1] === "brainstormrouter-source"),
);
const entry = new URL(fromSource ? "../src/cli/main.ts" : "../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("brainstormrouter: the CLI is not built yet; run `npm run build` in the repository");
  process.exit(1);
}
const { runCli } = await import(entry.href);
const code = await runCli(process.argv.slice(2));
// Long-running commands (serve, mcp) return undefined and keep the process alive.
if (code !== undefined) process.exitCode = code;
