/** The benchmarks' upstream in a process of its own: prints `{"url": …}` and serves until killed. */
import { startFakeUpstream } from "../../packages/server/test/data-plane/support/fake-upstream.js";

const upstream = await startFakeUpstream({ completionBytes: Number(process.env.COMPLETION_BYTES ?? 1024) });
process.stdout.write(`${JSON.stringify({ url: upstream.url })}\n`);
process.once("SIGTERM", () => void upstream.close().then(() => process.exit(0)));
