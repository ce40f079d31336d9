import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, DESKTOP, devSignIn, launchBrowser, openTab, snapshot, type Tab } from "./browser.js";

type Rgb = [number, number, number];

function rgb(css: string): Rgb {
  const [r = 0, g = 0, b = 0] = (css.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b];
}

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance([r, g, b]: Rgb): number {
  const [lr, lg, lb] = [r, g, b].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The colours the sign-in page paints: page, card, body text, and the primary button's pair. */
async function signInColours(page: Page) {
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  // A scheme change animates a button's fill (`.btn` transitions its background) while its text
  // colour switches at once: read the pair once it has settled, as it stays on screen.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)).then(() => undefined));
  const css = await page.evaluate(() => {
    const style = (el: Element | null) => getComputedStyle(el!);
    const button = document.querySelector(".btn-primary");
    return {
      page: style(document.documentElement).backgroundColor,
      card: style(document.querySelector(".auth-card")).backgroundColor,
      text: style(document.querySelector(".auth-card h1")).color,
      buttonText: style(button).color,
      buttonFill: style(button).backgroundColor,
    };
  });
  return {
    page: rgb(css.page),
    card: rgb(css.card),
    text: rgb(css.text),
    buttonText: rgb(css.buttonText),
    buttonFill: rgb(css.buttonFill),
  };
}

const UNAMBIGUOUS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/;
/** Records whether `text` shows on the page at any moment from now on, however briefly. */
async function watchFor(page: Page, text: string): Promise<() => Promise<boolean>> {
  await page.evaluate((needle) => {
    const w = window as unknown as { seen: boolean };
    w.seen = document.body.textContent?.includes(needle) ?? false;
    new MutationObserver(() => {
      if (document.body.textContent?.includes(needle)) w.seen = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, text);
  return () => page.evaluate(() => (window as unknown as { seen: boolean }).seen);
}

/** The session a sign-in leaves in localStorage (what `signIn` in auth/session.ts writes). */
function storedSession(token: string, email: string) {
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sub: string; exp: number };
  return JSON.stringify({ token, email, subject: claims.sub, expiresAt: claims.exp * 1000 });
}

const utcMinute = (iso: string) => {
  const utc = new Date(iso).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
};

describe("dashboard: dark mode, one session across tabs, unambiguous dates", BROWSER_STORY, () => {
  const email = "comfort@lab.test";
  const otherEmail = "other@lab.test";
  let server: TestServer;
  let browser: Browser;
  let tab: Tab;
  let reg: Registered;
  let other: Registered;
  let token: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ devSignIn: true }), launchBrowser()]);
    tab = await openTab(browser, server);
    reg = await registerTenant(server, { active: true, name: "Comfort Lab" });
    token = (await server.request("/auth/dev/sign-in", { body: { email } })).body.access_token;
    expect((await server.request("/auth/claim", { token, body: { token: reg.claimToken } })).status).toBe(201);
    other = await registerTenant(server, { active: true, name: "Other Lab" });
    const otherToken = (await server.request("/auth/dev/sign-in", { body: { email: otherEmail } })).body.access_token;
    expect((await server.request("/auth/claim", { token: otherToken, body: { token: other.claimToken } })).status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("follows the system's dark preference with a dark page and readable text, and the light one with a light page", async () => {
    const { page } = tab;
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/dashboard/");
    const dark = await signInColours(page);
    await snapshot(page, "40-sign-in-dark");
    expect(luminance(dark.page)).toBeLessThan(0.05);
    expect(luminance(dark.card)).toBeLessThan(0.05);
    expect(contrast(dark.text, dark.card)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(dark.buttonText, dark.buttonFill)).toBeGreaterThanOrEqual(4.5);

    // The media query answers live: no reload between the two.
    await page.emulateMedia({ colorScheme: "light" });
    const light = await signInColours(page);
    expect(luminance(light.page)).toBeGreaterThan(0.8);
    expect(luminance(light.card)).toBeGreaterThan(0.8);
    expect(contrast(light.text, light.card)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(light.buttonText, light.buttonFill)).toBeGreaterThanOrEqual(4.5);
    expect(tab.errors).toEqual([]);
  });

  it("signs in every tab of the browser at once, and signing out in one signs out the others", async () => {
    const first = tab.page;
    const second = await tab.context.newPage();
    await second.goto("/dashboard/");
    await second.getByRole("heading", { name: "Sign in" }).waitFor();

    await devSignIn(first, email);
    await first.getByTestId("tenant-switcher").waitFor();
    // The already open tab follows without a reload; a tab opened now starts signed in.
    await second.getByTestId("tenant-switcher").waitFor();
    const third = await tab.context.newPage();
    await third.goto("/dashboard/keys");
    await third.getByRole("cell", { name: `${reg.key.slice(0, 12)}…` }).waitFor();

    await second.getByRole("button", { name: "Sign out" }).click();
    await second.getByRole("heading", { name: "Sign in" }).waitFor();
    await first.getByRole("heading", { name: "Sign in" }).waitFor();
    await third.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await first.evaluate(() => localStorage.getItem("br.session"))).toBeNull();
    await first.reload();
    await first.getByRole("heading", { name: "Sign in" }).waitFor();
    await Promise.all([second.close(), third.close()]);
    expect(tab.errors).toEqual([]);
  });

  it("shows a tab none of the previous identity's data when another tab signs in as someone else", async () => {
    const first = tab.page;
    const comfortKey = `${reg.key.slice(0, 12)}…`;
    const otherKey = `${other.key.slice(0, 12)}…`;
    await first.goto("/dashboard/keys");
    await devSignIn(first, email);
    await first.getByRole("cell", { name: comfortKey }).waitFor();
    const second = await tab.context.newPage();
    await second.goto("/dashboard/");
    await second.getByTestId("tenant-switcher").waitFor();

    // Sign out and in as someone else in the second tab: the first follows, and its cache of
    // Comfort Lab's keys must not show, not even for a frame before the refetch.
    await second.getByRole("button", { name: "Sign out" }).click();
    await first.getByRole("heading", { name: "Sign in" }).waitFor();
    const comfortShown = await watchFor(first, comfortKey);
    await devSignIn(second, otherEmail);
    await first.getByRole("cell", { name: otherKey }).waitFor();
    expect(await comfortShown()).toBe(false);
    expect(await first.getByTestId("tenant-switcher").locator("option").allTextContents()).toEqual(["Other Lab · owner · active"]);

    // Identity swapped with no sign-out in between, as an OIDC callback finishing in the second
    // tab does: nothing else would make the first tab refetch, so a kept cache would go on
    // showing Other Lab's keys.
    await second.evaluate((session) => localStorage.setItem("br.session", session), storedSession(token, email));
    await first.getByRole("cell", { name: comfortKey }).waitFor();
    expect(await first.getByRole("cell", { name: otherKey }).count()).toBe(0);
    expect(await first.getByTestId("tenant-switcher").locator("option").allTextContents()).toEqual(["Comfort Lab · owner · active"]);
    await second.close();
    expect(tab.errors).toEqual([]);
  });

  it("shows dates as YYYY-MM-DD HH:MM UTC whatever the browser's locale and time zone", async () => {
    // A locale that writes 2.12.2026 and a zone five hours off UTC: neither may show through.
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: DESKTOP,
      locale: "de-DE",
      timezoneId: "America/New_York",
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto("/dashboard/keys");
      await devSignIn(page, email);
      const keys = await server.request("/auth/api-keys", { token, headers: { "x-br-tenant-id": reg.tenantId } });
      expect(keys.status).toBe(200);
      const key = (keys.body.data as { id: string; created_at: string }[]).find((k) => k.id === reg.keyId)!;
      const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: `${reg.key.slice(0, 12)}…` }) });
      const created = await row.locator('td[data-label="Created"]').getAttribute("title");
      expect(created).toMatch(UNAMBIGUOUS);
      expect(created).toBe(utcMinute(key.created_at));

      await page.getByRole("link", { name: "Claim links", exact: true }).click();
      await page.getByRole("heading", { name: "Claim links" }).waitFor();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/auth/claim-links") && r.request().method() === "POST"),
        page.getByRole("button", { name: "Create link" }).click(),
      ]);
      const link = (await response.json()) as { expires_at: string };
      await page.getByText(`until ${utcMinute(link.expires_at)}). It is shown only once.`).waitFor();
    } finally {
      await context.close();
    }
  });
});
