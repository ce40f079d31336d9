import type { Logger } from "pino";
import type { SharedCache } from "../cache/interface.js";

/**
 * The poll state of devices nobody has decided on yet, kept in the shared cache (memory or Redis)
 * so that the common poll — "still pending" — costs no database transaction (RFC 8628 §3.5 has
 * every terminal poll every few seconds for up to 15 minutes).
 *
 * Two keys per device, so a poll can never undo a decision:
 *   state  written only by authorize ("pending") and by confirm ("decided", after its commit);
 *          a database read that finds the device pending only `add`s it (NX), so it cannot
 *          overwrite a "decided" written meanwhile.
 *   poll   written only by polls: when the last one came and the interval it was told.
 * Anything but a "pending" state sends the poll to the database, which stays the authority.
 * The state lives 30 s at most: if a decision's cache write were ever lost, polls find out from
 * the database within that time.
 */
const STATE_TTL_MS = 30_000;
const DECIDED = "decided";

interface PendingState {
  tenantId: string;
  expiresAt: number;
}
interface PollState {
  at: number;
  interval: number;
}

export type CachedPollAnswer = { error: "authorization_pending" } | { error: "slow_down"; interval: number };

/**
 * The cache is an optimisation and the database the authority, so a failing cache (Redis down or
 * frozen) never fails a device request: writes are skipped with a warning, and a read that fails
 * sends the poll to the database. A "decided" lost that way is found by polls within STATE_TTL_MS.
 */
export class DevicePollCache {
  constructor(
    private readonly cache: SharedCache,
    private readonly log?: Logger,
  ) {}

  /** After authorize, or after the database found the device still pending. */
  rememberPending(codeHash: string, state: PendingState, poll?: PollState): Promise<void> {
    return this.bestEffort("remember a pending device", () => this.writePending(codeHash, state, poll));
  }

  private async writePending(codeHash: string, state: PendingState, poll?: PollState): Promise<void> {
    const ttl = Math.min(STATE_TTL_MS, state.expiresAt - Date.now());
    if (ttl <= 0) return;
    await this.cache.add(stateKey(codeHash), JSON.stringify(state), ttl);
    if (poll) await this.cache.set(pollKey(codeHash), JSON.stringify(poll), ttl);
  }

  /** After a decision (approve or deny) committed: from now on polls ask the database. */
  decided(codeHash: string): Promise<void> {
    return this.bestEffort("mark a device decided", () => this.cache.set(stateKey(codeHash), DECIDED, STATE_TTL_MS));
  }

  /**
   * Answers a poll of a pending device of `tenantId` from the cache, counting it for slow_down;
   * undefined when the database must answer (unknown here, decided, expired, another tenant).
   */
  async answer(codeHash: string, tenantId: string, initialInterval: number, step: number): Promise<CachedPollAnswer | undefined> {
    try {
      return await this.cachedAnswer(codeHash, tenantId, initialInterval, step);
    } catch (err) {
      this.log?.warn({ err }, "device poll cache failed; answering from the database");
      return undefined;
    }
  }

  private async bestEffort(what: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.log?.warn({ err }, `could not ${what} in the device poll cache`);
    }
  }

  private async cachedAnswer(
    codeHash: string,
    tenantId: string,
    initialInterval: number,
    step: number,
  ): Promise<CachedPollAnswer | undefined> {
    const raw = await this.cache.get(stateKey(codeHash));
    if (!raw || raw === DECIDED) return undefined;
    const state = JSON.parse(raw) as PendingState;
    const now = Date.now();
    if (state.tenantId !== tenantId || state.expiresAt <= now) return undefined;
    const lastRaw = await this.cache.get(pollKey(codeHash));
    const last = lastRaw ? (JSON.parse(lastRaw) as PollState) : undefined;
    const interval = last?.interval ?? initialInterval;
    const tooSoon = last !== undefined && now - last.at < interval * 1000;
    const next: PollState = { at: now, interval: tooSoon ? interval + step : interval };
    await this.cache.set(pollKey(codeHash), JSON.stringify(next), state.expiresAt - now);
    return tooSoon ? { error: "slow_down", interval: next.interval } : { error: "authorization_pending" };
  }
}

const stateKey = (codeHash: string) => `device:${codeHash}:state`;
const pollKey = (codeHash: string) => `device:${codeHash}:poll`;
