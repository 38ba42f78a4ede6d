-- A Linux PC's login records (wtmp, the journal), issue 21: stored once
-- (the PC, the time, the kind, the line and the user are a record's
-- identity), beside the log_events row that shows it. The sessions are
-- decided from them when the days are derived (core/unix_session). Only a
-- login carries its user; logouts, boots, shutdowns and the last sign of
-- life before a boot are the host's own (account '').
CREATE TABLE unix_records (
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    host        TEXT NOT NULL,
    ts_utc      BIGINT NOT NULL,
    kind        BIGINT NOT NULL CHECK (kind BETWEEN 1 AND 5),
    line        TEXT NOT NULL,
    account     TEXT NOT NULL DEFAULT '',
    from_host   TEXT NOT NULL DEFAULT '',
    event_row   BIGINT NOT NULL REFERENCES log_events(id),
    PRIMARY KEY (company_id, host, ts_utc, kind, line, account)
);
CREATE INDEX unix_records_account ON unix_records(company_id, account, ts_utc);
CREATE INDEX unix_records_host ON unix_records(company_id, host, ts_utc);
