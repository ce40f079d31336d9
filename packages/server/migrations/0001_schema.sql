-- The whole data model of DESIGN.md §4. Forward-only: later changes go in new files.

CREATE TABLE tenants (
  id            uuid PRIMARY KEY,
  slug          text NOT NULL UNIQUE,
  name          text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'suspended')),
  admin_email   text NOT NULL,
  source        text NOT NULL CHECK (source IN ('machine', 'oauth')),
  status_reason text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  activated_at  timestamptz
);
CREATE INDEX tenants_status_created_idx ON tenants (status, created_at, id);
CREATE INDEX tenants_admin_email_idx ON tenants (lower(admin_email));

-- Every status change, so the admin detail view can show how a tenant got where it is.
CREATE TABLE tenant_status_history (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  from_status text,
  to_status   text NOT NULL,
  reason      text,
  actor       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_status_history_tenant_idx ON tenant_status_history (tenant_id, created_at);

CREATE TABLE users (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('machine', 'human')),
  external_id text,
  email       text,
  role        text NOT NULL CHECK (role IN ('admin', 'developer')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, external_id)
);

CREATE TABLE tenant_memberships (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_id text NOT NULL,
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (external_id, tenant_id)
);
CREATE INDEX tenant_memberships_tenant_idx ON tenant_memberships (tenant_id);

CREATE TABLE api_keys (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id        uuid REFERENCES users (id) ON DELETE SET NULL,
  name           text NOT NULL,
  prefix         text NOT NULL,
  key_hash       text NOT NULL UNIQUE,
  role           text NOT NULL CHECK (role IN ('admin', 'developer')),
  scopes         text[] NOT NULL DEFAULT '{}',
  rate_limit_rpm integer CHECK (rate_limit_rpm IS NULL OR rate_limit_rpm > 0),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz,
  expires_at     timestamptz,
  revoked_at     timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

CREATE TABLE claim_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  max_uses    integer NOT NULL CHECK (max_uses > 0),
  used_count  integer NOT NULL DEFAULT 0 CHECK (used_count >= 0),
  expires_at  timestamptz NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  kind        text NOT NULL CHECK (kind IN ('registration', 'link', 'invite')),
  CHECK (used_count <= max_uses)
);
CREATE INDEX claim_tokens_tenant_idx ON claim_tokens (tenant_id, created_at);

CREATE TABLE invite_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL,
  max_uses    integer CHECK (max_uses IS NULL OR max_uses > 0),
  used_count  integer NOT NULL DEFAULT 0,
  expires_at  timestamptz,
  note        text,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
-- Codes are matched case-insensitively, so uniqueness is too.
CREATE UNIQUE INDEX invite_codes_code_idx ON invite_codes (lower(code));

CREATE TABLE device_authorizations (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  device_code_hash   text NOT NULL UNIQUE,
  user_code          text NOT NULL,
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  role               text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  interval           integer NOT NULL DEFAULT 5,
  expires_at         timestamptz NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'linked', 'denied', 'expired')),
  linked_external_id text,
  linked_user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  last_polled_at     timestamptz,
  delivered_at       timestamptz,
  created_by_key_id  uuid,
  created_at         timestamptz NOT NULL DEFAULT now()
);
-- A user code only has to be unique among codes still waiting for a human.
CREATE UNIQUE INDEX device_authorizations_user_code_idx ON device_authorizations (user_code) WHERE status = 'pending';

CREATE TABLE platform_events (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type          text NOT NULL,
  tenant_id     uuid,
  data          jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX platform_events_undispatched_idx ON platform_events (created_at) WHERE dispatched_at IS NULL;

CREATE TABLE event_deliveries (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id     uuid NOT NULL REFERENCES platform_events (id) ON DELETE CASCADE,
  subscriber   text NOT NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  next_at      timestamptz NOT NULL DEFAULT now(),
  last_error   text,
  delivered_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, subscriber)
);
CREATE INDEX event_deliveries_due_idx ON event_deliveries (next_at) WHERE status = 'pending';

CREATE TABLE usage_events (
  id                bigserial PRIMARY KEY,
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key_id            uuid,
  model             text NOT NULL,
  prompt_tokens     integer NOT NULL DEFAULT 0,
  completion_tokens integer NOT NULL DEFAULT 0,
  latency_ms        integer NOT NULL DEFAULT 0,
  status            integer NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_events_tenant_created_idx ON usage_events (tenant_id, created_at);
CREATE INDEX usage_events_created_idx ON usage_events (created_at);
