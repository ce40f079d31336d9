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
    [{ BR_BETA_GATE: "maybe" }, "BR_BETA_GATE"],
    [{ BR_AUTH_JWT_SECRET: "short" }, "BR_AUTH_JWT_SECRET"],
    [{ BR_AUTH_JWKS_URL: "http://idp.test/jwks" }, "BR_AUTH_ISSUER"],
    [{ BR_AUTH_JWKS_URL: "http://idp.test/jwks", BR_AUTH_ISSUER: "http://idp.test" }, "BR_AUTH_AUDIENCE"],
  ])("names the variable of a bad value (%o)", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name} `));
  });

  it("stops start-up with one line naming the variable", () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", main], { env: { ...process.env, PORT: "eighty" }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^Invalid configuration: PORT /)]);
  });
});
