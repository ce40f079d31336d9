import { PagePromise, type PageResponse } from "../core/pagination.js";
import type { Credential, Query, RequestCore, RequestOptions } from "../core/request.js";
import type { ListParams } from "./shared.js";

/** Resources are thin: they name the route and its credential, the core does the rest. */
export abstract class APIResource {
  constructor(protected readonly core: RequestCore) {}

  /** A list route (DESIGN.md §6): the first page on await, every item on `for await`. */
  protected paginate<Item>(path: string, credential: Credential, params: ListParams & Query, options?: RequestOptions): PagePromise<Item> {
    const { cursor, ...query } = params;
    return new PagePromise(
      (c) => this.core.request<PageResponse<Item>>({ method: "GET", path, credential, query: { ...query, cursor: c }, options }),
      cursor,
    );
  }
}
