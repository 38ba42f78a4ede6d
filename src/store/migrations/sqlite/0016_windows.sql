-- Windows and Linux PCs as sources (issue 21).
-- Link kinds 4 (Windows連携) and 5 (Linux連携): the CHECK widens. SQLite
-- rebuilds the table for that; no table references links.
CREATE TABLE links_new (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),
    account     TEXT NOT NULL,                 -- exact case
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    updated_at  INTEGER NOT NULL,
    UNIQUE (company_id, kind, account),
    UNIQUE (company_id, kind, employee_id)
);
INSERT INTO links_new (id, company_id, kind, account, employee_id, updated_at)
    SELECT id, company_id, kind, account, employee_id, updated_at FROM links;
DROP TABLE links;
ALTER TABLE links_new RENAME TO links;
CREATE INDEX links_account ON links(company_id, account);
CREATE INDEX links_employee ON links(employee_id);

-- Each Windows record as its log wrote it, with the fields the sessions
-- read (core/win_session). Its identity is its host, channel and record
-- number; it points at the log_events row that shows it (the two records
-- of an administrator's linked logon share one). System records (boot,
-- shutdown, sleep) have no account.
CREATE TABLE win_records (
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    host            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    record_id       INTEGER NOT NULL,
    event_row       INTEGER NOT NULL REFERENCES log_events(id),
    event_id        INTEGER NOT NULL,
    provider        TEXT NOT NULL,
    account         TEXT NOT NULL DEFAULT '',
    sid             TEXT NOT NULL DEFAULT '',
    logon_type      INTEGER NOT NULL DEFAULT 0,
    logon_process   TEXT NOT NULL DEFAULT '',
    logon_id        INTEGER NOT NULL DEFAULT 0,
    linked_logon_id INTEGER NOT NULL DEFAULT 0,
    process         TEXT NOT NULL DEFAULT '',
    ts_utc          INTEGER NOT NULL,
    PRIMARY KEY (company_id, host, channel, record_id)
);
CREATE INDEX win_records_account ON win_records(company_id, account, ts_utc);
CREATE INDEX win_records_host ON win_records(company_id, host, ts_utc);
CREATE INDEX win_records_event ON win_records(event_row);

-- An idle span (lock, screensaver, sleep) of at least this many minutes
-- inside a work day's sessions is a break, when 休憩打刻する is on.
ALTER TABLE companies ADD COLUMN idle_break_min INTEGER NOT NULL DEFAULT 15;
