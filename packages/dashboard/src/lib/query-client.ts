import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { AuthenticationError } from "brainstormrouter";
import { onSessionChange, readSession, signOut } from "../auth/session";
import { isFinal } from "./api-errors";

/**
 * The one place a 401 is handled, for every query and mutation: the token expired or was
 * revoked, so the session ends and the sign-in page says why.
 */
function endSessionOnAuthenticationError(error: unknown) {
  if (!(error instanceof AuthenticationError)) return;
  signOut("Your session has ended. Please sign in again.");
  queryClient.clear();
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: endSessionOnAuthenticationError }),
  mutationCache: new MutationCache({ onError: endSessionOnAuthenticationError }),
  defaultOptions: {
    queries: {
      // Only network trouble and 5xx are worth a retry.
      retry: (count, error) => count < 2 && !isFinal(error),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

// Another tab signed out, or in as someone else: this tab's cache holds the previous identity's
// data and must not be shown to the next one. (A first sign-in keeps it: it holds nobody's data.)
let signedInAs = readSession()?.subject ?? null;
onSessionChange(() => {
  const now = readSession()?.subject ?? null;
  if (signedInAs !== null && now !== signedInAs) queryClient.clear();
  signedInAs = now;
});
