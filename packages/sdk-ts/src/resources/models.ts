import { path, type RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";

export interface Model {
  id: string;
  object: "model";
  /** Unix seconds. */
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: "list";
  data: Model[];
}

export class Models extends APIResource {
  /** Models this key may call (OpenAI-compatible list). */
  list(options?: RequestOptions): Promise<ModelList> {
    return this.core.request({ method: "GET", path: "/v1/models", credential: "apiKey", options });
  }

  /** One model by id (`openai/gpt-4o` too: the id is sent as one path segment); an unknown one throws NotFoundError (`model_not_found`). */
  retrieve(id: string, options?: RequestOptions): Promise<Model> {
    return this.core.request({ method: "GET", path: path`/v1/models/${id}`, credential: "apiKey", options });
  }
}
