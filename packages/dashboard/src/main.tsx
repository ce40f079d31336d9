import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiError, configureClient } from "./api/client";
import { App } from "./app/app";
import { captureUrlIntents } from "./app/intents";
import { readSession, signOut } from "./auth/session";
import { currentTenantId } from "./features/tenants/tenant-context";
import "./styles.css";

// Before anything renders or any request is made: the claim token must leave the address bar.
captureUrlIntents();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers are final; only network trouble and 5xx are worth a retry.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

configureClient({
  token: () => readSession()?.token ?? null,
  tenantId: currentTenantId,
  onUnauthorized: () => {
    signOut("Your session has ended. Please sign in again.");
    queryClient.clear();
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
