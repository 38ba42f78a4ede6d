-- loginrec schema, version 1 (SQLite dialect).
-- Times are INTEGER seconds since the epoch (UTC); work days are TEXT
-- 'YYYY-MM-DD' in the company's calendar; codes people see are TEXT.

CREATE TABLE companies (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,           -- 企業コード (3 or 6 characters)
    name             TEXT NOT NULL,                  -- 企業名
    tz               TEXT NOT NULL DEFAULT 'Asia/Tokyo',
    break_punches    INTEGER NOT NULL DEFAULT 0,     -- 休憩打刻する
    min_break_sec    INTEGER NOT NULL DEFAULT 60,
    max_shift_sec    INTEGER NOT NULL DEFAULT 72000, -- 20 h
    punch_delivery   INTEGER NOT NULL DEFAULT 0,     -- 打刻連携
    ingest_token_hash TEXT NOT NULL UNIQUE,
    created_at       INTEGER NOT NULL
);

-- Sealed secrets (KoT token, MaLion secret code, ...): never clear text.
CREATE TABLE company_secrets (
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    sealed     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (company_id, name)
);

CREATE TABLE divisions (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies(id),
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    day_change_min INTEGER NOT NULL DEFAULT 0 CHECK (day_change_min BETWEEN 0 AND 1439), -- 日付変更時間
    UNIQUE (company_id, code)
);

CREATE TABLE employees (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    code        TEXT NOT NULL,                 -- 打刻先アカウント: "0012" keeps its zeros
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    division_id INTEGER REFERENCES divisions(id),
    kot_key     TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (company_id, code)
);

-- サービスアカウント → 打刻先アカウント, per 連携種別 (1 SmartOn, 2 LanScope, 3 MaLion).
CREATE TABLE links (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),
    account     TEXT NOT NULL,                 -- exact case
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    updated_at  INTEGER NOT NULL,
    UNIQUE (company_id, kind, account),
    UNIQUE (company_id, kind, employee_id)
);

-- Append-only. The natural key makes any re-delivery a no-op.
CREATE TABLE log_events (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    source      TEXT NOT NULL,
    account     TEXT NOT NULL,
    host        TEXT NOT NULL DEFAULT '',
    op          TEXT NOT NULL,
    ts_utc      INTEGER NOT NULL,
    ts_offset   INTEGER NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    raw         TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (company_id, account, ts_utc, host, op, source)
);
CREATE INDEX log_events_time ON log_events(company_id, ts_utc);
CREATE INDEX links_account ON links(company_id, account);

-- Derived: what the day engine noticed about an event (rewritten per day).
CREATE TABLE event_flags (
    event_id    INTEGER NOT NULL REFERENCES log_events(id),
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    work_day    TEXT NOT NULL,
    flags       INTEGER NOT NULL,
    PRIMARY KEY (event_id, employee_id)
);
CREATE INDEX event_flags_day ON event_flags(employee_id, work_day);

-- The local ledger. Only 'active' rows are current; others are history.
CREATE TABLE punches (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    work_day    TEXT NOT NULL,
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
    ts_utc      INTEGER NOT NULL,
    method      TEXT NOT NULL DEFAULT 'PC',
    state       TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'replaced', 'retracted')),
    replaces    INTEGER REFERENCES punches(id),
    created_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
CREATE UNIQUE INDEX punches_active ON punches(employee_id, work_day, kind, ts_utc) WHERE state = 'active';
CREATE INDEX punches_company_day ON punches(company_id, work_day) WHERE state = 'active';

-- Punches to deliver to a sink (KING OF TIME), exactly once each.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    punch_id        INTEGER NOT NULL REFERENCES punches(id),
    action          TEXT NOT NULL CHECK (action IN ('add', 'correct', 'retract')),
    replaces        INTEGER REFERENCES punches(id),
    idem_key        TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

CREATE TABLE delivery_attempts (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id),
    at          INTEGER NOT NULL,
    http_status INTEGER,
    error       TEXT
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    company_id INTEGER REFERENCES companies(id),
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
