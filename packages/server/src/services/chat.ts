import type { Deps } from "../deps.js";
import { admit } from "../governance/admission.js";
import type { KeyPolicy } from "../governance/policy.js";
import type { Price } from "../providers/config.js";
import { AppError } from "../errors/index.js";
import { promptTokens } from "../providers/tokens.js";
import { SseUsageTap } from "../providers/sse-usage.js";
import type { CallSignal, ChatBody, ChatCall, TokenUsage } from "../providers/types.js";
import type { Actor } from "./actor.js";

type ChatDeps = Pick<Deps, "providers" | "meter" | "spend">;

export interface ChatContext {
  requestId: string;
  /** Aborted when the client disconnects. */
  signal: CallSignal;
  /** performance.now() when the request reached the gateway. */
  startedAt: number;
  /** The calling key's budgets and model access (from the key cache). */
  policy: KeyPolicy;
}

/** `overheadMs`: time spent in the gateway itself, i.e. everything but waiting for the upstream. */
export type ChatOutcome =
  | { stream: false; json: string; overheadMs: number }
  | { stream: true; body: ReadableStream<Uint8Array>; overheadMs: number };

// nginx's "client closed request": the caller left before the answer was complete.
const CLIENT_CLOSED = 499;

/**
 * Records one usage event of `actor`'s call of `model`, timed from the request's arrival and
 * priced, and charges its cost to the key's budgets.
 */
export function usageRecorder(deps: Pick<Deps, "meter" | "providers" | "spend">, actor: Actor, model: string, ctx: ChatContext) {
  return (status: number, usage: TokenUsage | null) => {
    const promptTokens = usage?.promptTokens ?? 0;
    const completionTokens = usage?.completionTokens ?? 0;
    const price = deps.providers.priceOf(model);
    const costUsd = price ? costOf(price, promptTokens, completionTokens) : 0;
    if (ctx.policy.budgets.length > 0) deps.spend.charge(ctx.policy.budgets, costUsd);
    deps.meter.record({
      tenantId: actor.tenantId,
      keyId: actor.keyId ?? null,
      model: model.slice(0, 200),
      promptTokens,
      completionTokens,
      latencyMs: Math.round(performance.now() - ctx.startedAt),
      status,
      createdAt: new Date(),
      costUsd,
      // A model that is not served cost nothing: only a served model without a price is unknown.
      priced: price !== null,
    });
  };
}

/** USD of a call at `price` (per million tokens). */
export function costOf(price: Price, promptTokens: number, completionTokens: number): number {
  return (promptTokens * price.input_per_mtok + completionTokens * price.output_per_mtok) / 1e6;
}

/** Meters a call that failed before its answer (refused, upstream error, caller gone) and names the error to answer. */
export function meteredFailure(err: unknown, signal: CallSignal, meter: (status: number, usage: null) => void): unknown {
  const status = signal.aborted ? CLIENT_CLOSED : err instanceof AppError ? err.status : 500;
  meter(status, null);
  return signal.aborted ? new AppError("client_closed_request") : err;
}

/** Routes one chat completion to its provider and meters it, whatever the outcome. */
export async function createChatCompletion(deps: ChatDeps, actor: Actor, body: ChatBody, ctx: ChatContext): Promise<ChatOutcome> {
  const meter = usageRecorder(deps, actor, body.model, ctx);
  try {
    const route = deps.providers.resolve(body.model);
    await admit(deps, ctx.policy, route);
    const call: ChatCall = { body: { ...body, model: route.upstreamModel }, requestId: ctx.requestId, signal: ctx.signal };
    const upstreamStart = performance.now();
    if (!body.stream) {
      const completion = await route.provider.complete(call);
      const upstreamMs = performance.now() - upstreamStart;
      meter(200, completion.usage ?? { promptTokens: promptTokens(body.messages), completionTokens: 0 });
      return { stream: false, json: completion.json, overheadMs: performance.now() - ctx.startedAt - upstreamMs };
    }
    const upstream = await route.provider.stream(call);
    const upstreamMs = performance.now() - upstreamStart;
    const closed = deps.meter.streamOpened();
    const recorded = (status: number, usage: TokenUsage) => {
      meter(status, usage);
      closed();
    };
    return { stream: true, body: metered(upstream, body, recorded), overheadMs: performance.now() - ctx.startedAt - upstreamMs };
  } catch (err) {
    throw meteredFailure(err, ctx.signal, meter);
  }
}

/**
 * Passes the upstream's SSE bytes on chunk by chunk (nothing is held back or re-encoded) and
 * meters once the stream ends, fails, or the client cancels it.
 */
function metered(upstream: ReadableStream<Uint8Array>, body: ChatBody, meter: (status: number, usage: TokenUsage) => void) {
  const reader = upstream.getReader();
  const tap = new SseUsageTap();
  let metered = false;
  const finish = (status: number) => {
    if (metered) return;
    metered = true;
    meter(status, tap.usage(promptTokens(body.messages)));
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (err) {
          finish(502);
          return controller.error(err);
        }
        if (next.done) {
          finish(200);
          return controller.close();
        }
        tap.write(next.value);
        controller.enqueue(next.value);
      },
      cancel(reason) {
        finish(CLIENT_CLOSED);
        return reader.cancel(reason);
      },
    },
    // Read from the upstream only when the client has taken the previous chunk.
    { highWaterMark: 0 },
  );
}
