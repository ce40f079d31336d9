import type { RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";

export interface Model {
  id: string;
  object: "model";
  owned_by: string;
  [field: string]: unknown;
}

export class Models extends APIResource {
  /** Models this key may call (OpenAI-compatible list). */
  list(options?: RequestOptions): Promise<{ object: "list"; data: Model[] }> {
    return this.core.request({ method: "GET", path: "/v1/models", credential: "apiKey", options });
  }
}
