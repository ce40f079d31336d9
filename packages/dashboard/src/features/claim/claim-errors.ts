import { errorCode, retryAfterSeconds } from "../../lib/api-errors";

export interface ClaimMessage {
  title: string;
  body: string;
  /** Whether trying the same link again can succeed; when not, the pending claim is dropped. */
  retry: boolean;
}

/** What each collision policy (DESIGN.md §6) means to the person holding the link: none of these changes by retrying. */
const FINAL: Record<string, Omit<ClaimMessage, "retry">> = {
  already_member: {
    title: "You're already a member",
    body: "This identity already belongs to that tenant — nothing changed. Pick it in the tenant switcher.",
  },
  claim_token_expired: {
    title: "This link has expired",
    body: "Claim links are valid for a limited time. Ask whoever sent it for a new link.",
  },
  claim_token_fully_redeemed: {
    title: "This link has been fully redeemed",
    body: "Every use of this link has been taken. Ask a tenant owner for a new link.",
  },
  claim_token_invalid: {
    title: "This link is not valid",
    body: "It may have been revoked, or cut off when it was copied. Check the full link, or ask for a new one.",
  },
  email_claim_not_allowed: {
    title: "This tenant can't be claimed by email",
    body: "It needs a verified email equal to its admin email and no member yet. Ask its owner for a claim link.",
  },
  tenant_rejected: { title: "This tenant was not approved", body: "Its signup was rejected, so it cannot take new members." },
  tenant_suspended: { title: "This tenant is suspended", body: "It cannot take new members until a platform admin reactivates it." },
};

export function claimErrorMessage(error: unknown) {
  return claimMessage(errorCode(error), error);
}

export function claimMessage(code: string, error?: unknown): ClaimMessage {
  if (Object.hasOwn(FINAL, code)) return { ...FINAL[code]!, retry: false };
  if (code === "tenant_pending")
    return { title: "This tenant is waiting for approval", body: "Try again once a platform admin has approved it.", retry: true };
  if (code === "rate_limited") {
    const seconds = retryAfterSeconds(error);
    const wait = seconds ? ` in ${seconds} s` : " in a moment";
    return { title: "Too many attempts", body: `Please try again${wait}.`, retry: true };
  }
  return { title: "The claim did not go through", body: error instanceof Error ? error.message : "Something went wrong.", retry: true };
}
