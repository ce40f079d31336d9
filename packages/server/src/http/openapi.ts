import { z } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import { ERROR_CODES, ERROR_TYPES, RECOVERY_ACTIONS } from "../errors/index.js";

const CODE_DESCRIPTION = `Stable machine-readable code; docs/errors.md gives each one's status, meaning and recovery. One of: ${ERROR_CODES.join(", ")}.`;

export const ErrorEnvelope = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.enum(ERROR_TYPES),
      // A string, not an enum: new codes must not break clients generated from this document.
      code: z.string().openapi({ description: CODE_DESCRIPTION }),
      recovery: z
        .object({ action: z.enum(RECOVERY_ACTIONS) })
        .loose()
        .optional(),
    }),
  })
  .openapi("Error");

// C0/C1 controls (CR, LF, …) and the bidi overrides and isolates: in a display string they forge
// lines ("Admin: …" next to an Approve button) or reorder what a reader sees. NUL is left to the
// database's own refusal (class 22 → 400 invalid_value, decisions.md #12), the same for every field.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_OR_BIDI = /[\u0001-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

/** A name or label shown to humans (tenant, key, invite note, decision reason): one plain line. */
export const displayString = (max: number, min = 1) =>
  (min > 0 ? z.string().trim().min(min) : z.string().trim())
    .max(max)
    .refine((s) => !CONTROL_OR_BIDI.test(s), { message: "must not contain control characters or bidirectional overrides" });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request",
  401: "Missing or invalid credentials",
  403: "Not allowed (role, tenant status or membership)",
  404: "Not found",
  409: "Conflict",
  413: "Body too large",
  429: "Rate limited; see Retry-After",
};

/** Response entries for the listed error statuses, all in the one envelope. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s] ?? "Error", content: { "application/json": { schema: ErrorEnvelope } } }]),
  );
}

export function jsonContent<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const apiKeySecurity = [{ ApiKey: [] }];
export const jwtSecurity = [{ OidcJwt: [] }];

export const TenantIdHeader = z.object({
  "x-br-tenant-id": z.string().optional().openapi({ description: "Tenant to act in, for identities with several memberships." }),
});

export const TenantSummary = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    status: z.enum(["pending", "active", "rejected", "suspended"]),
  })
  .openapi("TenantSummary");

export const MembershipRole = z.enum(["owner", "admin", "member"]);

export const Membership = z.object({ tenant: TenantSummary, role: MembershipRole, joined_at: z.string() }).openapi("Membership");

export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "BrainstormRouter API",
    version: "0.1.0",
    description: "AI gateway for agents: machine registration, Identity Bridge, Admin Intelligence and an OpenAI-compatible data plane.",
  },
} as const;
