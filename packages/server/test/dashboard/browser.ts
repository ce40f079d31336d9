import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { TestServer } from "../support/harness.js";

const SCREENSHOTS = fileURLToPath(new URL("../../.screenshots/", import.meta.url));
export const MOBILE = { width: 375, height: 812 };
/** Browser steps share two cores with the other suites in CI: room for a slow machine, no timing asserts. */
export const BROWSER_STORY = { timeout: 60_000 };
export const DESKTOP = { width: 1280, height: 860 };

/** Debian's chromium (installed by .ci/run), headless, with nothing phoning home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.BR_CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/** A fresh browser profile (own sessionStorage and localStorage) pointed at the server. */
export async function openTab(browser: Browser, server: TestServer, viewport = DESKTOP): Promise<Tab> {
  const context = await browser.newContext({ baseURL: server.url, viewport });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  // Fail a step well before the test's own timeout, so the report names the step.
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return { page, context, errors };
}

/** Chrome reports every 4xx a page fetches on the console; a story allows only those it expects. */
export function expectedFailures(errors: string[], ...statuses: number[]): string[] {
  return errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));
}

/** Links the server builds point at BR_PUBLIC_URL (http://br.test in tests): send them here. */
export function local(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export async function devSignIn(page: Page, email: string) {
  await page.getByText("Development sign-in").waitFor();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Sign in (development)" }).click();
}

/** Full-page screenshot at phone and desktop widths, for a human to look at. */
export async function snapshot(page: Page, name: string) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ["375", MOBILE],
    ["desktop", DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(original);
}
