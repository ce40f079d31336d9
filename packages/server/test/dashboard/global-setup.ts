import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

/** The browser tests need the built SPA; `npm install` builds it, a fresh checkout may not have. */
export default function buildDashboardIfMissing() {
  if (existsSync(`${root}packages/dashboard/dist/index.html`)) return;
  execFileSync("npm", ["run", "build", "-w", "packages/dashboard"], { cwd: root, stdio: "inherit" });
}
