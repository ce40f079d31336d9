import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, devSignIn, launchBrowser, local, openTab, snapshot, type Tab } from "./browser.js";

const OWNER = "alice@lab.ai";

describe("dashboard: the Activity page tells who changed what", BROWSER_STORY, () => {
  let server: TestServer;
  let browser: Browser;
  let reg: Registered;
  let owner: Tab;
  const ownerToken = async () => (await server.request("/auth/dev/sign-in", { body: { email: OWNER } })).body.access_token as string;

  beforeAll(async () => {
    // The owner is also a platform admin (by the dev sign-in's subject), so it can mint a platform key.
    [server, browser] = await Promise.all([
      startTestServer({ devSignIn: true, env: { BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: `dev:${OWNER}` } }),
      launchBrowser(),
    ]);
    reg = await registerTenant(server, { active: true, name: "Audit Lab" });
    owner = await openTab(browser, server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("after creating and revoking a key, Activity reads as sentences, newest first", async () => {
    const { page } = owner;
    await page.goto(local(reg.claimUrl));
    await devSignIn(page, OWNER);
    await page.getByRole("button", { name: "Accept and join" }).click();
    await page.getByTestId("claim-success").waitFor();

    await page.getByRole("link", { name: "API keys", exact: true }).click();
    await page.getByLabel("Key name").fill("ci-agent");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByLabel("New API key").waitFor();
    await page.getByRole("button", { name: "I've saved it" }).click();
    await page.getByRole("button", { name: "Revoke ci-agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this key?" });
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("link", { name: "Activity", exact: true }).click();
    await page.getByRole("heading", { name: "Activity" }).waitFor();
    const events = page.getByTestId("activity-event");
    await events.first().waitFor();
    const sentences = await page.locator(".activity-sentence").allTextContents();
    expect(sentences.slice(0, 3)).toEqual([
      `${OWNER} revoked key ci-agent`,
      `${OWNER} created API key ci-agent`,
      `${OWNER} joined with a claim link as owner`,
    ]);
    expect(await events.first().textContent()).toMatch(/just now|seconds? ago/);
    await snapshot(page, "22-activity");
    expect(owner.errors).toEqual([]);
  });

  it("filters by action and by person", async () => {
    const { page } = owner;
    // Each filter is a new query: its rows replace the list once they arrive.
    await page.getByLabel("Action").selectOption("api_key.revoked");
    await page.getByText(`${OWNER} created API key ci-agent`).waitFor({ state: "detached" });
    await page.getByText(`${OWNER} revoked key ci-agent`).waitFor();
    expect(await page.locator(".activity-sentence").allTextContents()).toEqual([`${OWNER} revoked key ci-agent`]);

    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByText(`${OWNER} created API key ci-agent`).waitFor();
    // The registration was the agent's doing, not the owner's: filtering by the owner hides it.
    await page.getByLabel("Person or key").fill(OWNER);
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.getByText(/created the tenant/).waitFor({ state: "detached" });
    await page.getByText(`${OWNER} joined with a claim link as owner`).waitFor();
    const mine = await page.locator(".activity-sentence").allTextContents();
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((s) => s.startsWith(`${OWNER} `))).toBe(true);

    await page.getByLabel("Person or key").fill("nobody@lab.ai");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.getByText("Nothing matches these filters").waitFor();
    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByText(`${OWNER} revoked key ci-agent`).waitFor();
    expect(owner.errors).toEqual([]);
  });

  it("follows the cursor to older events on request", async () => {
    const { page } = owner;
    const token = await ownerToken();
    // One page is 50 rows: 50 more keys push the first events onto the second page.
    for (let i = 0; i < 50; i++) {
      const res = await server.request("/auth/api-keys", {
        token,
        headers: { "x-br-tenant-id": reg.tenantId },
        body: { name: `bulk-${i}` },
      });
      expect(res.status).toBe(201);
    }
    await page.reload();
    await page.getByText(`${OWNER} created API key bulk-49`).waitFor();
    expect(await page.getByTestId("activity-event").count()).toBe(50);
    expect(await page.getByText(`${OWNER} revoked key ci-agent`).count()).toBe(0);
    await page.getByRole("button", { name: "Show older" }).click();
    await page.getByText(`${OWNER} revoked key ci-agent`).waitFor();
    expect(await page.getByTestId("activity-event").count()).toBeGreaterThan(50);
    expect(owner.errors).toEqual([]);
  });

  it("marks keys minted with platform power on the API keys page", async () => {
    const { page } = owner;
    const token = await ownerToken();
    for (const [name, flag] of [
      ["ops-mcp", "platform_admin"],
      ["triage-agent", "platform_proposer"],
    ] as const) {
      const res = await server.request("/auth/api-keys", {
        token,
        headers: { "x-br-tenant-id": reg.tenantId },
        body: { name, role: "admin", [flag]: true },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    // Made behind the page's back: a reload shows them instead of the cached list.
    await page.goto("/dashboard/keys");
    const row = (name: string) => page.getByRole("row").filter({ has: page.getByRole("cell", { name: new RegExp(`^${name}`) }) });
    await row("ops-mcp").getByText("platform admin", { exact: true }).waitFor();
    await row("triage-agent").getByText("proposer", { exact: true }).waitFor();
    expect(await row("bulk-1").locator(".badge-warn").count()).toBe(0);
    await snapshot(page, "23-platform-keys");

    await page.getByRole("link", { name: "Activity", exact: true }).click();
    await page.getByText(`${OWNER} created API key triage-agent with platform role proposer`).waitFor();
    expect(owner.errors).toEqual([]);
  });

  it("is for owners and admins: a member has no Activity tab, and the page says why", async () => {
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member" } });
    expect(link.status).toBe(201);
    const member = await openTab(browser, server);
    await member.page.goto(local(link.body.url));
    await devSignIn(member.page, "lin@lab.ai");
    await member.page.getByRole("button", { name: "Accept and join" }).click();
    await member.page.getByTestId("claim-success").waitFor();
    await member.page.getByRole("link", { name: "Usage", exact: true }).waitFor();
    expect(await member.page.getByRole("link", { name: "Activity", exact: true }).count()).toBe(0);
    await member.page.goto("/dashboard/activity");
    await member.page.getByText("Only owners and admins see the activity").waitFor();
    expect(member.errors).toEqual([]);
    await member.context.close();

    // The owner sees the member join.
    await owner.page.goto("/dashboard/activity");
    await owner.page.getByText("lin@lab.ai joined with a claim link as member").waitFor();
  });
});
