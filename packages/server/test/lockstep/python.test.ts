import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockstepEnv, startLockstepServer, type LockstepServer } from "./fixtures.js";
import { run, SDK_PY } from "./processes.js";

/** A second human, on the proposer list: tests/test_proposals.py proposes as them, approves as the admin. */
const PROPOSER_EMAIL = "agent@platform.test";

describe("Python SDK (unittest) against a live server", () => {
  let server: LockstepServer;
  beforeAll(async () => {
    server = await startLockstepServer({ env: { BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: `user|${PROPOSER_EMAIL}` } });
  });
  afterAll(() => server?.close());

  it("python3 -m unittest discover passes, sync and async, with no test skipped", async () => {
    const result = await run("python3", ["-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"], {
      cwd: SDK_PY,
      env: { ...lockstepEnv(server), BR_TEST_PROPOSER_EMAIL: PROPOSER_EMAIL, PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/skipped/);
    expect(result.stderr).toMatch(/AsyncLiveTest/);
    expect(result.stderr).toMatch(/AsyncProposalTest/);
  }, 180_000);
});
