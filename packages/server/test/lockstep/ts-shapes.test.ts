import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { BrainstormRouter, type PagePromise, type PageResponse } from "../../../sdk-ts/src/index.js";
import type * as admin from "../../src/http/routes/admin.js";
import type * as proposals from "../../src/http/routes/admin-proposals.js";
import type * as audit from "../../src/http/routes/audit.js";
import type * as auth from "../../src/http/routes/auth.js";
import type * as chat from "../../src/http/routes/chat.js";
import type * as claims from "../../src/http/routes/claims.js";
import type * as apiKeys from "../../src/http/routes/api-key-schemas.js";
import type * as management from "../../src/http/routes/dashboard-management.js";
import type * as devSignIn from "../../src/http/routes/dev-sign-in.js";
import type * as embeddings from "../../src/http/routes/embeddings.js";
import type * as bridge from "../../src/http/routes/identity-bridge.js";
import type * as models from "../../src/http/routes/models.js";
import type * as register from "../../src/http/routes/register.js";
import type * as tenant from "../../src/http/routes/tenant.js";
import type * as settings from "../../src/http/routes/tenant-settings.js";
import type * as usage from "../../src/http/routes/usage.js";

/**
 * The TypeScript SDK's return types are the routes' response schemas (z.infer), both ways: a
 * field the API gains, drops, renames, retypes or makes optional fails here. The assertions are
 * types, checked by vitest's typecheck pool (vitest.config.ts: typecheck, tsconfig.shapes.json);
 * at run time this file checks that every SDK method has one.
 */

// Read, not rendered: lockstep.test.ts proves the file is what the routes generate.
const OPENAPI_YAML_PATH = fileURLToPath(new URL("../../../../docs/openapi.yaml", import.meta.url));
// SDK methods for routes that docs/openapi.yaml leaves out (mounted only in development).
const UNDOCUMENTED = ["auth.devSignIn"];

declare const client: BrainstormRouter;
type Client = BrainstormRouter;
type Out<S extends z.ZodType> = z.infer<S>;
/** What a method's promise resolves to; of overloads the last (chat: the non-streaming one). */
type Returns<M> = M extends (...args: never[]) => PromiseLike<infer R> ? R : never;
/**
 * A type spelled out field by field: an interface, an intersection and zod's flattened object of
 * the same fields become one type, so that the comparison sees fields, not how they were written.
 */
type Shape<T> = T extends (infer Item)[] ? Shape<Item>[] : T extends object ? { [K in keyof T]: Shape<T[K]> } : T;
/** What one page of a list method's answer is on the wire. */
type Page<M> = M extends (...args: never[]) => PagePromise<infer Item> ? PageResponse<Item> : never;
/** The list routes' envelope, as dashboard-management.ts builds it. */
type ListOf<Item extends z.ZodType> = Out<ReturnType<typeof management.list<Item>>>;
type DryRun = Out<typeof admin.DryRun>;
type Proposal = Out<typeof proposals.Proposal>;
/** The proposal and audit routes build their list schemas inline: the envelope every list has. */
type Proposals = { data: Proposal[]; next_cursor: string | null };
type AuditEvents = { data: Out<typeof audit.AuditEvent>[]; next_cursor: string | null };

// Each test is named for its operationId: the typecheck pool reports type errors by test.
describe("TypeScript SDK return types are the routes' response schemas", () => {
  it("register", () => {
    expectTypeOf<Shape<Returns<Client["register"]>>>().toEqualTypeOf<Shape<Out<typeof register.RegisterResponse>>>();
  });
  it("tenant.retrieve", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["retrieve"]>>>().toEqualTypeOf<Shape<Out<typeof tenant.TenantResponse>>>();
  });
  it("tenant.listAuditEvents", () => {
    expectTypeOf<Shape<Page<Client["tenant"]["listAuditEvents"]>>>().toEqualTypeOf<Shape<AuditEvents>>();
  });
  it("tenant.settings", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["settings"]>>>().toEqualTypeOf<Shape<Out<typeof settings.TenantSettings>>>();
  });
  it("tenant.updateSettings", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["updateSettings"]>>>().toEqualTypeOf<Shape<Out<typeof settings.TenantSettings>>>();
  });
  it("tenant.usage", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["usage"]>>>().toEqualTypeOf<Shape<Out<typeof usage.Usage>>>();
    // group_by picks the row type.
    expectTypeOf<Awaited<ReturnType<typeof client.tenant.usage<{ group_by: "key" }>>>["data"][number]>().toEqualTypeOf<
      Out<typeof usage.UsageByKey>
    >();
  });
  it("tenant.listApiKeys", () => {
    expectTypeOf<Shape<Page<Client["tenant"]["listApiKeys"]>>>().toEqualTypeOf<Shape<ListOf<typeof apiKeys.ApiKey>>>();
  });
  it("tenant.createApiKey", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["createApiKey"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.CreatedApiKey>>>();
  });
  it("tenant.updateApiKey", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["updateApiKey"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.ApiKey>>>();
  });
  it("tenant.revokeApiKey", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["revokeApiKey"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.ApiKey>>>();
  });
  it("tenant.rotateApiKey", () => {
    expectTypeOf<Shape<Returns<Client["tenant"]["rotateApiKey"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.CreatedApiKey>>>();
  });

  it("admin.listTenants", () => {
    expectTypeOf<Shape<Page<Client["admin"]["listTenants"]>>>().toEqualTypeOf<Shape<Out<typeof admin.TenantList>>>();
  });
  it("admin.getTenant", () => {
    expectTypeOf<Shape<Returns<Client["admin"]["getTenant"]>>>().toEqualTypeOf<Shape<Out<typeof admin.TenantDetail>>>();
  });
  it("admin.approveTenant", () => {
    type Transition = Out<typeof admin.TransitionResult> | DryRun;
    expectTypeOf<Shape<Returns<typeof client.admin.approveTenant<{ dryRun: boolean }>>>>().toEqualTypeOf<Shape<Transition>>();
    // Without dryRun the answer is the change made, nothing else.
    expectTypeOf<Shape<Returns<typeof client.admin.approveTenant<{}>>>>().toEqualTypeOf<Shape<Out<typeof admin.TransitionResult>>>();
    expectTypeOf<Shape<Returns<typeof client.admin.approveTenant<{ dryRun: true }>>>>().toEqualTypeOf<Shape<DryRun>>();
  });
  it("admin.rejectTenant", () => {
    type Transition = Out<typeof admin.TransitionResult> | DryRun;
    expectTypeOf<Shape<Returns<typeof client.admin.rejectTenant<{ dryRun: boolean }>>>>().toEqualTypeOf<Shape<Transition>>();
  });
  it("admin.suspendTenant", () => {
    type Transition = Out<typeof admin.TransitionResult> | DryRun;
    expectTypeOf<Shape<Returns<typeof client.admin.suspendTenant<{ dryRun: boolean }>>>>().toEqualTypeOf<Shape<Transition>>();
  });
  it("admin.createInviteCode", () => {
    // 201 the code, 200 the dry run.
    type Created = Returns<typeof client.admin.createInviteCode<{ dryRun: boolean }>>;
    expectTypeOf<Shape<Created>>().toEqualTypeOf<Shape<Out<typeof admin.InviteCode> | DryRun>>();
  });
  it("admin.listInviteCodes", () => {
    // The route builds its list schema inline: its envelope is the one every list has.
    type Codes = { data: Out<typeof admin.InviteCode>[]; next_cursor: string | null };
    expectTypeOf<Shape<Page<Client["admin"]["listInviteCodes"]>>>().toEqualTypeOf<Shape<Codes>>();
  });
  it("admin.deleteInviteCode", () => {
    type Deleted = Returns<typeof client.admin.deleteInviteCode<{ dryRun: boolean }>>;
    expectTypeOf<Shape<Deleted>>().toEqualTypeOf<Shape<Out<typeof admin.InviteCode> | DryRun>>();
  });
  it("admin.digest", () => {
    expectTypeOf<Shape<Returns<Client["admin"]["digest"]>>>().toEqualTypeOf<Shape<Out<typeof admin.Digest>>>();
  });
  it("admin.createProposal", () => {
    expectTypeOf<Shape<Returns<Client["admin"]["createProposal"]>>>().toEqualTypeOf<Shape<Proposal>>();
  });
  it("admin.listProposals", () => {
    expectTypeOf<Shape<Page<Client["admin"]["listProposals"]>>>().toEqualTypeOf<Shape<Proposals>>();
  });
  it("admin.getProposal", () => {
    expectTypeOf<Shape<Returns<Client["admin"]["getProposal"]>>>().toEqualTypeOf<Shape<Proposal>>();
  });
  it("admin.approveProposal", () => {
    expectTypeOf<Shape<Returns<typeof client.admin.approveProposal<{ dryRun: boolean }>>>>().toEqualTypeOf<Shape<Proposal | DryRun>>();
    // Without dryRun the answer is the executed proposal, nothing else.
    expectTypeOf<Shape<Returns<typeof client.admin.approveProposal<{}>>>>().toEqualTypeOf<Shape<Proposal>>();
    expectTypeOf<Shape<Returns<typeof client.admin.approveProposal<{ dryRun: true }>>>>().toEqualTypeOf<Shape<DryRun>>();
  });
  it("admin.declineProposal", () => {
    expectTypeOf<Shape<Returns<Client["admin"]["declineProposal"]>>>().toEqualTypeOf<Shape<Proposal>>();
  });
  it("admin.listAuditEvents", () => {
    expectTypeOf<Shape<Page<Client["admin"]["listAuditEvents"]>>>().toEqualTypeOf<Shape<AuditEvents>>();
  });

  it("identityBridge.generateClaimLink", () => {
    expectTypeOf<Shape<Returns<Client["identityBridge"]["generateClaimLink"]>>>().toEqualTypeOf<Shape<Out<typeof bridge.ClaimLink>>>();
  });
  it("identityBridge.createBrowserLink", () => {
    expectTypeOf<Shape<Returns<Client["identityBridge"]["createBrowserLink"]>>>().toEqualTypeOf<Shape<Out<typeof bridge.BrowserLink>>>();
  });
  it("identityBridge.authorizeDevice", () => {
    expectTypeOf<Shape<Returns<Client["identityBridge"]["authorizeDevice"]>>>().toEqualTypeOf<
      Shape<Out<typeof bridge.DeviceAuthorization>>
    >();
  });
  it("identityBridge.pollDeviceToken", () => {
    // RFC 8628 §3.5 states come back as values; invalid_grant and invalid_request are mistakes
    // of the caller, thrown as BadRequestError.
    type Body = Out<typeof bridge.DeviceTokenErrorBody>;
    type State = { [K in keyof Body]: K extends "error" ? Exclude<Body[K], "invalid_grant" | "invalid_request"> : Body[K] };
    expectTypeOf<Shape<Returns<Client["identityBridge"]["pollDeviceToken"]>>>().toEqualTypeOf<
      Shape<Out<typeof bridge.DeviceLinked> | State>
    >();
  });

  it("auth.provision", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["provision"]>>>().toEqualTypeOf<Shape<Out<typeof auth.ProvisionResponse>>>();
  });
  it("auth.me", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["me"]>>>().toEqualTypeOf<Shape<Out<typeof auth.MeResponse>>>();
  });
  it("auth.claim", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["claim"]>>>().toEqualTypeOf<Shape<Out<typeof claims.ClaimResult>>>();
  });
  it("auth.previewClaim", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["previewClaim"]>>>().toEqualTypeOf<Shape<Out<typeof claims.ClaimPreview>>>();
  });
  it("auth.lookupDevice", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["lookupDevice"]>>>().toEqualTypeOf<Shape<Out<typeof claims.DeviceLookup>>>();
  });
  it("auth.confirmDevice", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["confirmDevice"]>>>().toEqualTypeOf<Shape<Out<typeof claims.DeviceConfirmation>>>();
  });
  it("auth.listAuditEvents", () => {
    expectTypeOf<Shape<Page<Client["auth"]["listAuditEvents"]>>>().toEqualTypeOf<Shape<AuditEvents>>();
  });
  it("auth.devSignIn", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["devSignIn"]>>>().toEqualTypeOf<Shape<Out<typeof devSignIn.SignInResponse>>>();
  });
  it("auth.apiKeys.list", () => {
    expectTypeOf<Shape<Page<Client["auth"]["apiKeys"]["list"]>>>().toEqualTypeOf<Shape<ListOf<typeof apiKeys.ApiKey>>>();
  });
  it("auth.apiKeys.create", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["apiKeys"]["create"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.CreatedApiKey>>>();
  });
  it("auth.apiKeys.update", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["apiKeys"]["update"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.ApiKey>>>();
  });
  it("auth.apiKeys.rotate", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["apiKeys"]["rotate"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.CreatedApiKey>>>();
  });
  it("auth.apiKeys.revoke", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["apiKeys"]["revoke"]>>>().toEqualTypeOf<Shape<Out<typeof apiKeys.ApiKey>>>();
  });
  it("auth.members.list", () => {
    expectTypeOf<Shape<Page<Client["auth"]["members"]["list"]>>>().toEqualTypeOf<Shape<ListOf<typeof management.Member>>>();
  });
  it("auth.members.update", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["members"]["update"]>>>().toEqualTypeOf<Shape<Out<typeof management.Member>>>();
  });
  it("auth.members.remove", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["members"]["remove"]>>>().toEqualTypeOf<Shape<Out<typeof management.DeletedMember>>>();
  });
  it("auth.claimLinks.list", () => {
    expectTypeOf<Shape<Page<Client["auth"]["claimLinks"]["list"]>>>().toEqualTypeOf<Shape<ListOf<typeof management.ClaimLinkSummary>>>();
  });
  it("auth.claimLinks.create", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["claimLinks"]["create"]>>>().toEqualTypeOf<Shape<Out<typeof bridge.ClaimLink>>>();
  });
  it("auth.claimLinks.revoke", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["claimLinks"]["revoke"]>>>().toEqualTypeOf<Shape<Out<typeof management.ClaimLinkSummary>>>();
  });
  it("auth.tenantSettings.retrieve", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["tenantSettings"]["retrieve"]>>>().toEqualTypeOf<
      Shape<Out<typeof settings.TenantSettings>>
    >();
  });
  it("auth.tenantSettings.update", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["tenantSettings"]["update"]>>>().toEqualTypeOf<Shape<Out<typeof settings.TenantSettings>>>();
  });
  it("auth.usage.retrieve", () => {
    expectTypeOf<Shape<Returns<Client["auth"]["usage"]["retrieve"]>>>().toEqualTypeOf<Shape<Out<typeof usage.Usage>>>();
  });

  it("models.list", () => {
    expectTypeOf<Shape<Returns<Client["models"]["list"]>>>().toEqualTypeOf<Shape<Out<typeof models.ModelList>>>();
  });
  it("models.retrieve", () => {
    expectTypeOf<Shape<Returns<Client["models"]["retrieve"]>>>().toEqualTypeOf<Shape<Out<typeof models.Model>>>();
  });
  it("embeddings.create", () => {
    expectTypeOf<Shape<Returns<Client["embeddings"]["create"]>>>().toEqualTypeOf<Shape<Out<typeof embeddings.EmbeddingList>>>();
  });
  it("chat.completions.create", () => {
    // The JSON answer; the streamed one is text/event-stream, which has no schema to compare.
    expectTypeOf<Shape<Returns<Client["chat"]["completions"]["create"]>>>().toEqualTypeOf<Shape<Out<typeof chat.ChatCompletion>>>();
  });

  it("has a test above for every operation the TypeScript SDK has a method for, and for no other", ({ task }) => {
    const doc = parse(readFileSync(OPENAPI_YAML_PATH, "utf8")) as { paths: Record<string, Record<string, { operationId?: string }>> };
    const documented = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).flatMap((op) => (op.operationId ? [op.operationId] : [])),
    );
    const sdk = new BrainstormRouter({ baseURL: "http://shapes.invalid" });
    const hasMethod = (id: string) => {
      const segments = id.split(".");
      const owner = segments.slice(0, -1).reduce<unknown>((o, s) => (o as Record<string, unknown> | undefined)?.[s], sdk);
      return typeof (owner as Record<string, unknown> | undefined)?.[segments.at(-1)!] === "function";
    };
    const expected = [...documented, ...UNDOCUMENTED].filter(hasMethod).sort();
    const checked = task.suite!.tasks.filter((t) => t !== task).map((t) => t.name);
    expect(checked.sort(), "a test named for each operation").toEqual(expected);
  });
});
