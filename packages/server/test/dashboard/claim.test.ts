import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, devSignIn, launchBrowser, local, openTab, snapshot, type Tab } from "./browser.js";

describe("dashboard: claiming a tenant an agent registered", BROWSER_STORY, () => {
  let server: TestServer;
  let browser: Browser;
  let reg: Registered;
  let owner: Tab;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ devSignIn: true, env: { BR_USAGE_FLUSH_MS: "50" } }), launchBrowser()]);
    reg = await registerTenant(server, { active: true, name: "Ada Lab", email: "agent-admin@lab.test" });
    owner = await openTab(browser, server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("takes the claim token out of the address bar, keeps it through sign-in, and joins on one click", async () => {
    const { page } = owner;
    await page.goto(local(reg.claimUrl));
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(page.url()).toBe(`${server.url}/dashboard/claim`);
    expect(await page.evaluate(() => window.location.href + document.referrer)).not.toContain("brct_");
    await page.getByText("Sign in to accept your invitation").waitFor();
    await snapshot(page, "01-sign-in-for-claim");

    await devSignIn(page, "grace@lab.test");
    await page.getByRole("button", { name: "Accept and join" }).waitFor();
    expect(page.url()).not.toContain("brct_");
    // Before the click: which tenant, its status, and the role the link grants.
    const offer = page.getByTestId("claim-preview");
    expect(await offer.textContent()).toMatch(new RegExp(`Ada Lab\\s*${reg.slug}\\s*active.*owner`));
    await snapshot(page, "02-claim-ready");

    await page.getByRole("button", { name: "Accept and join" }).click();
    const success = page.getByTestId("claim-success");
    await success.waitFor();
    expect(await success.textContent()).toBe("You joined Ada Lab as owner.");
    expect(await page.getByTestId("tenant-switcher").inputValue()).toBe(reg.tenantId);
    await snapshot(page, "03-claim-success");
    expect(owner.errors).toEqual([]);
  });

  it("creates an API key that is shown once, copies it, and the key works against the API", async () => {
    const { page } = owner;
    await page.getByRole("button", { name: "Manage API keys" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await page.getByLabel("Key name").fill("ci-agent");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByLabel("New API key");
    await secret.waitFor();
    const key = await secret.inputValue();
    expect(key).toMatch(/^br_live_/);
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByRole("button", { name: "Copied ✓" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.getByRole("cell", { name: "ci-agent", exact: true }).waitFor();
    await snapshot(page, "04-api-key-created");

    const tenant = await server.request("/v1/tenant", { token: key });
    expect(tenant.status).toBe(200);
    expect(tenant.body.tenant.id).toBe(reg.tenantId);
    const chat = await server.request("/v1/chat/completions", {
      token: key,
      body: { model: "echo", messages: [{ role: "user", content: "hello from the dashboard test" }] },
    });
    expect(chat.status).toBe(200);

    // Once the key leaves the page, only its prefix is ever shown again.
    await page.getByRole("button", { name: "I've saved it" }).click();
    await page.reload();
    await page.getByRole("cell", { name: "ci-agent", exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);
    expect(owner.errors).toEqual([]);
  });

  it("revokes a key only after confirmation, and the key stops working at once", async () => {
    const { page } = owner;
    await page.getByLabel("Key name").fill("short-lived");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.getByLabel("New API key").inputValue();
    await page.getByRole("button", { name: "I've saved it" }).click();
    expect((await server.request("/v1/tenant", { token: key })).status).toBe(200);

    await page.getByRole("button", { name: "Revoke short-lived" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this key?" });
    await dialog.waitFor();
    await snapshot(page, "05-revoke-confirmation");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await server.request("/v1/tenant", { token: key })).status).toBe(200);

    await page.getByRole("button", { name: "Revoke short-lived" }).click();
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await server.request("/v1/tenant", { token: key })).status).toBe(401);
    expect(owner.errors).toEqual([]);
  });

  it("lets a second identity join by a member link the owner made in the dashboard", async () => {
    const { page } = owner;
    await page.getByRole("link", { name: "Claim links", exact: true }).click();
    await page.getByRole("heading", { name: "Claim links" }).waitFor();
    await page.getByLabel("Role", { exact: true }).selectOption("member");
    await page.getByLabel("Max uses").fill("2");
    await page.getByLabel("Expires in (days)").fill("3");
    await page.getByRole("button", { name: "Create link" }).click();
    const url = await page.getByLabel("New claim link").inputValue();
    expect(url).toMatch(/\/dashboard\/\?claim=brct_/);
    await page.getByRole("cell", { name: "2 of 2" }).waitFor();
    await snapshot(page, "06-claim-link-created");

    const teammate = await openTab(browser, server);
    await teammate.page.goto(local(url));
    await devSignIn(teammate.page, "lin@lab.test");
    await teammate.page.getByRole("button", { name: "Accept and join" }).waitFor();
    expect(await teammate.page.getByTestId("claim-preview").textContent()).toMatch(/Ada Lab.*Your role\s*member.*2 uses left/);
    await teammate.page.getByRole("button", { name: "Accept and join" }).click();
    expect(await teammate.page.getByTestId("claim-success").textContent()).toBe("You joined Ada Lab as member.");

    // A member sees the team but cannot change it, nor manage keys or links.
    await teammate.page.getByRole("link", { name: "Members", exact: true }).click();
    await teammate.page.getByText("Only owners can change roles or remove members").waitFor();
    await teammate.page.getByRole("link", { name: "Claim links", exact: true }).click();
    await teammate.page.getByText("Only owners manage claim links").waitFor();
    await snapshot(teammate.page, "07-member-view");
    expect(teammate.errors).toEqual([]);
    await teammate.context.close();

    await page.reload();
    await page.getByRole("cell", { name: "1 of 2" }).waitFor();
    await page.getByRole("link", { name: "Members", exact: true }).click();
    const role = page.getByLabel("Role of lin@lab.test");
    await role.waitFor();
    expect(await role.inputValue()).toBe("member");
    await role.selectOption("admin");
    await snapshot(page, "08-members");
    const members = await membersOf(server, "grace@lab.test");
    expect(members.find((m: { email: string }) => m.email === "lin@lab.test")?.role).toBe("admin");

    await page.getByRole("button", { name: "Remove lin@lab.test" }).click();
    await page.getByRole("dialog", { name: "Remove this member?" }).getByRole("button", { name: "Remove member" }).click();
    await page.getByRole("cell", { name: "lin@lab.test", exact: true }).waitFor({ state: "detached" });
    expect((await membersOf(server, "grace@lab.test")).map((m: { email: string }) => m.email)).toEqual(["grace@lab.test"]);
    expect(owner.errors).toEqual([]);
  });

  it("charts the tenant's requests and tokens once the key has been used", async () => {
    const { page } = owner;
    await page.getByRole("link", { name: "Usage", exact: true }).click();
    await page.getByRole("heading", { name: "Usage" }).waitFor();
    const requests = page.getByTestId("usage-requests");
    await requests.waitFor();
    expect(Number(await requests.textContent())).toBeGreaterThanOrEqual(1);
    await page.getByRole("img", { name: "Requests per day" }).waitFor();
    await snapshot(page, "09-usage");
    await page.getByRole("link", { name: "Overview", exact: true }).click();
    await page.getByRole("heading", { name: "Ada Lab" }).waitFor();
    await snapshot(page, "10-overview");
    expect(owner.errors).toEqual([]);
  });
});

async function membersOf(server: TestServer, email: string) {
  const signIn = await server.request("/auth/dev/sign-in", { body: { email } });
  const res = await server.request("/auth/members", { token: signIn.body.access_token });
  expect(res.status).toBe(200);
  return res.body.data;
}
