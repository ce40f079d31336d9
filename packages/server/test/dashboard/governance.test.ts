import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, devSignIn, expectedFailures, launchBrowser, local, openTab, snapshot, type Tab } from "./browser.js";

const OWNER = "ines@lab.ai";
// Echo priced (it is free by default), so budgets and cost have something to count: at 1,000 and
// 2,000 USD per million tokens a short request costs about a cent, well inside every budget here.
const PROVIDERS = JSON.stringify([
  {
    type: "echo",
    name: "echo",
    models: ["echo", "echo-mini"],
    prices: { echo: { input_per_mtok: 1000, output_per_mtok: 2000 }, "echo-mini": { input_per_mtok: 500, output_per_mtok: 500 } },
  },
]);

/** As the dashboard writes USD in an en-US browser (four decimals below a cent). */
const usd = (n: number) =>
  n.toLocaleString("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: n > 0 && n < 0.01 ? 4 : 2,
  });

/** The table row whose Name cell starts with `name`. */
const keyRow = (page: Page, name: string) =>
  page.getByRole("row").filter({ has: page.getByRole("cell", { name: new RegExp(`^${name}`) }) });

describe("dashboard: key policy, tenant settings and usage by model (DESIGN.md §10)", BROWSER_STORY, () => {
  let server: TestServer;
  let browser: Browser;
  let reg: Registered;
  let owner: Tab;
  let ownerToken: string;
  /** The budgeted key's secret, as created on the page. */
  let budgetedKey: string;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    server.request(path, { token: ownerToken, headers: { "x-br-tenant-id": reg.tenantId }, ...init });
  const keyNamed = async (name: string) => {
    const res = await api("/auth/api-keys");
    expect(res.status).toBe(200);
    return (res.body.data as { name: string; [k: string]: unknown }[]).find((k) => k.name === name)!;
  };
  const chat = (key: string, model: string) =>
    server.request("/v1/chat/completions", { token: key, body: { model, messages: [{ role: "user", content: "hello budget" }] } });

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ devSignIn: true, env: { BR_PROVIDERS: PROVIDERS, BR_USAGE_FLUSH_MS: "50" } }),
      launchBrowser(),
    ]);
    reg = await registerTenant(server, { active: true, name: "Budget Lab" });
    owner = await openTab(browser, server);
    const { page } = owner;
    await page.goto(local(reg.claimUrl));
    await devSignIn(page, OWNER);
    await page.getByRole("button", { name: "Accept and join" }).click();
    await page.getByTestId("claim-success").waitFor();
    ownerToken = (await server.request("/auth/dev/sign-in", { body: { email: OWNER } })).body.access_token;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("creates a key with a budget and allowed models, refusing bad values next to their fields, and lists its policy", async () => {
    const { page } = owner;
    await page.getByRole("link", { name: "API keys", exact: true }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await page.getByLabel("Key name").fill("budgeted-agent");

    // Checked before asking: an rpm of 0 and a pattern with a space are named at their fields.
    await page.getByLabel("Requests per minute").fill("0");
    await page.getByLabel("Allowed models").fill("gpt 4");
    await page.getByRole("button", { name: "Add pattern" }).click();
    await page.getByText("A pattern has no spaces.").waitFor();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("Requests per minute must be a whole number from 1 to 100,000.").waitFor();
    expect(await page.getByLabel("Requests per minute").getAttribute("aria-invalid")).toBe("true");
    expect(await keyNamed("budgeted-agent")).toBeUndefined();

    await page.getByLabel("Requests per minute").fill("60");
    await page.getByLabel("Budget (USD)").fill("5");
    await page.getByLabel("Budget period").selectOption("monthly");
    await page.getByLabel("Allowed models").fill("echo*");
    await page.getByRole("button", { name: "Add pattern" }).click();
    // Enter adds a pattern (it does not submit the form half-filled).
    await page.getByLabel("Allowed models").fill("gpt-4o");
    await page.getByLabel("Allowed models").press("Enter");
    await page.getByRole("button", { name: "Remove gpt-4o" }).waitFor();
    expect(await keyNamed("budgeted-agent")).toBeUndefined();
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByLabel("New API key");
    await secret.waitFor();
    budgetedKey = await secret.inputValue();
    expect(budgetedKey).toMatch(/^br_live_/);

    const row = keyRow(page, "budgeted-agent");
    await row.getByText("$0.00 of $5.00 this month").waitFor();
    await row.getByText("echo*, gpt-4o").waitFor();
    await row.getByText("60 rpm").waitFor();
    expect(await row.getByTestId("key-creator").textContent()).toBe(`by ${OWNER}`);
    await row.getByRole("meter", { name: "Spend: $0.00 of $5.00 this month" }).waitFor();
    expect(await keyNamed("budgeted-agent")).toMatchObject({
      budget_usd: 5,
      budget_period: "monthly",
      allowed_models: ["echo*", "gpt-4o"],
      rate_limit_rpm: 60,
    });
    // The registration key has no budget.
    const registration = page.getByRole("row").filter({ has: page.getByRole("cell", { name: `${reg.key.slice(0, 12)}…` }) });
    expect(await registration.getByText("No budget").count()).toBe(1);

    // A key made by a key (headless management) names its creator key.
    const headless = await server.request("/v1/tenant/api-keys", { token: reg.key, body: { name: "minted-by-agent" } });
    expect(headless.status, JSON.stringify(headless.body)).toBe(201);
    await page.reload();
    expect(await keyRow(page, "minted-by-agent").getByTestId("key-creator").textContent()).toBe("by key default");

    // Spend follows the key's requests; the page shows it against the budget.
    expect((await chat(budgetedKey, "echo")).status).toBe(200);
    await expect.poll(async () => (await keyNamed("budgeted-agent")).spend_usd as number, { timeout: 10_000 }).toBeGreaterThan(0);
    const spent = (await keyNamed("budgeted-agent")).spend_usd as number;
    await page.reload();
    await keyRow(page, "budgeted-agent")
      .getByText(`${usd(spent)} of $5.00 this month`)
      .waitFor();
    await snapshot(page, "30-key-policy");
    expect(owner.errors).toEqual([]);
  });

  it("shows the server's refusal next to the field it names (a ceiling set behind the page's back)", async () => {
    const { page } = owner;
    // The page read the tenant's settings (no ceiling) when it loaded; the tenant now caps keys at 100 rpm.
    expect((await api("/auth/tenant/settings", { method: "PATCH", body: { rate_limit_rpm: 100 } })).status).toBe(200);
    try {
      await page.getByLabel("Key name").fill("greedy");
      await page.getByLabel("Requests per minute").fill("500");
      await page.getByRole("button", { name: "Create key" }).click();
      const field = page.locator(".field").filter({ has: page.getByLabel("Requests per minute") });
      await field.locator(".field-error").waitFor();
      expect(await field.locator(".field-error").textContent()).toMatch(/tenant/i);
      expect(await page.getByLabel("Requests per minute").getAttribute("aria-invalid")).toBe("true");
      expect(await keyNamed("greedy")).toBeUndefined();
    } finally {
      // The later stories start from a tenant without a ceiling and a fresh form.
      expect((await api("/auth/tenant/settings", { method: "PATCH", body: { rate_limit_rpm: null } })).status).toBe(200);
      await page.reload();
    }
    expect(expectedFailures(owner.errors, 400)).toEqual([]);
    owner.errors.length = 0;
  });

  it("edits a key's budget, period, models, rate and expiry in a dialog", async () => {
    const { page } = owner;
    await page.getByRole("button", { name: "Edit budgeted-agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit key “budgeted-agent”" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("Budget (USD)").inputValue()).toBe("5");
    expect(await dialog.getByLabel("Requests per minute").inputValue()).toBe("60");

    await dialog.getByLabel("Budget (USD)").fill("-1");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.getByText("The budget must be more than $0 and at most $1,000,000.").waitFor();
    expect((await keyNamed("budgeted-agent")).budget_usd).toBe(5);

    const expiry = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel("Budget (USD)").fill("12.5");
    await dialog.getByLabel("Budget period").selectOption("daily");
    await dialog.getByRole("button", { name: "Remove gpt-4o" }).click();
    await dialog.getByLabel("Allowed models").fill("echo-mini");
    await dialog.getByRole("button", { name: "Add pattern" }).click();
    await dialog.getByLabel("Requests per minute").fill("");
    await dialog.getByLabel("Expires on").fill(expiry);
    await snapshot(page, "31-key-edit-dialog");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "hidden" });

    const row = keyRow(page, "budgeted-agent");
    await row.getByText(/of \$12\.50 today$/).waitFor();
    await row.getByText("echo*, echo-mini").waitFor();
    await row.getByText("no rpm limit").waitFor();
    await row.getByText(`${expiry} 00:00 UTC`).waitFor();
    expect(await keyNamed("budgeted-agent")).toMatchObject({
      budget_usd: 12.5,
      budget_period: "daily",
      allowed_models: ["echo*", "echo-mini"],
      rate_limit_rpm: null,
      expires_at: expect.stringMatching(new RegExp(`^${expiry}T00:00:00`)),
    });
    await snapshot(page, "31-key-edited-list");
    expect(owner.errors).toEqual([]);
  });

  it("rotates a key with a grace, shows the new secret once, and says how long the old one works", async () => {
    const { page } = owner;
    const before = (await keyNamed("budgeted-agent")).id;
    await page.getByRole("button", { name: "Rotate budgeted-agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate key “budgeted-agent”?" });
    await dialog.getByLabel("Old secret keeps working for").selectOption({ label: "1 hour" });
    await dialog.getByRole("button", { name: "Rotate key" }).click();
    const secret = page.getByLabel("New secret");
    await secret.waitFor();
    const rotated = await secret.inputValue();
    expect(rotated).toMatch(/^br_live_/);
    expect(rotated).not.toBe(budgetedKey);
    expect(await page.getByTestId("old-secret-grace").textContent()).toMatch(
      /^The old secret works for (59|60) more minutes \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/,
    );
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByRole("button", { name: "Copied ✓" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(rotated);
    await keyRow(page, "budgeted-agent")
      .getByText(/^old secret until /)
      .waitFor();
    await snapshot(page, "32-key-rotated");

    // Same key, both secrets work during the grace.
    expect((await keyNamed("budgeted-agent")).id).toBe(before);
    expect((await server.request("/v1/tenant", { token: rotated })).status).toBe(200);
    expect((await server.request("/v1/tenant", { token: budgetedKey })).status).toBe(200);
    budgetedKey = rotated;

    await page.getByRole("button", { name: "I've saved it" }).click();
    await page.reload();
    await keyRow(page, "budgeted-agent").waitFor();
    expect(await page.content()).not.toContain(rotated);
    expect(owner.errors).toEqual([]);
  });

  it("lets an owner change the tenant's settings and shows the tenant's spend against its budget", async () => {
    const { page } = owner;
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await page.getByTestId("tenant-spend").getByText("No budget").waitFor();
    await page.getByLabel("Budget (USD)").fill("20");
    await page.getByLabel("Budget period").selectOption("monthly");
    await page.getByLabel("Requests per minute").fill("1000");
    await page.getByLabel("Allowed models").fill("echo*");
    await page.getByRole("button", { name: "Add pattern" }).click();
    await page.getByLabel("Longest key lifetime (days)").fill("4000");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("The longest key lifetime must be a whole number from 1 to 3,650.").waitFor();
    await page.getByLabel("Longest key lifetime (days)").fill("90");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved. Every key follows the new settings now.").waitFor();
    const settings = (await api("/auth/tenant/settings")).body;
    expect(settings).toMatchObject({
      budget_usd: 20,
      budget_period: "monthly",
      rate_limit_rpm: 1000,
      allowed_models: ["echo*"],
      max_key_lifetime_days: 90,
    });
    expect(settings.spend_usd).toBeGreaterThan(0);
    await page
      .getByTestId("tenant-spend")
      .getByText(/^\$0\.\d+ of \$20\.00 this month$/)
      .waitFor();
    await snapshot(page, "33-tenant-settings");
    expect(owner.errors).toEqual([]);
  });

  it("shows a member the settings read-only", async () => {
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member" } });
    expect(link.status).toBe(201);
    const member = await openTab(browser, server);
    await member.page.goto(local(link.body.url));
    await devSignIn(member.page, "dev@lab.ai");
    await member.page.getByRole("button", { name: "Accept and join" }).click();
    await member.page.getByTestId("claim-success").waitFor();
    await member.page.getByRole("link", { name: "Settings", exact: true }).click();
    await member.page.getByText("Only owners and admins change these settings").waitFor();
    const facts = member.page.getByTestId("settings-facts");
    await facts.getByText("$20.00 per month (UTC)").waitFor();
    await facts.getByText("echo*").waitFor();
    await facts.getByText("90 days").waitFor();
    await member.page
      .getByTestId("tenant-spend")
      .getByText(/of \$20\.00 this month$/)
      .waitFor();
    expect(await member.page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await member.page.locator("main input, main select").count()).toBe(0);
    await snapshot(member.page, "34-settings-member");
    expect(member.errors).toEqual([]);
    await member.context.close();
  });

  it("breaks usage down per model and per key, with cost, over a chosen range", async () => {
    const { page } = owner;
    for (const model of ["echo", "echo", "echo-mini"]) expect((await chat(budgetedKey, model)).status).toBe(200);
    expect((await chat(reg.key, "echo-mini")).status).toBe(200);
    await expect
      .poll(async () => (await api("/auth/usage?group_by=model")).body.totals?.requests as number, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(5);

    await page.getByRole("link", { name: "Usage", exact: true }).click();
    await page.getByRole("heading", { name: "Usage" }).waitFor();
    await page.getByRole("img", { name: "Cost per day (USD)" }).waitFor();
    expect(await page.getByRole("button", { name: "Last 30 days" }).getAttribute("aria-pressed")).toBe("true");

    const byModel = page.getByTestId("usage-by-model");
    const modelRow = (model: string) => byModel.getByRole("row").filter({ has: page.getByRole("cell", { name: model, exact: true }) });
    await modelRow("echo").waitFor();
    // Two echo requests here and one in the first story; echo-mini once per key.
    expect(await modelRow("echo").locator('td[data-label="Requests"]').textContent()).toBe("3");
    expect(await modelRow("echo-mini").locator('td[data-label="Requests"]').textContent()).toBe("2");
    expect(await modelRow("echo").locator('td[data-label="Cost"]').textContent()).toMatch(/^\$0\.\d+$/);
    await modelRow("echo").getByRole("meter").waitFor();

    const byKey = page.getByTestId("usage-by-key");
    await byKey.getByRole("cell", { name: "budgeted-agent", exact: true }).waitFor();

    // A narrower range asks again: the breakdown follows it.
    await page.getByRole("button", { name: "Last 7 days" }).click();
    expect(await page.getByRole("button", { name: "Last 7 days" }).getAttribute("aria-pressed")).toBe("true");
    await modelRow("echo").waitFor();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("To (UTC)").fill(tomorrow);
    await page.getByText("“To” cannot be after today (UTC).").waitFor();
    await page.getByLabel("From (UTC)").fill("2020-01-01");
    await page.getByLabel("To (UTC)").fill("2020-01-31");
    await byModel.getByText("No requests in this range").waitFor();
    await page.getByText("No usage in this range").waitFor();
    await page.getByRole("button", { name: "Last 30 days" }).click();
    await modelRow("echo-mini").waitFor();
    await snapshot(page, "35-usage-by-model");
    // The dark theme's colours for a human to look at: bars, meters and the cost chart.
    await page.emulateMedia({ colorScheme: "dark" });
    await snapshot(page, "36-usage-dark");
    await page.getByRole("link", { name: "API keys", exact: true }).click();
    await keyRow(page, "budgeted-agent").waitFor();
    await snapshot(page, "37-keys-dark");
    await page.emulateMedia({ colorScheme: "light" });
    expect(owner.errors).toEqual([]);
  });
});
