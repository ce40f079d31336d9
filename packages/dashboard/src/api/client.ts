/**
 * The dashboard's one way to the server: the /auth/* routes, signed in with the session's JWT and
 * acting in the tenant chosen in the switcher (X-BR-Tenant-Id). Types mirror DESIGN.md §6.
 */

export type TenantStatus = "pending" | "active" | "rejected" | "suspended";
export type MembershipRole = "owner" | "admin" | "member";

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
}

export interface Membership {
  tenant: TenantSummary;
  role: MembershipRole;
  joined_at: string;
}

export interface Me {
  identity: { subject: string; email: string | null; email_verified: boolean };
  is_platform_admin: boolean;
  tenant: (TenantSummary & { role: MembershipRole }) | null;
  memberships: Membership[];
  claimable: TenantSummary[];
}

export interface ClaimResult {
  tenant: TenantSummary;
  membership: { id: string; role: MembershipRole; user_id: string; joined_at: string };
}

/** Key role: `admin` may mint claim links and start the device flow; `developer` calls the API. */
export type KeyRole = "admin" | "developer";

export interface ApiKey {
  id: string;
  name: string | null;
  prefix: string;
  role: KeyRole;
  user_id: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}
export type CreatedApiKey = ApiKey & { key: string };

export interface Member {
  id: string;
  user_id: string;
  subject: string | null;
  email: string | null;
  role: MembershipRole;
  joined_at: string;
}

export interface ClaimLink {
  id: string;
  kind: "registration" | "link" | "invite";
  role: MembershipRole;
  max_uses: number;
  used_count: number;
  uses_left: number;
  state: "active" | "revoked" | "expired" | "used_up";
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
}
export interface CreatedClaimLink {
  id: string;
  token: string;
  url: string;
  role: MembershipRole;
  max_uses: number;
  expires_at: string;
}

/** POST /auth/claim/preview: what a claim would do, before it is made. */
export interface ClaimPreview {
  tenant: TenantSummary;
  role: MembershipRole;
  expires_at: string;
  uses_left: number;
  already_member: boolean;
}

/** POST /auth/device/lookup: the tenant a terminal's code belongs to, before approving. */
export interface DeviceLookup {
  tenant: TenantSummary;
  role: MembershipRole;
  expires_at: string;
}

export interface DeviceConfirmation {
  status: "linked" | "denied";
  tenant: TenantSummary;
  role: MembershipRole | null;
}

export interface UsageCounts {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
}
/** GET /auth/usage: one bucket per UTC day, oldest first, empty days included. */
export interface Usage {
  days: (UsageCounts & { date: string })[];
  totals: UsageCounts;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface Session {
  token(): string | null;
  tenantId(): string | null;
  /** Called on a 401: the token expired or was revoked; the app signs out. */
  onUnauthorized(): void;
}

let session: Session = { token: () => null, tenantId: () => null, onUnauthorized: () => {} };

export function configureClient(next: Session) {
  session = next;
}

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  /** Send X-BR-Tenant-Id (default true); /auth/claim and /auth/me choose for themselves. */
  tenant?: boolean | string;
  auth?: boolean;
}

async function call<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = session.token();
  if (options.auth !== false && token) headers.authorization = `Bearer ${token}`;
  const tenant = typeof options.tenant === "string" ? options.tenant : options.tenant === false ? null : session.tenantId();
  if (tenant) headers["x-br-tenant-id"] = tenant;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection and try again.");
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // a proxy's HTML error page: handled below by status
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    const retry = Number(res.headers.get("retry-after"));
    if (res.status === 401 && options.auth !== false) session.onUnauthorized();
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? `The server answered ${res.status}.`,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return json as T;
}

const id = (value: string) => encodeURIComponent(value);

export const api = {
  devSignIn: (email: string) =>
    call<{ access_token: string; expires_in: number }>("/auth/dev/sign-in", { body: { email }, auth: false, tenant: false }),
  provision: (input: { tenant_name?: string; invite_code?: string }) =>
    call<{ created: boolean; tenant: TenantSummary; role: MembershipRole }>("/auth/provision", { body: input, tenant: false }),
  me: () => call<Me>("/auth/me", { tenant: false }),
  claim: (input: { token: string } | { tenant_id: string }) => call<ClaimResult>("/auth/claim", { body: input, tenant: false }),
  previewClaim: (token: string) => call<ClaimPreview>("/auth/claim/preview", { body: { token }, tenant: false }),
  lookupDevice: (userCode: string) => call<DeviceLookup>("/auth/device/lookup", { body: { user_code: userCode }, tenant: false }),
  confirmDevice: (userCode: string, action: "approve" | "deny") =>
    call<DeviceConfirmation>("/auth/device/confirm", { body: { user_code: userCode, action }, tenant: false }),
  apiKeys: {
    list: () => call<Page<ApiKey>>("/auth/api-keys?limit=200"),
    create: (input: { name: string; role: KeyRole; expires_in_days?: number }) => call<CreatedApiKey>("/auth/api-keys", { body: input }),
    revoke: (keyId: string) => call<unknown>(`/auth/api-keys/${id(keyId)}`, { method: "DELETE" }),
  },
  members: {
    list: () => call<Page<Member>>("/auth/members?limit=200"),
    update: (memberId: string, role: MembershipRole) =>
      call<Member>(`/auth/members/${id(memberId)}`, { method: "PATCH", body: { role } }),
    remove: (memberId: string) => call<unknown>(`/auth/members/${id(memberId)}`, { method: "DELETE" }),
  },
  claimLinks: {
    list: () => call<Page<ClaimLink>>("/auth/claim-links?limit=200"),
    create: (input: { role: MembershipRole; max_uses: number; expires_in_days: number }) =>
      call<CreatedClaimLink>("/auth/claim-links", { body: input }),
    revoke: (linkId: string) => call<unknown>(`/auth/claim-links/${id(linkId)}`, { method: "DELETE" }),
  },
  usage: {
    retrieve: (days = 30) => call<Usage>(`/auth/usage?days=${days}`),
  },
};
