-- Indexes for the reads that order or filter by time (issue 15 §4). Forward-only like the others;
-- plain CREATE INDEX (each migration runs once, in its transaction, on PGlite and PostgreSQL alike).

-- The admin tenant list without a status filter: keyset order (created_at, id), as listTenants
-- sorts and afterCursor compares. With a status filter tenants_status_created_idx serves it.
CREATE INDEX tenants_created_id_idx ON tenants (created_at, id);

-- The digest's decisions in a window (decisionsSince: created_at >= since, all tenants); the
-- per-tenant history keeps tenant_status_history_tenant_idx.
CREATE INDEX tenant_status_history_created_idx ON tenant_status_history (created_at);

-- The digest's invite redemptions: type = 'tenant.signup' AND created_at >= since.
CREATE INDEX platform_events_type_created_idx ON platform_events (type, created_at);

-- The digest's deliveries in a window (deliveriesSince: created_at >= since).
CREATE INDEX event_deliveries_created_idx ON event_deliveries (created_at);

-- The dispatcher's claim, once per subscriber per poll: status = 'pending' AND subscriber = $1
-- AND next_at <= now() ORDER BY next_at. event_deliveries_due_idx (next_at) alone walks every
-- subscriber's due rows, a failing one's backlog included, to find this one's.
CREATE INDEX event_deliveries_subscriber_due_idx ON event_deliveries (subscriber, next_at) WHERE status = 'pending';
