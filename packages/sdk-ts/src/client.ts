import { RequestCore, type RequestOptions } from "./core/request.js";
import { Admin } from "./resources/admin.js";
import { Auth } from "./resources/auth.js";
import { Chat } from "./resources/chat.js";
import { Embeddings } from "./resources/embeddings.js";
import { IdentityBridge } from "./resources/identity-bridge.js";
import { Models } from "./resources/models.js";
import type { TenantSummary } from "./resources/shared.js";
import { Tenant } from "./resources/tenant.js";

export interface ClientOptions {
  /** `br_live_…`; defaults to BRAINSTORMROUTER_API_KEY. */
  apiKey?: string | null | undefined;
  /** Defaults to BRAINSTORMROUTER_BASE_URL, then http://localhost:8787. */
  baseURL?: string | null | undefined;
  /** A human's OIDC access token, for the /auth/* routes. */
  accessToken?: string | null | undefined;
  /** Sent as X-BR-Tenant-Id with the access token, for identities in several tenants. */
  tenantId?: string | null | undefined;
  /** Retries of 408/409-retryable/429/5xx and connection failures; default 2. */
  maxRetries?: number;
  /** Milliseconds per attempt; default 60 000. */
  timeout?: number;
  fetch?: typeof fetch;
  defaultHeaders?: Record<string, string>;
}

export interface RegisterParams {
  tenant_name: string;
  admin_email: string;
  accept_tos: true;
  invite_code?: string;
  tenant_slug?: string;
  key_name?: string;
}

export interface Registration {
  tenant: TenantSummary;
  api_key: { id: string; key: string; prefix: string };
  claim: { token: string; url: string; expires_at: string };
}

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined;

export class BrainstormRouter {
  readonly tenant: Tenant;
  readonly admin: Admin;
  readonly identityBridge: IdentityBridge;
  readonly auth: Auth;
  readonly chat: Chat;
  readonly models: Models;
  readonly embeddings: Embeddings;
  private readonly core: RequestCore;

  constructor(options: ClientOptions = {}) {
    this.core = new RequestCore({
      baseURL: options.baseURL ?? env("BRAINSTORMROUTER_BASE_URL") ?? "http://localhost:8787",
      apiKey: options.apiKey ?? env("BRAINSTORMROUTER_API_KEY"),
      accessToken: options.accessToken ?? undefined,
      tenantId: options.tenantId ?? undefined,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeout ?? 60_000,
      fetch: options.fetch ?? globalThis.fetch,
      defaultHeaders: options.defaultHeaders ?? {},
    });
    this.tenant = new Tenant(this.core);
    this.admin = new Admin(this.core);
    this.identityBridge = new IdentityBridge(this.core);
    this.auth = new Auth(this.core);
    this.chat = new Chat(this.core);
    this.models = new Models(this.core);
    this.embeddings = new Embeddings(this.core);
  }

  get baseURL(): string {
    return this.core.settings.baseURL;
  }

  /**
   * Registers a tenant; needs no credential. The answer's `api_key.key` is shown this once; give
   * `claim.url` to the human who will manage the tenant. Status `pending` means the beta gate
   * holds it until a platform admin approves.
   */
  register(params: RegisterParams, options?: RequestOptions): Promise<Registration> {
    return this.core.request({ method: "POST", path: "/v1/register", credential: "none", body: params, options });
  }

  /** A client like this one with some options replaced, e.g. the key a registration returned. */
  withOptions(options: ClientOptions): BrainstormRouter {
    const s = this.core.settings;
    return new BrainstormRouter({
      baseURL: s.baseURL,
      apiKey: s.apiKey,
      accessToken: s.accessToken,
      tenantId: s.tenantId,
      maxRetries: s.maxRetries,
      timeout: s.timeout,
      fetch: s.fetch,
      defaultHeaders: s.defaultHeaders,
      ...options,
    });
  }
}
