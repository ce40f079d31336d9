import { z } from "@hono/zod-openapi";
import { ROTATION_GRACE } from "../../services/tenant-api-keys.js";
import { displayString } from "../openapi.js";

// The API key's wire shapes, shared by the dashboard's /auth/api-keys and the headless
// /v1/tenant/api-keys (DESIGN.md §10), and the policy fields tenant settings share with keys.

export const BudgetPeriod = z.enum(["daily", "monthly", "lifetime"]).openapi({ description: "UTC periods; lifetime never resets" });

/** Limits a key or a tenant may set; null clears a field. */
export const policyFields = {
  rate_limit_rpm: z.number().int().min(1).max(100_000).nullable().openapi({ description: "Requests per minute; null: no limit" }),
  budget_usd: z.number().positive().max(1_000_000).nullable().openapi({ description: "USD per budget_period; null: no budget" }),
  budget_period: BudgetPeriod.nullable(),
  allowed_models: z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^\0\s]+$/, "must not contain spaces or NUL"),
    )
    .min(1)
    .max(50)
    .nullable()
    .openapi({ description: "Glob patterns (`*`, `?`) of the models allowed, e.g. `gpt-4o*`, `openai/*`; null: every model" }),
} as const;

/** What a budgeted scope has spent in its current period. */
export const spendFields = {
  spend_usd: z.number().nullable().openapi({ description: "Spend in the current budget period; null: no budget" }),
  budget_resets_at: z.string().nullable().openapi({ description: "When the current period ends (UTC); null: lifetime or no budget" }),
} as const;

export const ApiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    role: z.enum(["admin", "developer"]),
    user_id: z.uuid().nullable(),
    user_email: z.string().nullable().openapi({ description: "The email of the human the key belongs to; null for agents' keys" }),
    created_by_key_id: z
      .uuid()
      .nullable()
      .openapi({ description: "The key that created this one (headless management); null: a human or registration" }),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    platform_role: z
      .enum(["admin", "proposer"])
      .nullable()
      .openapi({ description: "Platform power the key was minted with (platform_admin / platform_proposer); null: a plain tenant key" }),
    rotated_at: z.string().nullable().openapi({ description: "Last rotation; null: never rotated" }),
    previous_secret_expires_at: z.string().nullable().openapi({
      description:
        "When the secret the last rotation replaced stops (or stopped) working; after it, that secret answers 401 api_key_rotated",
    }),
    ...policyFields,
    ...spendFields,
  })
  .openapi("ApiKey");
export const ApiKeyList = z.object({ data: z.array(ApiKey), next_cursor: z.string().nullable() }).openapi("ApiKeyList");
export const CreatedApiKey = ApiKey.extend({ key: z.string().openapi({ description: "br_live_… key, shown this once." }) }).openapi(
  "CreatedApiKey",
);

const ExpiresAt = z.iso.datetime({ offset: true }).nullable().openapi({ description: "A future date-time; null: never expires." });
const budgetNeedsAmount = (b: { budget_usd?: number | null; budget_period?: unknown }) =>
  !(b.budget_period != null && b.budget_usd == null);

export const CreateApiKeyRequest = z
  .strictObject({
    name: displayString(100),
    role: z
      .enum(["admin", "developer"])
      .default("developer")
      .openapi({ description: "admin keys: owners on the dashboard, admin-role keys on /v1." }),
    expires_in_days: z.number().int().min(1).max(365).optional(),
    expires_at: ExpiresAt.optional(),
    platform_admin: z.boolean().optional().openapi({ description: "Mint a platform-admin key (for MCP); platform admins only" }),
    platform_proposer: z
      .boolean()
      .optional()
      .openapi({ description: "Mint a key that may read the admin API, dry-run and propose; platform admins and proposers only" }),
    rate_limit_rpm: policyFields.rate_limit_rpm.optional(),
    budget_usd: policyFields.budget_usd.optional(),
    budget_period: policyFields.budget_period.optional().openapi({ description: "Default monthly when budget_usd is set" }),
    allowed_models: policyFields.allowed_models.optional(),
  })
  .refine((b) => b.expires_at === undefined || b.expires_in_days === undefined, {
    message: "expires_at or expires_in_days, not both",
    path: ["expires_at"],
  })
  .refine(budgetNeedsAmount, { message: "budget_period needs budget_usd", path: ["budget_period"] })
  .openapi("CreateApiKeyRequest");

export const UpdateApiKeyRequest = z
  .strictObject({
    name: displayString(100).optional(),
    expires_at: ExpiresAt.optional(),
    rate_limit_rpm: policyFields.rate_limit_rpm.optional(),
    budget_usd: policyFields.budget_usd.optional(),
    budget_period: policyFields.budget_period.optional(),
    allowed_models: policyFields.allowed_models.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "at least one field is required" })
  .openapi("UpdateApiKeyRequest");

export const RotateApiKeyRequest = z
  .strictObject({
    grace_seconds: z
      .number()
      .int()
      .min(ROTATION_GRACE.min)
      .max(ROTATION_GRACE.max)
      .optional()
      .openapi({ description: `How long the old secret keeps working (default ${ROTATION_GRACE.default}; 0: it stops at once).` }),
  })
  .openapi("RotateApiKeyRequest");
/** One text for both rotate routes. */
export const ROTATE_DESCRIPTION =
  "A new secret under the same key id, shown this once. The old secret keeps working for grace_seconds, then answers 401 " +
  "api_key_rotated on every instance. Rotating again during a grace ends the previous old secret at once: a key has at most two " +
  "live secrets. Rotating a key needs the power to create it (its role, its platform power).";
