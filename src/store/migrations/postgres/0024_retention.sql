-- Retention (issue 25, part 6): how many years a company's records are
-- kept (0: for ever; else at least 5, 労働基準法 第109条), the day before
-- which they were purged ('' : never), and the indexes a purge finds its
-- rows by: a company's punches of every state by day (the partial index
-- of active ones it replaces served only reads of those), a row's delivery
-- attempts, a Linux record's event; and the rows that name a punch as the
-- one they replace (few: corrections), which removing a punch looks for
-- (its foreign keys) and would otherwise find by walking the table.
ALTER TABLE companies ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 0
    CHECK (retention_years = 0 OR retention_years BETWEEN 5 AND 100);
ALTER TABLE companies ADD COLUMN purged_before TEXT NOT NULL DEFAULT '';
DROP INDEX IF EXISTS punches_company_day;
CREATE INDEX punches_company_day ON punches(company_id, work_day);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts(outbox_id);
CREATE INDEX unix_records_event ON unix_records(event_row);
CREATE INDEX punches_replaces ON punches(replaces) WHERE replaces IS NOT NULL;
CREATE INDEX outbox_replaces ON outbox(replaces) WHERE replaces IS NOT NULL;
-- (found while checking the above: the primary key of unix_records starts
-- with company, host and time, so an index of those three only costs writes)
DROP INDEX IF EXISTS unix_records_host;
