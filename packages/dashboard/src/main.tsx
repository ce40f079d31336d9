import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app";
import { captureUrlIntents } from "./app/intents";
import { queryClient } from "./lib/query-client";
import "./styles.css";

// Before anything renders or any request is made: the claim token must leave the address bar.
captureUrlIntents();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
