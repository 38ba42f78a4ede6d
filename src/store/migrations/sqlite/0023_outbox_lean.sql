-- Issue 24: an outbox row costs every punch, so it keeps only what a query
-- or a rule needs.
-- - idem_key (employee/day/kind/time/punch, or retract/punch) made a row
--   unique by its punch and whether it retracts, in a text index written
--   in random order: a third of the outbox's cost in a 1,000,000-event
--   ingest. UNIQUE (punch_id, action) refuses the same rows: an add or a
--   correction is made once, with its punch; a punch is retracted once.
--   It also serves what outbox_punch served (rows by punch).
-- - outbox_sending (state, lease_until) held every row, though only the
--   rows taken by an instance have a lease: rows found by lease are in
--   outbox_leased, which a row enters when it is taken and leaves when it
--   is finished (a row is never 'sending' without a lease).
-- SQLite cannot drop a UNIQUE column, so the table is rebuilt (its
-- documented way: a copy, the old dropped, the copy renamed; foreign keys
-- are off while migrations run, and every reference is checked before the
-- commit).
CREATE TABLE outbox_lean (
    id              INTEGER PRIMARY KEY,
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    punch_id        INTEGER NOT NULL REFERENCES punches(id),
    action          TEXT NOT NULL CHECK (action = 'add' OR action = 'correct' OR action = 'retract'),
    replaces        INTEGER REFERENCES punches(id),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending' OR state = 'sending' OR state = 'done' OR state = 'failed'),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    result          TEXT NOT NULL DEFAULT '',
    uncertain       INTEGER NOT NULL DEFAULT 0,
    done_at         INTEGER,
    reason          TEXT NOT NULL DEFAULT '',
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_lean (id, company_id, punch_id, action, replaces, state, attempts,
                         next_attempt_at, created_at, result, uncertain, done_at, reason,
                         lease_owner, lease_until)
    SELECT id, company_id, punch_id, action, replaces, state, attempts, next_attempt_at,
           created_at, result, uncertain, done_at, reason, lease_owner, lease_until
    FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_lean RENAME TO outbox;
CREATE UNIQUE INDEX outbox_once ON outbox(punch_id, action);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_company_due ON outbox(company_id, state, next_attempt_at);
CREATE INDEX outbox_leased ON outbox(lease_until) WHERE lease_until > 0;
