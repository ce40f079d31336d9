import type { Browser } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "../../src/lib/tokens.js";
import { registerTenant, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, devSignIn, expectedFailures, launchBrowser, local, openTab, snapshot, type Tab } from "./browser.js";

describe("dashboard: claim links that cannot be used", BROWSER_STORY, () => {
  let server: TestServer;
  let browser: Browser;
  let tab: Tab;
  const devToken = async (email: string) => (await server.request("/auth/dev/sign-in", { body: { email } })).body.access_token as string;
  const claimLink = async (key: string, body: Record<string, unknown> = {}) => {
    const res = await server.request("/v1/tenant/claim-link", { token: key, body });
    expect(res.status).toBe(201);
    return res.body as { token: string; url: string };
  };
  /** Opens a claim URL in the signed-in tab: the preview answers before anything is pressed. */
  const tryClaim = (url: string) => tab.page.goto(local(url));

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ devSignIn: true }), launchBrowser()]);
    tab = await openTab(browser, server);
    await tab.page.goto("/dashboard/");
    await devSignIn(tab.page, "visitor@lab.test");
    await tab.page.getByRole("heading", { name: "Welcome" }).waitFor();
    await snapshot(tab.page, "15-welcome-no-tenants");
  });
  // Each story judges only the console output of its own steps.
  beforeEach(() => {
    if (tab) tab.errors.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("says an expired link has expired, and forgets it", async () => {
    const reg = await registerTenant(server, { active: true });
    const link = await claimLink(reg.key, { max_uses: 5 });
    await server.deps.db.asPlatform((tx) =>
      tx
        .updateTable("claim_tokens")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("token_hash", "=", sha256(link.token))
        .execute(),
    );
    await tryClaim(link.url);
    await tab.page.getByText("This link has expired").waitFor();
    expect(await tab.page.getByRole("button", { name: "Accept and join" }).count()).toBe(0);
    await snapshot(tab.page, "16-claim-expired");
    expect(await tab.page.evaluate(() => sessionStorage.getItem("br.claim"))).toBeNull();
    expect(expectedFailures(tab.errors, 400)).toEqual([]);
  });

  it("says a used-up link is fully redeemed", async () => {
    const reg = await registerTenant(server, { active: true });
    expect((await server.request("/auth/claim", { token: await devToken("first@lab.test"), body: { token: reg.claimToken } })).status).toBe(
      201,
    );
    await tryClaim(reg.claimUrl);
    await tab.page.getByText("This link has been fully redeemed").waitFor();
    expect(expectedFailures(tab.errors, 400)).toEqual([]);
  });

  it("says a mangled or revoked link is not valid", async () => {
    await tryClaim("http://br.test/dashboard/?claim=brct_notARealTokenAtAll");
    await tab.page.getByText("This link is not valid").waitFor();
    expect(expectedFailures(tab.errors, 400)).toEqual([]);
  });

  it("says so when the identity is already a member, without an error tone", async () => {
    const reg = await registerTenant(server, { active: true, name: "Twice Lab" });
    const link = await claimLink(reg.key, { max_uses: 3 });
    expect((await server.request("/auth/claim", { token: await devToken("visitor@lab.test"), body: { token: link.token } })).status).toBe(
      201,
    );
    await tryClaim(link.url);
    await tab.page.getByText("You're already a member").waitFor();
    await snapshot(tab.page, "17-claim-already-member");
    expect(expectedFailures(tab.errors, 409)).toEqual([]);
  });

  it("refuses a rejected tenant with its status", async () => {
    const reg = await registerTenant(server);
    await setTenantStatus(server, reg.tenantId, "rejected");
    await tryClaim(reg.claimUrl);
    await tab.page.getByText("This tenant was not approved").waitFor();
    expect(expectedFailures(tab.errors, 403)).toEqual([]);
  });
});
