import type { RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";

/** What a usage query may ask; every field optional (the last 30 UTC days per day by default). */
export interface UsageParams {
  /** First UTC day, YYYY-MM-DD (default: `to` − 29 days; at most 366 days before `to`). */
  from?: string;
  /** Last UTC day, included (default: today). */
  to?: string;
  group_by?: UsageGroupBy;
  /** Keys or models per page, 1–1000 (default 100). */
  limit?: number;
  /** `next_cursor` of the previous page (key and model). */
  cursor?: string;
}

export type UsageGroupBy = "day" | "key" | "model";

export interface UsageFigures {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** USD, rounded to micro-dollars; models without a price count 0. */
  cost_usd: number;
  /** Requests answered with a status of 400 or more. */
  errors: number;
}

export interface UsageDay extends UsageFigures {
  day: string;
}

export interface UsageByKey extends UsageFigures {
  /** null: requests made without an API key. */
  key_id: string | null;
  key_name: string | null;
}

export interface UsageByModel extends UsageFigures {
  model: string;
}

export type UsageRow = UsageDay | UsageByKey | UsageByModel;

/** The row type `group_by` answers with. */
export type UsageRowFor<G extends UsageGroupBy | undefined> = G extends "key" ? UsageByKey : G extends "model" ? UsageByModel : UsageDay;

/**
 * Days: every day of the range, oldest first, empty days as zeros, `next_cursor` null. Keys and
 * models: by cost, then requests, a page at a time.
 */
export interface Usage<Row extends UsageRow = UsageRow> {
  data: Row[];
  totals: UsageFigures;
  next_cursor: string | null;
}

/** The dashboard's usage routes (`client.auth.usage`), for the signed-in member's current tenant. */
export class UsageResource extends APIResource {
  retrieve<P extends UsageParams>(params?: P, options?: RequestOptions): Promise<Usage<UsageRowFor<P["group_by"]>>>;
  retrieve(params?: UsageParams, options?: RequestOptions): Promise<Usage>;
  retrieve(params: UsageParams = {}, options?: RequestOptions): Promise<Usage> {
    return this.core.request({ method: "GET", path: "/auth/usage", credential: "accessToken", query: { ...params }, options });
  }
}
