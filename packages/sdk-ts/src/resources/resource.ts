import type { RequestCore } from "../core/request.js";

/** Resources are thin: they name the route and its credential, the core does the rest. */
export abstract class APIResource {
  constructor(protected readonly core: RequestCore) {}
}
