-- 連携状況 (integration status): what happened last, per source and per
-- punch, as reason codes the admin UI turns into words of the reader's
-- language (the English detail beside each code stays, for logs and support).

-- outbox.result keeps its words; reason is the code (sent, already_there,
-- superseded, breaks_off, no_kot_key, cannot_delete, kot_auth,
-- kot_rejected, kot_retry, kot_unknown, read_back).
ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT '';
UPDATE outbox SET reason = result WHERE result IN ('sent', 'already_there', 'superseded', 'breaks_off');
-- the status page lists a company's failed and waiting rows
CREATE INDEX outbox_company_state ON outbox(company_id, state);

-- The MaLion poller's and the KoT employee sync's last failure as a code
-- ('' after a success).
ALTER TABLE malion_state ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN kot_sync_code TEXT NOT NULL DEFAULT '';
-- failures recorded before codes existed keep their words under "internal"
UPDATE malion_state SET error_code = 'internal' WHERE error <> '';
UPDATE companies SET kot_sync_code = 'internal' WHERE kot_sync_result LIKE 'failed:%';

-- Sources that send to us (lanscope, generic, smarton): when a file or
-- batch was last stored, and the last one refused, with why.
CREATE TABLE source_status (
    company_id BIGINT NOT NULL REFERENCES companies(id),
    source     TEXT NOT NULL,
    success_at BIGINT,
    error_at   BIGINT,
    error_code TEXT NOT NULL DEFAULT '',
    error      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (company_id, source)
);

-- The versions (agent versions) each source's events carried, kept as
-- events are stored so the status page need not group a million events.
CREATE TABLE source_versions (
    company_id BIGINT NOT NULL REFERENCES companies(id),
    source     TEXT NOT NULL,
    version    TEXT NOT NULL,
    events     BIGINT NOT NULL,
    last_utc   BIGINT NOT NULL,
    PRIMARY KEY (company_id, source, version)
);
INSERT INTO source_versions (company_id, source, version, events, last_utc)
    SELECT company_id, source, version, count(*), max(ts_utc) FROM log_events
    GROUP BY company_id, source, version;
