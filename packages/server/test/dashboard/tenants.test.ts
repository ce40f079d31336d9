import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, setTenantStatus, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, devSignIn, expectedFailures, launchBrowser, openTab, snapshot, type Tab } from "./browser.js";

describe("dashboard: one identity, many tenants", BROWSER_STORY, () => {
  const email = "multi@lab.test";
  let server: TestServer;
  let browser: Browser;
  let tab: Tab;
  let pending: Registered;
  let alpha: Registered;
  let beta: Registered;
  let gamma: Registered;
  const tenantHeaders: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ devSignIn: true }), launchBrowser()]);
    tab = await openTab(browser, server);
    tab.page.on("request", (req) => {
      const header = req.headers()["x-br-tenant-id"];
      if (header && req.url().includes("/auth/api-keys")) tenantHeaders.push(header);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("offers a tenant registered with the identity's verified email, and claims it on one click", async () => {
    // An agent registered it for this person: no invite, so it waits for approval.
    pending = await registerTenant(server, { name: "Pending Lab", email });
    expect(pending.status).toBe("pending");
    const { page } = tab;
    await page.goto("/dashboard/");
    await devSignIn(page, email);
    await page.getByText("Tenants waiting for you").waitFor();
    await snapshot(page, "18-claimable-by-email");
    await page.getByRole("button", { name: "Claim Pending Lab" }).click();
    await page.getByRole("heading", { name: "Pending Lab" }).waitFor();
    await page.getByText("Pending Lab is waiting for approval").waitFor();
    await snapshot(page, "19-pending-banner");
    await page.getByRole("link", { name: "API keys", exact: true }).click();
    await page.getByText("This page opens once Pending Lab is active.").waitFor();
    expect(tab.errors).toEqual([]);
  });

  it("lists every membership with role and status, and the choice drives X-BR-Tenant-Id across reloads", async () => {
    const token = (await server.request("/auth/dev/sign-in", { body: { email } })).body.access_token;
    const regs = await Promise.all(["Alpha Lab", "Beta Lab", "Gamma Lab"].map((name) => registerTenant(server, { active: true, name })));
    [alpha, beta, gamma] = regs as [Registered, Registered, Registered];
    for (const reg of [alpha, beta, gamma]) {
      expect((await server.request("/auth/claim", { token, body: { token: reg.claimToken } })).status).toBe(201);
    }
    await setTenantStatus(server, gamma.tenantId, "suspended");

    const { page } = tab;
    await page.goto("/dashboard/");
    const switcher = page.getByTestId("tenant-switcher");
    await switcher.waitFor();
    const options = await switcher.locator("option").allTextContents();
    expect(options.sort()).toEqual([
      "Alpha Lab · owner · active",
      "Beta Lab · owner · active",
      "Gamma Lab · owner · suspended",
      "Pending Lab · owner · pending approval",
    ]);

    await page.getByRole("combobox", { name: "Tenant" }).selectOption(beta.tenantId);
    await page.getByRole("heading", { name: "Beta Lab" }).waitFor();
    await page.getByRole("link", { name: "API keys", exact: true }).click();
    await page.getByRole("cell", { name: `${beta.key.slice(0, 12)}…` }).waitFor();
    expect(tenantHeaders.at(-1)).toBe(beta.tenantId);

    await page.reload();
    await page.getByRole("cell", { name: `${beta.key.slice(0, 12)}…` }).waitFor();
    expect(await switcher.inputValue()).toBe(beta.tenantId);
    expect(tenantHeaders.at(-1)).toBe(beta.tenantId);
    await snapshot(page, "20-tenant-switched");

    await page.getByRole("combobox", { name: "Tenant" }).selectOption(alpha.tenantId);
    await page.getByRole("cell", { name: `${alpha.key.slice(0, 12)}…` }).waitFor();
    expect(tenantHeaders.at(-1)).toBe(alpha.tenantId);
    expect(await page.getByRole("cell", { name: `${beta.key.slice(0, 12)}…` }).count()).toBe(0);
    expect(tab.errors).toEqual([]);
  });

  it("explains a suspended tenant and locks its pages", async () => {
    const { page } = tab;
    await page.getByRole("combobox", { name: "Tenant" }).selectOption(gamma.tenantId);
    await page.getByText("Gamma Lab is suspended", { exact: true }).waitFor();
    await page.getByText("This page opens once Gamma Lab is active.").waitFor();
    await snapshot(page, "21-suspended-banner");
    expect(tab.errors).toEqual([]);
  });

  it("signs out: the session is gone, the page asks to sign in again", async () => {
    const { page } = tab;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("br.session"))).toBeNull();
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(tab.errors).toEqual([]);
  });

  it("works from the keyboard alone: sign-in, skip link, tabs with a visible focus ring", async () => {
    const { page } = tab;
    // The email field has focus on arrival; Enter submits.
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");
    await page.getByTestId("tenant-switcher").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    let focused = "";
    for (let i = 0; i < 12 && focused !== "API keys"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    }
    expect(focused).toBe("API keys");
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow)).not.toBe("none");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    expect(tab.errors).toEqual([]);
  });

  it("sends a rejected or expired session back to sign-in with a notice", async () => {
    const { page } = tab;
    tab.errors.length = 0;
    // An unexpired session whose token the server rejects, where sign-in leaves it (localStorage).
    await page.evaluate(() =>
      localStorage.setItem(
        "br.session",
        JSON.stringify({ token: "e30.e30.forged", email: null, subject: null, expiresAt: Date.now() + 3_600_000 }),
      ),
    );
    await page.reload();
    await page.getByText("Your session has ended. Please sign in again.").waitFor();
    expect(await page.evaluate(() => localStorage.getItem("br.session"))).toBeNull();
    // Said once: a reload shows the plain sign-in page.
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.getByText("Your session has ended. Please sign in again.").count()).toBe(0);
    expect(expectedFailures(tab.errors, 401)).toEqual([]);
  });
});
