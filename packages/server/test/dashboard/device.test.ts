import type { Browser } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, devSignIn, expectedFailures, launchBrowser, local, openTab, snapshot, type Tab } from "./browser.js";

describe("dashboard: linking a terminal by the device flow", BROWSER_STORY, () => {
  let server: TestServer;
  let browser: Browser;
  let reg: Registered;
  let tab: Tab;
  const authorize = async () => {
    const res = await server.request("/v1/auth/device/authorize", { token: reg.key, body: {} });
    expect(res.status).toBe(200);
    return res.body as { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string };
  };
  const poll = (deviceCode: string) => server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: deviceCode } });

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ devSignIn: true, env: { BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: "3" } }),
      launchBrowser(),
    ]);
    reg = await registerTenant(server, { active: true, name: "Terminal Lab" });
    tab = await openTab(browser, server);
  });
  // Each story judges only the console output of its own steps.
  beforeEach(() => {
    if (tab) tab.errors.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("approves the code from verification_uri_complete after sign-in, and the terminal's poll says linked", async () => {
    const { page } = tab;
    const device = await authorize();
    expect((await poll(device.device_code)).body.error).toBe("authorization_pending");

    await page.goto(local(device.verification_uri_complete));
    expect(page.url()).toBe(`${server.url}/dashboard/device`);
    await page.getByText("Sign in to approve the terminal").waitFor();
    await devSignIn(page, "ops@lab.test");
    const input = page.getByLabel("Code from your terminal");
    await input.waitFor();
    expect(await input.inputValue()).toBe(device.user_code);
    // Before Approve: the tenant the terminal belongs to, and the role approving grants.
    const tenant = page.getByTestId("device-tenant");
    await tenant.waitFor();
    expect(await tenant.textContent()).toMatch(new RegExp(`Terminal Lab\\s*${reg.slug}\\s*active.*owner`));
    await snapshot(page, "11-device-confirm");

    await page.getByRole("button", { name: "Approve" }).click();
    const result = page.getByTestId("device-result");
    await result.waitFor();
    expect(await result.textContent()).toContain("linked to Terminal Lab, where you are owner");
    await snapshot(page, "12-device-linked");

    const linked = await poll(device.device_code);
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ status: "linked", tenant: { id: reg.tenantId }, user: { email: "ops@lab.test", role: "owner" } });
    // The new membership is in the switcher at once.
    expect(await page.getByTestId("tenant-switcher").inputValue()).toBe(reg.tenantId);
    expect(tab.errors).toEqual([]);
  });

  it("formats a typed code as XXXX-XXXX in any case, and denying tells the terminal access_denied", async () => {
    const { page } = tab;
    const device = await authorize();
    await page.goto("/dashboard/device");
    const input = page.getByLabel("Code from your terminal");
    await input.pressSequentially(device.user_code.replace("-", "").toLowerCase());
    expect(await input.inputValue()).toBe(device.user_code);
    await page.getByTestId("device-tenant").getByText("Terminal Lab").waitFor();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByText("The terminal was not linked to Terminal Lab").waitFor();
    expect((await poll(device.device_code)).body.error).toBe("access_denied");
    expect(tab.errors).toEqual([]);
  });

  it("explains an expired code as soon as it is entered, with nothing to approve", async () => {
    const { page } = tab;
    const device = await authorize();
    await server.deps.db.asPlatform((tx) =>
      tx
        .updateTable("device_authorizations")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("user_code", "=", device.user_code.replace("-", ""))
        .execute(),
    );
    await page.goto(local(device.verification_uri_complete));
    await page.getByText("This code has expired").waitFor();
    expect(await page.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
    expect(await page.getByTestId("device-tenant").count()).toBe(0);
    await snapshot(page, "13-device-expired");
    expect(expectedFailures(tab.errors, 400)).toEqual([]);
  });

  it("explains a wrong code once typed, then the rate limit with its wait", async () => {
    const { page } = tab;
    await page.goto("/dashboard/device");
    const input = page.getByLabel("Code from your terminal");
    const approve = page.getByRole("button", { name: "Approve" });
    // The identity's budget is 3 wrong codes (set above); the expired one did not count. Each
    // complete code is looked up once, and a wrong look-up spends the budget like a wrong confirm.
    for (let i = 0; i < 3; i++) {
      await input.fill("ZZZZ-ZZZZ");
      await page.getByText("That code doesn't match").waitFor();
      expect(await approve.isDisabled()).toBe(true);
      await input.fill("");
    }
    await input.fill("ZZZZ-ZZZZ");
    await page.getByText("Too many attempts").waitFor();
    expect(await page.getByText(/Wait \d+ seconds before trying again/).count()).toBe(1);
    await snapshot(page, "14-device-rate-limited");
    expect(expectedFailures(tab.errors, 400, 429)).toEqual([]);
  });
});
