-- Rollups for the platform-wide digest (decisions.md #136). usage_daily has a row per tenant, day,
-- key and model, so a 30-day digest summed every one of them to find five tenants and a total:
-- O(rows in the window), 342 ms at 10M events (bench:scale). The meter upserts both tables below
-- in the same statement as usage_daily and usage_hourly (store/usage-rollups.ts).

-- One row per tenant and UTC day: the busiest tenants and tenant budgets. The rank index gives
-- each day's busiest first, so the digest reads a few rows per day instead of every tenant's.
CREATE TABLE usage_tenant_daily (
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day               date NOT NULL,
  requests          bigint NOT NULL DEFAULT 0,
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  cost_usd          double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day)
);
CREATE INDEX usage_tenant_daily_rank_idx ON usage_tenant_daily (day, requests DESC, tenant_id);

-- Platform totals per UTC hour, in a few shards: each metering batch adds to one shard picked at
-- random, so instances flushing at once do not queue on a single row per hour.
CREATE TABLE usage_platform_hourly (
  hour              timestamptz NOT NULL,
  shard             smallint NOT NULL,
  requests          bigint NOT NULL DEFAULT 0,
  errors            bigint NOT NULL DEFAULT 0,
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, shard)
);

-- A tenant reads its own days; platform totals are the platform's alone.
ALTER TABLE usage_tenant_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_tenant_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_tenant_daily TO br_app
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
CREATE POLICY platform_all ON usage_tenant_daily TO br_platform USING (true) WITH CHECK (true);
ALTER TABLE usage_platform_hourly ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_platform_hourly FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_all ON usage_platform_hourly TO br_platform USING (true) WITH CHECK (true);
GRANT SELECT ON usage_tenant_daily TO br_app;
GRANT SELECT, INSERT, UPDATE ON usage_tenant_daily, usage_platform_hourly TO br_platform;

-- Backfill from the rollups so far (which the meter kept exactly), into shard 0.
INSERT INTO usage_tenant_daily (tenant_id, day, requests, prompt_tokens, completion_tokens, cost_usd)
SELECT tenant_id, day, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd)
  FROM usage_daily
 GROUP BY 1, 2;
INSERT INTO usage_platform_hourly (hour, shard, requests, errors, prompt_tokens, completion_tokens)
SELECT hour, 0, sum(requests), sum(errors), sum(prompt_tokens), sum(completion_tokens)
  FROM usage_hourly
 GROUP BY 1;
