import type { Config } from "../../config.js";
import { RetryLaterError } from "../../events/bus.js";

type SlackConfig = Pick<Config, "SLACK_API_URL" | "SLACK_BOT_TOKEN" | "SLACK_CHANNEL_ID" | "SLACK_WEBHOOK_URL">;

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** Slack says how long to wait on a 429 (https://api.slack.com/apis/rate-limits); we do as told. */
function retryAfterMs(res: Response): number {
  const seconds = Number(res.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

/**
 * `target` names the request in errors ("chat.postMessage", "incoming webhook"): the URL never
 * appears, since a webhook URL or response_url is itself the credential and errors end up in logs
 * and event_deliveries.last_error.
 */
async function post(url: string, target: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    // fetch's own errors may quote the URL ("Failed to parse URL from …"): keep only the cause's code.
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    throw new Error(`Slack request to ${target} failed${typeof code === "string" ? ` (${code})` : ""}`);
  }
  if (res.status === 429) throw new RetryLaterError(retryAfterMs(res), `Slack rate-limited ${target}`);
  if (!res.ok) throw new Error(`Slack answered ${res.status} to ${target}`);
  return res;
}

/** Web API method with the bot token; Slack reports most failures as 200 {ok:false, error}. */
export async function callSlack(
  config: SlackConfig,
  method: string,
  body: Record<string, unknown>,
  signal?: AbortSignal,
  headers: Record<string, string> = {},
) {
  const res = await post(
    `${config.SLACK_API_URL.replace(/\/$/, "")}/${method}`,
    method,
    body,
    { authorization: `Bearer ${config.SLACK_BOT_TOKEN}`, ...headers },
    signal,
  );
  const json = (await res.json()) as { ok?: boolean; error?: string; channel?: string; ts?: string };
  if (!json.ok) throw new Error(`Slack ${method} failed: ${json.error ?? "unknown error"}`);
  return json;
}

export function slackConfigured(config: SlackConfig): boolean {
  return Boolean((config.SLACK_BOT_TOKEN && config.SLACK_CHANNEL_ID) || config.SLACK_WEBHOOK_URL);
}

/** Where a posted message lives, for a later chat.update. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/**
 * Posts to the channel: chat.postMessage with the bot token when there is one (the buttons then
 * work with chat.update too), else the incoming webhook. The delivery id travels as a header and,
 * for the Web API, in message metadata, so a receiver can recognise a retry. Returns where the
 * message is when Slack says so (Web API only: an incoming webhook answers a bare "ok").
 */
export async function postToChannel(
  config: SlackConfig,
  message: SlackMessage,
  deliveryId: string,
  signal?: AbortSignal,
): Promise<PostedMessage | null> {
  const headers = { "x-br-delivery-id": deliveryId };
  if (config.SLACK_BOT_TOKEN && config.SLACK_CHANNEL_ID) {
    const posted = await callSlack(
      config,
      "chat.postMessage",
      {
        channel: config.SLACK_CHANNEL_ID,
        ...message,
        metadata: { event_type: "br_event_delivery", event_payload: { delivery_id: deliveryId } },
      },
      signal,
      headers,
    );
    return posted.channel && posted.ts ? { channel: posted.channel, ts: posted.ts } : null;
  }
  await post(config.SLACK_WEBHOOK_URL!, "incoming webhook", message, headers, signal);
  return null;
}

/**
 * Answers a button click: `replace` swaps the original message (buttons gone), otherwise only the
 * clicker sees the reply. Through the click's response_url, else chat.update with the bot token.
 */
export async function respondToAction(
  config: SlackConfig,
  target: { responseUrl?: string | undefined; channel?: string | undefined; ts?: string | undefined },
  message: SlackMessage,
  options: { replace: boolean; signal?: AbortSignal },
) {
  if (target.responseUrl) {
    const mode = options.replace ? { replace_original: true } : { replace_original: false, response_type: "ephemeral" };
    await post(target.responseUrl, "response_url", { ...mode, ...message }, {}, options.signal);
  } else if (options.replace && config.SLACK_BOT_TOKEN && target.channel && target.ts) {
    await callSlack(config, "chat.update", { channel: target.channel, ts: target.ts, ...message }, options.signal);
  }
}
