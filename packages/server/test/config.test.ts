import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("has embedded defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8787, BR_DATA_DIR: "./.data", authMode: "development", betaGate: true, host: "127.0.0.1" });
    expect(config.publicUrl).toBe("http://localhost:8787");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ DATABASE_URL: "postgres://app@db/br", BR_MIGRATION_DATABASE_URL: "mysql://x" }, "BR_MIGRATION_DATABASE_URL"],
    // A migration login without DATABASE_URL would migrate nothing: the embedded engine is used.
    [{ BR_MIGRATION_DATABASE_URL: "postgres://owner@db/br" }, "BR_MIGRATION_DATABASE_URL"],
    [{ BR_BETA_GATE: "maybe" }, "BR_BETA_GATE"],
    [{ BR_AUTH_JWT_SECRET: "short" }, "BR_AUTH_JWT_SECRET"],
    [{ BR_AUTH_JWKS_URL: "http://idp.test/jwks" }, "BR_AUTH_ISSUER"],
    [{ BR_AUTH_JWKS_URL: "http://idp.test/jwks", BR_AUTH_ISSUER: "http://idp.test" }, "BR_AUTH_AUDIENCE"],
    // Half-configured OIDC must not leave the development sign-in on.
    [{ BR_AUTH_ISSUER: "http://idp.test", BR_AUTH_CLIENT_ID: "spa", BR_AUTH_AUDIENCE: "spa" }, "BR_AUTH_JWKS_URL"],
    [{ BR_AUTH_SCOPES: "openid" }, "BR_AUTH_JWKS_URL"],
    [{ HOST: "0.0.0.0" }, "HOST"],
    [{ HOST: "10.1.2.3", BR_DEV_SIGN_IN: "off" }, "BR_DEV_SIGN_IN"],
  ])("names the variable of a bad value (%o)", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name} `));
  });

  it("names what a half-configured OIDC set-up lacks", () => {
    expect(() => loadConfig({ BR_AUTH_ISSUER: "http://idp.test", BR_AUTH_CLIENT_ID: "spa" })).toThrow(
      /^BR_AUTH_JWKS_URL is required with BR_AUTH_CLIENT_ID, BR_AUTH_ISSUER /,
    );
  });

  it("binds the development sign-in beyond loopback only with BR_DEV_SIGN_IN=on", () => {
    expect(loadConfig({ HOST: "0.0.0.0", BR_DEV_SIGN_IN: "on" })).toMatchObject({ authMode: "development", host: "0.0.0.0" });
    expect(loadConfig({ HOST: "127.0.0.2" }).host).toBe("127.0.0.2");
    expect(loadConfig({ HOST: "0.0.0.0", BR_AUTH_JWT_SECRET: "x".repeat(32) }).authMode).toBe("secret");
  });

  it("stops start-up with one line naming the variable", () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", main], { env: { ...process.env, PORT: "eighty" }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^Invalid configuration: PORT /)]);
  });
});
