// PostgreSQL schema, as ordered migrations (see ../migrations.ts). Tables live in the connection's search_path,
// so a deployment (or a test run) can keep them in its own schema. Key text columns use the "C" collation: byte
// order, the same as SQLite, whatever the database's locale, and the primary keys serve the ORDER BY.
import type { Migration } from "../migrations.js";

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "instances, secrets, tenants, runs, ledgers, replay cache",
    sql: `
CREATE TABLE instances (
  account             text COLLATE "C" PRIMARY KEY,
  app_instance_id     text,
  offering_reference  text NOT NULL,
  disabled            boolean NOT NULL DEFAULT false,
  suspended           boolean NOT NULL DEFAULT false,
  enabled_by_customer boolean NOT NULL DEFAULT true,
  settings            jsonb,
  breakdown           text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);

CREATE TABLE instance_secrets (
  account    text COLLATE "C" NOT NULL,
  part       text COLLATE "C" NOT NULL,
  sealed     text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (account, part)
);

CREATE TABLE tenants (
  account    text COLLATE "C" NOT NULL,
  slot       integer NOT NULL,
  domain     text NOT NULL,
  cloud      text NOT NULL,
  tenant_id  text,
  status     text NOT NULL,
  reason     text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (account, slot)
);

CREATE TABLE sync_runs (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text NOT NULL UNIQUE,
  account     text COLLATE "C" NOT NULL,
  run_trigger text NOT NULL,
  status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'partial')),
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  counts      jsonb NOT NULL DEFAULT '{}',
  errors      jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX sync_runs_by_account ON sync_runs (account, started_at);
-- At most one running run per account across replicas: concurrent starts meet on this index.
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (account) WHERE status = 'running';

CREATE TABLE device_ledger (
  account      text COLLATE "C" NOT NULL,
  tenant_id    text COLLATE "C" NOT NULL,
  device_id    text COLLATE "C" NOT NULL,
  ci_id        text,
  product_id   text,
  fingerprint  text,
  last_seen_at timestamptz NOT NULL,
  retired      boolean NOT NULL DEFAULT false,
  user_id      text,
  PRIMARY KEY (account, tenant_id, device_id)
);

CREATE TABLE alert_ledger (
  account             text COLLATE "C" NOT NULL,
  tenant_id           text COLLATE "C" NOT NULL,
  device_id           text COLLATE "C" NOT NULL,
  request_id          text,
  state               text NOT NULL,
  detail_hash         text NOT NULL,
  detail              text NOT NULL,
  previous_request_id text,
  updated_at          timestamptz NOT NULL,
  PRIMARY KEY (account, tenant_id, device_id)
);

CREATE TABLE seen_once (
  scope      text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (scope, id)
);
CREATE INDEX seen_once_by_expiry ON seen_once (expires_at);
`,
  },
  {
    version: 2,
    name: "sync run heartbeat",
    // A run touches its heartbeat while it works, so a crashed run is recognised in minutes, not hours.
    sql: `ALTER TABLE sync_runs ADD COLUMN heartbeat_at timestamptz;`,
  },
  {
    version: 3,
    name: "tenant bindings",
    // As sqlite/schema.ts: only a tenant that one account held connected keeps its binding on upgrade.
    sql: `
CREATE TABLE tenant_bindings (
  tenant_id       text COLLATE "C" PRIMARY KEY,
  cloud           text NOT NULL,
  account         text COLLATE "C" NOT NULL,
  app_instance_id text NOT NULL,
  bound_by        text NOT NULL,
  bound_at        timestamptz NOT NULL
);
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
    sql: `ALTER TABLE instances ADD COLUMN settings_fingerprint text;`,
  },
  {
    version: 5,
    name: "software CIs",
    // The tracked software's CIs and the device CIs each was last related to (issue 17): an unchanged run writes
    // nothing, without reading tens of thousands of relations back from 4me.
    sql: `
CREATE TABLE software_cis (
  account        text COLLATE "C" NOT NULL,
  source_id      text COLLATE "C" NOT NULL,
  ci_id          text NOT NULL,
  name           text NOT NULL,
  app_name       text NOT NULL,
  device_ci_ids  text NOT NULL,
  PRIMARY KEY (account, source_id)
);
`,
  },
  {
    version: 6,
    name: "device ledger beta fields",
    // The Graph beta fields each device was last written with: a run whose beta read failed maps the device with
    // them instead of "Unknown", so 4me's values do not flap with Graph's throttling.
    sql: `ALTER TABLE device_ledger ADD COLUMN beta text;`,
  },
];
