-- Usage rollups (decisions.md #130-#132): every usage read (digest, admin tenant detail,
-- /auth/usage, /v1/tenant/usage, budgets) sums these instead of scanning usage_events. The meter
-- upserts both tables in the transaction that inserts the events (services/metering.ts), so a
-- batch counts in the rollups exactly when its rows exist.

-- One row per tenant, UTC day, key and model. key_id is the nil uuid for events without a key: a
-- primary key column cannot be null, and NULLs would never conflict in the upsert.
CREATE TABLE usage_daily (
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day               date NOT NULL,
  key_id            uuid NOT NULL,
  model             text NOT NULL,
  requests          bigint NOT NULL DEFAULT 0,
  errors            bigint NOT NULL DEFAULT 0,
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  cost_usd          double precision NOT NULL DEFAULT 0,
  unpriced          bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day, key_id, model)
);
-- The digest's platform-wide window (day >= the window's first whole day).
CREATE INDEX usage_daily_day_idx ON usage_daily (day);
-- The digest's models served without a price: a handful of rows among millions.
CREATE INDEX usage_daily_unpriced_idx ON usage_daily (day) WHERE unpriced > 0;

-- The same per UTC hour, for the part of a rolling digest window (24h, 7d, 30d from an hour
-- boundary) that does not cover a whole day: the window's first, partial day (decisions.md #131).
CREATE TABLE usage_hourly (
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  hour              timestamptz NOT NULL,
  key_id            uuid NOT NULL,
  model             text NOT NULL,
  requests          bigint NOT NULL DEFAULT 0,
  errors            bigint NOT NULL DEFAULT 0,
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  cost_usd          double precision NOT NULL DEFAULT 0,
  unpriced          bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, hour, key_id, model)
);
CREATE INDEX usage_hourly_hour_idx ON usage_hourly (hour);

-- The digest's budgets (store/digest.ts): the few budgeted scopes, without reading every tenant
-- and key; each then sums its own period's rows through usage_daily's primary key.
CREATE INDEX tenants_budget_idx ON tenants (id) WHERE budget_usd IS NOT NULL;
CREATE INDEX api_keys_budget_idx ON api_keys (id) WHERE budget_usd IS NOT NULL AND revoked_at IS NULL;

-- Row-level security as on usage_events (0002): a tenant scope reads its own rows; only the
-- platform scope (the meter) writes, and nothing deletes but the tenant's own deletion.
ALTER TABLE usage_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_daily TO br_app
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
CREATE POLICY platform_all ON usage_daily TO br_platform USING (true) WITH CHECK (true);
ALTER TABLE usage_hourly ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_hourly FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_hourly TO br_app
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
CREATE POLICY platform_all ON usage_hourly TO br_platform USING (true) WITH CHECK (true);
GRANT SELECT ON usage_daily, usage_hourly TO br_app;
GRANT SELECT, INSERT, UPDATE ON usage_daily, usage_hourly TO br_platform;

-- Backfill from the events so far, as the meter would have counted them. UTC explicitly: the
-- session's TimeZone must not move an event to another day or hour.
INSERT INTO usage_daily (tenant_id, day, key_id, model, requests, errors, prompt_tokens, completion_tokens, cost_usd, unpriced)
SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, coalesce(key_id, '00000000-0000-0000-0000-000000000000'), model,
       count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd),
       count(*) FILTER (WHERE NOT priced)
  FROM usage_events
 GROUP BY 1, 2, 3, 4;
INSERT INTO usage_hourly (tenant_id, hour, key_id, model, requests, errors, prompt_tokens, completion_tokens, cost_usd, unpriced)
SELECT tenant_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce(key_id, '00000000-0000-0000-0000-000000000000'), model,
       count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd),
       count(*) FILTER (WHERE NOT priced)
  FROM usage_events
 GROUP BY 1, 2, 3, 4;
