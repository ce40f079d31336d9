import { BASE } from "./router";

/**
 * Secrets and codes that arrive in the URL (?claim=brct_…, ?user_code=…) are moved into
 * sessionStorage before anything renders: the address bar, history and any later Referer lose them,
 * and they survive the sign-in round-trip.
 */
const CLAIM = "br.claim";
const USER_CODE = "br.user_code";

export function captureUrlIntents() {
  const url = new URL(window.location.href);
  const claim = url.searchParams.get("claim");
  const userCode = url.searchParams.get("user_code");
  if (claim) {
    sessionStorage.setItem(CLAIM, claim.trim());
    window.history.replaceState(null, "", `${BASE}/claim`);
  } else if (userCode) {
    sessionStorage.setItem(USER_CODE, userCode.trim());
    window.history.replaceState(null, "", `${BASE}/device`);
  }
}

export const pendingClaim = () => sessionStorage.getItem(CLAIM);
export const clearPendingClaim = () => sessionStorage.removeItem(CLAIM);
export const pendingUserCode = () => sessionStorage.getItem(USER_CODE);
export const clearPendingUserCode = () => sessionStorage.removeItem(USER_CODE);
