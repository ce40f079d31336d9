import { randomUUID } from "node:crypto";
import { HttpFake, type RecordedRequest } from "./http-fake.js";

export const SLACK_BOT_TOKEN = "xoxb-test-token";

/**
 * Slack's Web API (chat.postMessage, chat.update), an incoming webhook and response_url targets,
 * on 127.0.0.1. Like Slack, a bad bot token is a 200 {ok:false}.
 */
export async function startFakeSlack() {
  const fake = await HttpFake.start((req) => {
    if (req.path.startsWith("/api/")) {
      if (req.headers.authorization !== `Bearer ${SLACK_BOT_TOKEN}`) return { status: 200, body: { ok: false, error: "invalid_auth" } };
      return { status: 200, body: { ok: true, channel: req.body?.channel, ts: `${Date.now() / 1000}` } };
    }
    return { status: 200, body: "ok" };
  });
  const posted = () => fake.to("/api/chat.postMessage");
  return Object.assign(fake, {
    apiUrl: `${fake.url}/api`,
    webhookUrl: `${fake.url}/hooks/incoming`,
    /** A fresh response_url, as Slack puts in each interaction payload. */
    responseUrl: () => `${fake.url}/response/${randomUUID()}`,
    posted,
    /** What a receiver that dedupes on the delivery id keeps: one accepted message per delivery. */
    uniqueMessages(): RecordedRequest[] {
      const seen = new Map<string, RecordedRequest>();
      for (const r of [...posted(), ...fake.to("/hooks/incoming")]) {
        if (r.status === 200 && !seen.has(String(r.headers["x-br-delivery-id"]))) seen.set(String(r.headers["x-br-delivery-id"]), r);
      }
      return [...seen.values()];
    },
    responses: () => fake.requests.filter((r) => r.path.startsWith("/response/")),
  });
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
