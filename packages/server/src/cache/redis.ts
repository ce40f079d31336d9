import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { SharedCache } from "./interface.js";

export interface RedisCacheOptions {
  prefix?: string;
  /** Every command fails after this long instead of waiting on a Redis that does not answer. */
  commandTimeoutMs?: number;
  /** How often the subscription connection is pinged; a ping unanswered by the next one means stalled. */
  pingMs?: number;
  log?: Logger;
}

// INCRBY and its expiry as one command: a MULTI/INCRBY/PEXPIRE/EXEC was four socket writes per
// budgeted request, a fifth of its CPU (decisions.md #154).
const INCR_SCRIPT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return value`;

const RAISE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0`;

/** The scripts, defined on the client: sent by SHA (EVALSHA), their text only when Redis lacks it. */
type Scripted = Redis & {
  incrByExpire(key: string, by: string, ttlMs: string): Promise<number>;
  raiseCounter(key: string, value: string, ttlMs: string): Promise<number>;
};

export class RedisCache implements SharedCache {
  readonly kind = "redis" as const;
  readonly client: Redis;
  private subscriber?: Redis;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly resyncs = new Set<(live: boolean) => void>();
  private readonly prefix: string;
  private readonly pingMs: number;
  private readonly log: Logger | undefined;
  private watchdog?: NodeJS.Timeout;
  // The subscription is down while its connection is closed or while it stops answering pings.
  private closed = false;
  private stalled = false;
  // What the subscribers were last told.
  private live = true;

  constructor(url: string, options: RedisCacheOptions = {}) {
    this.prefix = options.prefix ?? "br:";
    this.pingMs = options.pingMs ?? 500;
    this.log = options.log;
    // Named so operators (and tests) can tell this instance's connections apart in CLIENT LIST.
    this.client = new Redis(url, {
      maxRetriesPerRequest: 3,
      enableOfflineQueue: true,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectionName: `brainstormrouter-${this.prefix}`,
      // Commands issued in one event-loop turn (concurrent requests' budget reads and charges,
      // rate-limit points) go out in one write (decisions.md #154).
      enableAutoPipelining: true,
    });
    this.client.on("error", (err: Error) => this.log?.warn({ err }, "redis connection error"));
    this.client.defineCommand("incrByExpire", { numberOfKeys: 1, lua: INCR_SCRIPT });
    this.client.defineCommand("raiseCounter", { numberOfKeys: 1, lua: RAISE_SCRIPT });
  }

  private get scripts(): Scripted {
    return this.client as Scripted;
  }

  async get(key: string) {
    return this.client.get(this.prefix + key);
  }
  async set(key: string, value: string, ttlMs: number) {
    await this.client.set(this.prefix + key, value, "PX", ttlMs);
  }
  async add(key: string, value: string, ttlMs: number) {
    return (await this.client.set(this.prefix + key, value, "PX", ttlMs, "NX")) === "OK";
  }
  async delete(key: string) {
    await this.client.del(this.prefix + key);
  }
  async counters(keys: readonly string[]) {
    if (keys.length === 0) return [];
    const values = await this.client.mget(keys.map((k) => this.prefix + k));
    return values.map((v) => (v === null ? 0 : Number(v)));
  }
  async incrBy(key: string, by: number, ttlMs: number) {
    return Number(await this.scripts.incrByExpire(this.prefix + key, String(by), String(ttlMs)));
  }
  async raiseCounter(key: string, value: number, ttlMs: number) {
    // Read and set in one step: a charge landing between a GET and a SET would be lost.
    await this.scripts.raiseCounter(this.prefix + key, String(value), String(ttlMs));
  }
  async publish(channel: string, message: string) {
    await this.client.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void, onResync: (live: boolean) => void) {
    this.handlers.set(this.prefix + channel, onMessage);
    this.resyncs.add(onResync);
    if (!this.subscriber) {
      // Subscribed connections take no other commands: nothing to pipeline.
      const sub = this.client.duplicate({ enableAutoPipelining: false });
      this.subscriber = sub;
      sub.on("error", (err: Error) => this.log?.warn({ err }, "redis subscription error"));
      sub.on("message", (ch: string, message: string) => this.handlers.get(ch)?.(message));
      // While disconnected, invalidations published by other instances are lost: drop derived
      // state both when the link goes and when it comes back (after ioredis re-subscribes).
      let connectedOnce = false;
      sub.on("close", () => this.setClosed(true));
      sub.on("ready", () => {
        if (!connectedOnce) {
          connectedOnce = true;
          return;
        }
        // 'ready' fires before ioredis re-sends SUBSCRIBE; a message published in between would be
        // lost. Our own SUBSCRIBE is answered after ioredis's, so its reply means "receiving again".
        sub.subscribe(...this.handlers.keys()).then(
          () => this.setClosed(false),
          () => undefined,
        );
      });
      this.watch(sub);
    }
    await this.subscriber.subscribe(this.prefix + channel);
  }

  /**
   * A frozen Redis keeps its sockets open: no 'close' ever comes, and invalidations stop arriving
   * unnoticed. A PING every `pingMs` on the subscription connection, unanswered by the next tick
   * (or failed by the command timeout), counts as a stall: subscribers stop trusting what they
   * cached. The next answer on that same, still-subscribed connection ends the stall.
   */
  private watch(sub: Redis) {
    let outstanding = false;
    this.watchdog = setInterval(() => {
      if (sub.status !== "ready") return;
      if (outstanding) return this.setStalled(true);
      outstanding = true;
      sub.ping().then(
        () => {
          outstanding = false;
          this.setStalled(false);
        },
        () => {
          outstanding = false;
          this.setStalled(true);
        },
      );
    }, this.pingMs);
    this.watchdog.unref();
  }

  private setStalled(stalled: boolean) {
    if (stalled === this.stalled) return;
    this.stalled = stalled;
    if (stalled) this.log?.warn("redis subscription is not answering; treating it as down");
    this.notify();
  }

  private setClosed(closed: boolean) {
    this.closed = closed;
    this.notify();
  }

  private notify() {
    const live = !this.closed && !this.stalled;
    // Every drop is passed on (derived state is thrown away again); a recovery only once.
    if (live && this.live) return;
    this.live = live;
    for (const fn of this.resyncs) fn(live);
  }

  async close() {
    clearInterval(this.watchdog);
    this.subscriber?.disconnect();
    await this.client.quit().catch(() => undefined);
  }
}
