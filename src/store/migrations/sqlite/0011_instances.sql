-- Several loginrecd instances on one database (PostgreSQL; SQLite has one
-- instance, but keeps the same schema).
-- An outbox row is leased to the instance that took it (lease_owner, the
-- instance's id) until lease_until: others skip it meanwhile, and a row
-- left 'sending' past its lease is recovered by whoever sees it.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
-- Rows left 'sending' are found by state, then lease.
CREATE INDEX outbox_sending ON outbox(state, lease_until);

-- What one instance does for a company at a time (a MaLion poll, a KoT
-- employee sync): held until expires_at, renewed by its owner, free after.
CREATE TABLE leases (
    name       TEXT NOT NULL,
    company_id INTEGER NOT NULL,
    owner      TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (name, company_id)
);
