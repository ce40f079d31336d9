import { randomUUID } from "node:crypto";
import { HttpFake, type RecordedRequest } from "./http-fake.js";

export const RESEND_API_KEY = "re_test_key";

/** Resend's POST /emails on 127.0.0.1, with its error shape ({statusCode, name, message}). */
export async function startFakeResend() {
  const fake = await HttpFake.start((req) => {
    if (req.headers.authorization !== `Bearer ${RESEND_API_KEY}`) {
      return { status: 401, body: { statusCode: 401, name: "validation_error", message: "API key is invalid" } };
    }
    if (req.method !== "POST" || req.path !== "/emails")
      return { status: 404, body: { statusCode: 404, name: "not_found", message: "Not found" } };
    return { status: 200, body: { id: randomUUID() } };
  });
  const delivered = (): RecordedRequest[] => {
    const seen = new Map<string, RecordedRequest>();
    for (const r of fake.to("/emails"))
      if (r.status === 200 && !seen.has(String(r.headers["idempotency-key"]))) seen.set(String(r.headers["idempotency-key"]), r);
    return [...seen.values()];
  };
  return Object.assign(fake, {
    /** Every accepted or refused send attempt. */
    attempts: () => fake.to("/emails"),
    /** What Resend delivers: accepted sends, a retry with the same Idempotency-Key only once. */
    delivered,
    inbox: (address: string) => delivered().filter((r) => ((r.body?.to ?? []) as string[]).includes(address)),
  });
}

export type FakeResend = Awaited<ReturnType<typeof startFakeResend>>;
