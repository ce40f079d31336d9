import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, launchBrowser, openTab } from "./browser.js";

describe("the API reference in a browser with no network beyond the gateway", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
  });

  it("renders every operation of /openapi.json from the gateway's own assets", BROWSER_STORY, async () => {
    const tab = await openTab(browser, server);
    const elsewhere: string[] = [];
    // Offline: anything not served by the gateway itself is refused, as a machine without internet would.
    await tab.context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
    await tab.page.goto("/docs");
    await expect.poll(() => tab.page.locator(".info .title").textContent(), { timeout: 30_000 }).toContain("BrainstormRouter");
    const operations = await tab.page.locator(".opblock").count();
    const spec = (await server.request("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.values(spec.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(documented);
    expect(elsewhere).toEqual([]);
    // Nothing the CSP refused, no script error.
    expect(tab.errors).toEqual([]);
  });
});
