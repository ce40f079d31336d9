import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Identity } from "../auth/jwt.js";
import type { KeyRecord } from "../auth/api-key/key-cache.js";
import type { Actor } from "../services/actor.js";
import type { MembershipRow } from "../store/memberships.js";

/** Typed request variables set by the middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    actor: Actor;
    apiKey: KeyRecord;
    identity: Identity;
    memberships: MembershipRow[];
    membership: MembershipRow | undefined;
    /** performance.now() when a data-plane request arrived (x-br-overhead-ms). */
    startedAt: number;
  };
}

export type App = OpenAPIHono<AppEnv>;
