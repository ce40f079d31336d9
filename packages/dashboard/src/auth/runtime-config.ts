export type RuntimeConfig =
  | { auth: { mode: "development" } }
  | {
      auth: {
        mode: "oidc";
        issuer: string | null;
        client_id: string | null;
        scopes: string;
        audience: string | null;
        authorization_endpoint: string | null;
        token_endpoint: string | null;
        end_session_endpoint: string | null;
      };
    };

/** Which sign-in the server offers; served by the server next to index.html. */
export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const res = await fetch(`${import.meta.env.BASE_URL}config.json`, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`The dashboard configuration could not be loaded (${res.status}).`);
  return (await res.json()) as RuntimeConfig;
}
