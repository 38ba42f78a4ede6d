-- Issue 24: an outbox row costs every punch, so it keeps only what a query
-- or a rule needs (the same as SQLite's 0023, which says why):
-- - idem_key goes; UNIQUE (punch_id, action) refuses the same rows and
--   serves what outbox_punch served;
-- - rows are found by lease in outbox_leased, which holds only the rows
--   an instance has taken, instead of outbox_sending's every row.
ALTER TABLE outbox DROP COLUMN idem_key;
CREATE UNIQUE INDEX outbox_once ON outbox(punch_id, action);
DROP INDEX IF EXISTS outbox_punch;
DROP INDEX IF EXISTS outbox_sending;
CREATE INDEX outbox_leased ON outbox(lease_until) WHERE lease_until > 0;
