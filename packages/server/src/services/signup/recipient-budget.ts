import type { Deps } from "../../deps.js";
import { RateLimitError } from "../../errors/index.js";
import { sha256 } from "../../lib/tokens.js";

const WINDOW_SECONDS = 60 * 60;

/**
 * The key of a mailbox: lower-cased, trimmed, and without a "+tag" (user+1@x and user@x reach one
 * inbox at most providers, so a tag must not buy a fresh budget). Hashed, so the limiter's store
 * (Redis) never holds the address itself.
 */
export function recipientKey(email: string): string {
  const normal = email.trim().toLowerCase();
  const at = normal.lastIndexOf("@");
  const local = normal.slice(0, at).split("+")[0];
  return sha256(`${local}${normal.slice(at)}`);
}

/**
 * One registration's claim on its admin_email's budget (BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR,
 * decisions.md #101): every registration mails its claim link to an address nobody has verified,
 * so the per-address limit alone would let anyone with many addresses mail-bomb a victim.
 * `charge` runs inside the signup's transaction, after the invite code and before anything the
 * registration hands out; it charges once however often the transaction is retried, and `refund`
 * gives the point back when the registration ends in anything but a commit (no tenant, no mail).
 */
export function recipientBudget(deps: Pick<Deps, "config" | "limits">, email: string) {
  const limiter = deps.limits.limiter({
    name: "register-recipient",
    points: deps.config.BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR,
    durationSeconds: WINDOW_SECONDS,
  });
  const key = recipientKey(email);
  let charged = false;
  return {
    async charge() {
      if (charged) return;
      try {
        await limiter.consume(key);
      } catch (err) {
        if (!(err instanceof RateLimitError)) throw err;
        throw new RateLimitError(err.retryAfterSeconds, "Too many registrations name this admin_email; wait before registering another.");
      }
      charged = true;
    },
    async refund() {
      if (!charged) return;
      charged = false;
      await limiter.refund(key);
    },
  };
}
