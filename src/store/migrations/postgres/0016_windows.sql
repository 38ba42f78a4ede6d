-- Windows and Linux PCs as sources (issue 21).
-- Link kinds 4 (Windows連携) and 5 (Linux連携): the CHECK widens.
ALTER TABLE links DROP CONSTRAINT links_kind_check;
ALTER TABLE links ADD CONSTRAINT links_kind_check CHECK (kind BETWEEN 1 AND 5);

-- Each Windows record as its log wrote it, with the fields the sessions
-- read (core/win_session). Its identity is its host, channel and record
-- number; it points at the log_events row that shows it (the two records
-- of an administrator's linked logon share one). System records (boot,
-- shutdown, sleep) have no account.
CREATE TABLE win_records (
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    host            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    record_id       BIGINT NOT NULL,
    event_row       BIGINT NOT NULL REFERENCES log_events(id),
    event_id        BIGINT NOT NULL,
    provider        TEXT NOT NULL,
    account         TEXT NOT NULL DEFAULT '',
    sid             TEXT NOT NULL DEFAULT '',
    logon_type      BIGINT NOT NULL DEFAULT 0,
    logon_process   TEXT NOT NULL DEFAULT '',
    logon_id        BIGINT NOT NULL DEFAULT 0,
    linked_logon_id BIGINT NOT NULL DEFAULT 0,
    process         TEXT NOT NULL DEFAULT '',
    ts_utc          BIGINT NOT NULL,
    PRIMARY KEY (company_id, host, channel, record_id)
);
CREATE INDEX win_records_account ON win_records(company_id, account, ts_utc);
CREATE INDEX win_records_host ON win_records(company_id, host, ts_utc);
CREATE INDEX win_records_event ON win_records(event_row);

-- An idle span (lock, screensaver, sleep) of at least this many minutes
-- inside a work day's sessions is a break, when 休憩打刻する is on.
ALTER TABLE companies ADD COLUMN idle_break_min BIGINT NOT NULL DEFAULT 15;
