import { describe, expect, it } from "vitest";
import {
  API_KEY_PREFIX,
  CLAIM_TOKEN_PREFIX,
  formatUserCode,
  generateDeviceCode,
  generateToken,
  generateUserCode,
  isWellFormed,
  normalizeUserCode,
} from "../../src/lib/tokens.js";

describe("tokens", () => {
  it("are prefix + 32 random base62 + a 6-character checksum, and unique", () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateToken(API_KEY_PREFIX)));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^br_live_[0-9A-Za-z]{38}$/);
      expect(isWellFormed(key, API_KEY_PREFIX)).toBe(true);
    }
    expect(generateToken(CLAIM_TOKEN_PREFIX)).toMatch(/^brct_[0-9A-Za-z]{38}$/);
  });

  it("detect any single-character change offline", () => {
    const key = generateToken(API_KEY_PREFIX);
    for (let i = API_KEY_PREFIX.length; i < key.length; i++) {
      const swapped = key.slice(0, i) + (key[i] === "x" ? "y" : "x") + key.slice(i + 1);
      expect(isWellFormed(swapped, API_KEY_PREFIX)).toBe(false);
    }
    expect(isWellFormed(key, CLAIM_TOKEN_PREFIX)).toBe(false);
    expect(isWellFormed(`${key}x`, API_KEY_PREFIX)).toBe(false);
  });

  it("device codes carry 32 random bytes; user codes use the RFC 8628 consonant alphabet", () => {
    expect(Buffer.from(generateDeviceCode(), "base64url")).toHaveLength(32);
    const code = generateUserCode();
    expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    expect(formatUserCode(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
    expect(normalizeUserCode(formatUserCode(code).toLowerCase())).toBe(code);
    expect(normalizeUserCode("ABCD-EFGH")).toBeNull(); // vowels are not in the alphabet
    expect(normalizeUserCode("BCDF")).toBeNull();
  });
});
