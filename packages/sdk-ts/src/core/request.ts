import { Stream } from "./streaming.js";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, BrainstormRouterError } from "./errors.js";

export const VERSION = "0.1.0";

/** Per-call overrides of the client's settings. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Milliseconds per attempt. */
  timeout?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}

/**
 * Which credential a route takes: `/v1/*` an API key, `/auth/*` an OIDC access token; admin
 * routes take either (a platform admin's key or token).
 */
export type Credential = "apiKey" | "accessToken" | "either" | "none";

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface ApiRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  credential: Credential;
  query?: Query;
  body?: unknown;
  /** Error statuses whose body is a result, not an exception (the RFC 8628 poll). */
  resultOnError?: (status: number, body: unknown) => boolean;
  /** Answer a Stream over the server-sent events instead of parsing a JSON body. */
  stream?: boolean;
  options?: RequestOptions | undefined;
}

export interface CoreSettings {
  baseURL: string;
  apiKey: string | undefined;
  accessToken: string | undefined;
  tenantId: string | undefined;
  maxRetries: number;
  timeout: number;
  fetch: typeof fetch;
  defaultHeaders: Record<string, string>;
}

/** Builds a path with every interpolated value encoded as one segment. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]!) : ""), "");
}

/** The one place requests are sent: credentials, timeouts, retries and error mapping. */
export class RequestCore {
  constructor(readonly settings: CoreSettings) {}

  async request<T>(req: ApiRequest): Promise<T> {
    const url = this.url(req.path, req.query);
    const headers = this.headers(req);
    const maxRetries = req.options?.maxRetries ?? this.settings.maxRetries;
    const timeout = req.options?.timeout ?? this.settings.timeout;
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    for (let attempt = 0; ; attempt++) {
      const retriesLeft = maxRetries - attempt;
      let response: Response;
      const controller = new AbortController();
      try {
        response = await this.fetchOnce(url, { method: req.method, headers, body }, timeout, req.options?.signal, controller);
      } catch (err) {
        if (err instanceof APIUserAbortError || retriesLeft <= 0) throw err;
        await sleep(backoffMs(attempt));
        continue;
      }
      // A stream is retried only until it starts: once events flow, they belong to the caller.
      if (req.stream && response.ok) return new Stream(response, controller) as T;
      const parsed = await readBody(response);
      if (response.ok || req.resultOnError?.(response.status, parsed)) return parsed as T;
      if (retriesLeft > 0 && shouldRetry(response.status, parsed)) {
        await sleep(retryDelayMs(response.headers, attempt));
        continue;
      }
      throw APIError.generate(response.status, parsed, response.headers);
    }
  }

  private url(p: string, query: Query | undefined): string {
    const url = new URL(this.settings.baseURL.replace(/\/+$/, "") + p);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private headers(req: ApiRequest): Record<string, string> {
    const { apiKey, accessToken, tenantId } = this.settings;
    const headers: Record<string, string> = { accept: "application/json", "user-agent": `brainstormrouter-ts/${VERSION}` };
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const token =
      req.credential === "apiKey"
        ? apiKey
        : req.credential === "accessToken"
          ? accessToken
          : req.credential === "either"
            ? (apiKey ?? accessToken)
            : undefined;
    if (req.credential !== "none") {
      if (!token) {
        const wanted = req.credential === "either" ? "apiKey or accessToken" : req.credential;
        throw new BrainstormRouterError(`${req.method} ${req.path} needs the client's ${wanted}.`);
      }
      headers.authorization = `Bearer ${token}`;
      // The tenant header only means something next to a human's token (DESIGN.md §6).
      if (token === accessToken && tenantId) headers["x-br-tenant-id"] = tenantId;
    }
    return { ...headers, ...this.settings.defaultHeaders, ...req.options?.headers };
  }

  private async fetchOnce(
    url: string,
    init: RequestInit,
    timeout: number,
    signal: AbortSignal | undefined,
    controller: AbortController,
  ): Promise<Response> {
    if (signal?.aborted) throw new APIUserAbortError();
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    try {
      return await this.settings.fetch.call(undefined, url, { ...init, signal: controller.signal });
    } catch (err) {
      if (signal?.aborted) throw new APIUserAbortError();
      if (timedOut) throw new APIConnectionTimeoutError();
      throw new APIConnectionError(undefined, { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * 408, 429 and 5xx are transient. A 409 is retried only when the server says it is (recovery
 * `retry`/`wait`): this API's conflicts (invalid_transition, already_member) never resolve by
 * themselves, and retrying them would only delay the answer.
 */
function shouldRetry(status: number, body: unknown): boolean {
  if (status === 408 || status === 429 || status >= 500) return true;
  if (status !== 409) return false;
  const action = (body as { error?: { recovery?: { action?: string } } } | null)?.error?.recovery?.action;
  return action === "retry" || action === "wait";
}

const MAX_RETRY_AFTER_MS = 60_000;

/** Retry-After (seconds or HTTP date) when the server sent a sane one, else jittered back-off. */
export function retryDelayMs(headers: Headers, attempt: number): number {
  const value = headers.get("retry-after");
  if (value) {
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS) return ms;
  }
  return backoffMs(attempt);
}

/** 0.5 s doubling to 8 s, minus up to 25 % so that clients failing together do not retry together. */
export function backoffMs(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 8_000);
  return base * (1 - Math.random() * 0.25);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
