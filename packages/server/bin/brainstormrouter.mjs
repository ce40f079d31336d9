#!/usr/bin/env node
// The CLI is TypeScript run by tsx, like the server: no build step between `npm install` and use.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
