// SQLite schema, as ordered migrations. Times are ISO-8601 UTC text (they sort as text), JSON is text,
// booleans are 0/1. Every table but the replay cache is keyed by account first.
import type { Migration } from "../migrations.js";

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "instances, secrets, tenants, runs, ledgers, replay cache",
    sql: `
CREATE TABLE instances (
  account             TEXT PRIMARY KEY,
  app_instance_id     TEXT,
  offering_reference  TEXT NOT NULL,
  disabled            INTEGER NOT NULL DEFAULT 0,
  suspended           INTEGER NOT NULL DEFAULT 0,
  enabled_by_customer INTEGER NOT NULL DEFAULT 1,
  settings            TEXT,
  breakdown           TEXT,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);

CREATE TABLE instance_secrets (
  account    TEXT NOT NULL,
  part       TEXT NOT NULL,
  sealed     TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account, part)
) WITHOUT ROWID;

CREATE TABLE tenants (
  account    TEXT NOT NULL,
  slot       INTEGER NOT NULL,
  domain     TEXT NOT NULL,
  cloud      TEXT NOT NULL,
  tenant_id  TEXT,
  status     TEXT NOT NULL,
  reason     TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account, slot)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  account     TEXT NOT NULL,
  run_trigger TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'partial')),
  started_at  TEXT NOT NULL,
  ended_at    TEXT,
  counts      TEXT NOT NULL DEFAULT '{}',
  errors      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX sync_runs_by_account ON sync_runs (account, started_at);
-- At most one running run per account, whatever the callers do.
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (account) WHERE status = 'running';

CREATE TABLE device_ledger (
  account      TEXT NOT NULL,
  tenant_id    TEXT NOT NULL,
  device_id    TEXT NOT NULL,
  ci_id        TEXT,
  product_id   TEXT,
  fingerprint  TEXT,
  last_seen_at TEXT NOT NULL,
  retired      INTEGER NOT NULL DEFAULT 0,
  user_id      TEXT,
  PRIMARY KEY (account, tenant_id, device_id)
) WITHOUT ROWID;

CREATE TABLE alert_ledger (
  account             TEXT NOT NULL,
  tenant_id           TEXT NOT NULL,
  device_id           TEXT NOT NULL,
  request_id          TEXT,
  state               TEXT NOT NULL,
  detail_hash         TEXT NOT NULL,
  detail              TEXT NOT NULL,
  previous_request_id TEXT,
  updated_at          TEXT NOT NULL,
  PRIMARY KEY (account, tenant_id, device_id)
) WITHOUT ROWID;

CREATE TABLE seen_once (
  scope      TEXT NOT NULL,
  id         TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (scope, id)
) WITHOUT ROWID;
CREATE INDEX seen_once_by_expiry ON seen_once (expires_at);
`,
  },
  {
    version: 2,
    name: "sync run heartbeat",
    // A run touches its heartbeat while it works, so a crashed run is recognised in minutes, not hours.
    sql: `ALTER TABLE sync_runs ADD COLUMN heartbeat_at TEXT;`,
  },
  {
    version: 3,
    name: "tenant bindings",
    // Which account may read a tenant, proven by an administrator's sign-in (issue 13). An upgrade keeps a tenant
    // connected before bindings existed only where one account held it: where several did, the connector cannot tell
    // which one consented, so none keeps it until an administrator signs in.
    sql: `
CREATE TABLE tenant_bindings (
  tenant_id       TEXT PRIMARY KEY,
  cloud           TEXT NOT NULL,
  account         TEXT NOT NULL,
  app_instance_id TEXT NOT NULL,
  bound_by        TEXT NOT NULL,
  bound_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tenant_bindings_by_account ON tenant_bindings (account);

INSERT INTO tenant_bindings (tenant_id, cloud, account, app_instance_id, bound_by, bound_at)
SELECT lower(t.tenant_id), MIN(t.cloud), MIN(t.account), COALESCE(MIN(i.app_instance_id), ''), 'upgrade', MAX(t.updated_at)
FROM tenants t LEFT JOIN instances i ON i.account = t.account
WHERE t.status = 'connected' AND t.tenant_id IS NOT NULL
GROUP BY lower(t.tenant_id)
HAVING COUNT(DISTINCT t.account) = 1;
`,
  },
  {
    version: 4,
    name: "instance settings fingerprint",
    // Which customer settings the last refresh saw: a sync starts only when they change (issue 14).
    sql: `ALTER TABLE instances ADD COLUMN settings_fingerprint TEXT;`,
  },
  {
    version: 5,
    name: "software CIs",
    // The tracked software's CIs and the device CIs each was last related to (issue 17): an unchanged run writes
    // nothing, without reading tens of thousands of relations back from 4me.
    sql: `
CREATE TABLE software_cis (
  account        TEXT NOT NULL,
  source_id      TEXT NOT NULL,
  ci_id          TEXT NOT NULL,
  name           TEXT NOT NULL,
  app_name       TEXT NOT NULL,
  device_ci_ids  TEXT NOT NULL,
  PRIMARY KEY (account, source_id)
) WITHOUT ROWID;
`,
  },
  {
    version: 6,
    name: "device ledger beta fields",
    // The Graph beta fields each device was last written with: a run whose beta read failed maps the device with
    // them instead of "Unknown", so 4me's values do not flap with Graph's throttling.
    sql: `ALTER TABLE device_ledger ADD COLUMN beta TEXT;`,
  },
];
