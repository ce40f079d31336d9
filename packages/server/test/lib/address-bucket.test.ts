import { describe, expect, it } from "vitest";
import { addressBucket } from "../../src/lib/address-bucket.js";
import { callerBudget } from "../../src/limits/caller-budget.js";
import { guessWithinBudgets } from "../../src/limits/failure-budget.js";
import { memoryLimits } from "../../src/limits/memory.js";
import { recipientKey } from "../../src/services/signup/recipient-budget.js";

describe("addressBucket", () => {
  it.each([
    ["2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002:0:0:0:ffff", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"],
    ["[2001:db8:1:2::9]", "2001:db8:1:2::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
  ])("counts the IPv6 address %s as its /64, %s", (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });

  it("puts every address of one /64 in one bucket, and the neighbouring /64 in another", () => {
    const a = addressBucket("2001:db8:aa:1:1:2:3:4");
    expect(addressBucket("2001:db8:aa:1:ffff:ffff:ffff:ffff")).toBe(a);
    expect(addressBucket("2001:db8:aa:2:1:2:3:4")).not.toBe(a);
  });

  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["203.0.113.7:51234", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:cb00:7107", "203.0.113.7"],
    ["[::ffff:203.0.113.7]:80", "203.0.113.7"],
  ])("keeps IPv4 (and IPv4-mapped IPv6) %s per address, %s", (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });

  it("keeps neighbouring IPv4 addresses apart: a /24 is many subscribers", () => {
    expect(addressBucket("203.0.113.7")).not.toBe(addressBucket("203.0.113.8"));
    expect(addressBucket("::ffff:203.0.113.7")).not.toBe(addressBucket("::ffff:203.0.113.8"));
  });

  it.each(["unknown", "not an address", "1:2:3:4:5:6:7:8:9", ""])("leaves %j, which is no address, as it is", (text) => {
    expect(addressBucket(text)).toBe(text);
  });
});

describe("callerBudget", () => {
  const spec = {
    name: { identity: "t-identity", address: "t-address" },
    points: { identity: 2, address: 3 },
    durationSeconds: 60,
  };
  const miss = () => Promise.reject(new Error("miss"));
  const guess = (budget: ReturnType<typeof callerBudget>) =>
    guessWithinBudgets([budget], miss, () => true).then(
      () => 200,
      (err: unknown) => ((err as { code?: string }).code === "rate_limited" ? 429 : 400),
    );

  it("charges a signed-in caller's identity, never its address: one guesser behind a NAT locks out only itself", async () => {
    const limits = memoryLimits();
    const nat = "198.51.100.1";
    const guesser = callerBudget(limits, spec, { identity: "user|guesser", address: nat });
    expect([await guess(guesser), await guess(guesser), await guess(guesser)]).toEqual([400, 400, 429]);
    // Many more misses than the address's 3, from other identities at the same address.
    for (let i = 0; i < 5; i++) expect(await guess(callerBudget(limits, spec, { identity: `user|n${i}`, address: nat }))).toBe(400);
    // Nor has the address's own budget been touched: an anonymous caller there still has all 3.
    const anonymous = callerBudget(limits, spec, { address: nat });
    expect([await guess(anonymous), await guess(anonymous), await guess(anonymous), await guess(anonymous)]).toEqual([400, 400, 400, 429]);
  });

  it("counts an anonymous caller by its address, with the address's points", () => {
    const limits = memoryLimits();
    const budget = callerBudget(limits, spec, { identity: undefined, address: "2001:db8:1:2::/64" });
    expect(budget.key).toBe("2001:db8:1:2::/64");
    expect(budget.limiter).toBe(limits.limiter({ name: "t-address", points: 3, durationSeconds: 60 }));
  });
});

describe("recipientKey", () => {
  it("counts one mailbox however its address is cased, padded or +tagged", () => {
    const key = recipientKey("victim@example.com");
    for (const same of ["Victim@Example.COM", "  victim@example.com ", "victim+1@example.com", "VICTIM+spam+2@example.com"]) {
      expect(recipientKey(same)).toBe(key);
    }
    expect(recipientKey("victim2@example.com")).not.toBe(key);
    expect(recipientKey("victim@example.org")).not.toBe(key);
  });

  it("never holds the address itself", () => {
    expect(recipientKey("victim@example.com")).not.toContain("victim");
  });
});
