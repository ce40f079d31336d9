import { join } from "node:path";
import type { Logger } from "pino";
import type { SharedCache } from "./cache/interface.js";
import { MemoryCache } from "./cache/memory.js";
import { RedisCache } from "./cache/redis.js";
import type { Config } from "./config.js";
import { loadDevSigner, type DevSigner } from "./auth/dev-signer.js";
import { createJwtVerifier, type VerifyJwt } from "./auth/jwt.js";
import { KeyCache } from "./auth/api-key/key-cache.js";
import { DevicePollCache } from "./services/device-poll-cache.js";
import { KeyUsageTracker } from "./auth/api-key/key-usage.js";
import type { Limits } from "./limits/interface.js";
import { memoryLimits } from "./limits/memory.js";
import { redisLimits } from "./limits/redis.js";
import { Database } from "./store/db.js";
import { migrate } from "./store/migrate.js";
import { ProviderRegistry } from "./providers/registry.js";
import { UsageMeter } from "./services/metering.js";
import { EventBus, type Subscriber } from "./events/bus.js";
import { Dispatcher } from "./events/dispatcher.js";
import { budgetAlerter } from "./governance/budget-alerts.js";
import { SpendLedger } from "./governance/spend-ledger.js";
import { startProposalSweeper } from "./services/admin/proposal-sweeper.js";
import { builtInSubscribers } from "./events/subscribers.js";
import { createMailTransport } from "./integrations/email/transport.js";
import { Metrics } from "./metrics/registry.js";

/** Everything a request, a tool or a background job may need; built once, closed once. */
export interface Deps {
  config: Config;
  log: Logger;
  db: Database;
  cache: SharedCache;
  limits: Limits;
  /**
   * In-process limits, whatever REDIS_URL says: for budgets on the hot path that protect this
   * instance (unknown API keys) and must not cost a Redis round trip, or wait on a failing Redis.
   */
  localLimits: Limits;
  keyCache: KeyCache;
  devicePolls: DevicePollCache;
  keyUsage: KeyUsageTracker;
  /** Data plane: model → upstream, and the batched usage_events writer. */
  providers: ProviderRegistry;
  meter: UsageMeter;
  /** Spend per budgeted key and tenant and period (shared cache), raised from the usage rollup. */
  spend: SpendLedger;
  /** Admin Intelligence: who receives platform events, and the outbox dispatcher delivering them. */
  events: EventBus;
  dispatcher: Dispatcher;
  verifyJwt: VerifyJwt;
  /** Prometheus counters and the collectors read at scrape time (`GET /metrics`). */
  metrics: Metrics;
  /** Present only on the embedded default (no OIDC configured, not production). */
  devSigner: DevSigner | null;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Extra in-process subscribers, registered before the dispatcher's first poll. */
  subscribers?: Subscriber[];
}

export async function buildDeps(config: Config, log: Logger, options: BuildOptions = {}): Promise<Deps> {
  const db = await Database.open({
    databaseUrl: config.DATABASE_URL,
    migrationDatabaseUrl: config.BR_MIGRATION_DATABASE_URL,
    dataDir: config.BR_DATA_DIR === "memory://" ? "memory://" : join(config.BR_DATA_DIR, "pgdata"),
    onIdleError: (err) => log.warn({ err }, "idle database connection failed"),
  });
  try {
    await migrate(db);
  } catch (err) {
    // Nothing else has started: release the pool, or a refused start-up keeps connections open.
    await db.close();
    throw err;
  }

  let cache: SharedCache;
  let limits: Limits;
  if (config.REDIS_URL) {
    const redis = new RedisCache(config.REDIS_URL, {
      prefix: config.BR_REDIS_PREFIX,
      commandTimeoutMs: config.BR_REDIS_COMMAND_TIMEOUT_MS,
      pingMs: config.BR_REDIS_PING_MS,
      log,
    });
    cache = redis;
    limits = redisLimits(redis.client, config.BR_REDIS_PREFIX);
  } else {
    cache = new MemoryCache();
    limits = memoryLimits();
  }

  const keyCache = new KeyCache(cache, config.BR_KEY_CACHE_TTL_MS, log);
  await keyCache.start();
  // Background work gets the uncounted view of the pool: queryCount measures request paths only.
  const keyUsage = new KeyUsageTracker(db.background, log);
  keyUsage.start();
  const providers = new ProviderRegistry(config.BR_PROVIDERS);
  const meter = new UsageMeter(db.background, log, { flushIntervalMs: config.BR_USAGE_FLUSH_MS, batchSize: 1_000 });
  meter.start();
  const events = new EventBus();
  const mail = createMailTransport(config, log);
  for (const s of [...builtInSubscribers(config, db.background, mail, cache, log), ...(options.subscribers ?? [])]) events.subscribe(s);
  const spend = new SpendLedger(cache, db.background, log, budgetAlerter(db.background, log));
  // Before the first request: a restart never resets a budget.
  await spend.start(config.BR_SPEND_RECONCILE_MS);
  const dispatcher = new Dispatcher(db.background, events, config, log);
  dispatcher.start();
  const sweeper = startProposalSweeper(db.background, log, config.BR_PROPOSAL_SWEEP_MS);

  const devSigner = config.authMode === "development" ? await loadDevSigner(devKeyDir(config)) : null;

  return {
    config,
    log,
    db,
    cache,
    limits,
    localLimits: memoryLimits(),
    keyCache,
    devicePolls: new DevicePollCache(cache, log),
    keyUsage,
    providers,
    meter,
    spend,
    events,
    dispatcher,
    devSigner,
    verifyJwt: createJwtVerifier(config, devSigner),
    metrics: new Metrics({ db: db.background, keyCache, meter }),
    async close() {
      await keyUsage.stop();
      // After the server stopped taking requests, before the database goes: no usage is lost.
      await meter.stop();
      spend.stop();
      await providers.close();
      await dispatcher.stop();
      sweeper.stop();
      keyCache.close();
      mail.close();
      await cache.close();
      await db.close();
    },
  };
}

function devKeyDir(config: Config): string {
  return config.BR_DATA_DIR === "memory://" ? join(process.cwd(), ".data") : config.BR_DATA_DIR;
}
