/**
 * `npx tsx test/lockstep/live-server.ts`: a lockstep server for running another surface's tests by
 * hand (e.g. `cd packages/sdk-py && env $(…) python3 -m unittest discover -s tests`). Prints one
 * line of JSON with the environment those tests read, and runs until interrupted.
 */
import { lockstepEnv, startLockstepServer } from "./fixtures.js";

const server = await startLockstepServer();
console.log(JSON.stringify(lockstepEnv(server)));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
