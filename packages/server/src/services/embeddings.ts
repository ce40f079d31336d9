import type { Deps } from "../deps.js";
import { admit } from "../governance/admission.js";
import { estimateTokens } from "../providers/tokens.js";
import type { EmbeddingBody } from "../providers/types.js";
import type { Actor } from "./actor.js";
import { type ChatContext, meteredFailure, usageRecorder } from "./chat.js";

type EmbeddingDeps = Pick<Deps, "providers" | "meter" | "spend">;

/** `overheadMs` as for chat: the gateway's own time, without the upstream's. */
export interface EmbeddingOutcome {
  json: string;
  overheadMs: number;
}

/**
 * Routes one embeddings request to the model's provider and meters it like a chat completion:
 * one usage event, the input's tokens as prompt tokens (the upstream's count, else the gateway's),
 * no completion tokens. Any configured model may be asked; an upstream that cannot embed with it
 * answers its own error, mapped as for chat.
 */
export async function createEmbeddings(
  deps: EmbeddingDeps,
  actor: Actor,
  body: EmbeddingBody,
  ctx: ChatContext,
): Promise<EmbeddingOutcome> {
  const meter = usageRecorder(deps, actor, body.model, ctx);
  try {
    const route = deps.providers.resolve(body.model);
    await admit(deps, ctx.policy, route);
    const upstreamStart = performance.now();
    const answer = await route.provider.embed({
      body: { ...body, model: route.upstreamModel },
      requestId: ctx.requestId,
      signal: ctx.signal,
    });
    const upstreamMs = performance.now() - upstreamStart;
    meter(200, answer.usage ?? { promptTokens: inputTokens(body.input), completionTokens: 0 });
    return { json: answer.json, overheadMs: performance.now() - ctx.startedAt - upstreamMs };
  } catch (err) {
    throw meteredFailure(err, ctx.signal, meter);
  }
}

function inputTokens(input: EmbeddingBody["input"]): number {
  if (typeof input === "string") return estimateTokens(input);
  let n = 0;
  for (const item of input) n += typeof item === "string" ? estimateTokens(item) : Array.isArray(item) ? item.length : 1;
  return n;
}
