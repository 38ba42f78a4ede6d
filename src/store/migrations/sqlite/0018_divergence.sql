-- Issue 23, 乖離: where KING OF TIME's record and the PC disagree.
--
-- A company either delivers punches (kot_mode 'punch') or keeps PC use as
-- the objective record beside punches made another way ('record',
-- 客観記録のみ: nothing is delivered). Its divergence limits (minutes,
-- 1-240) apply unless the employee's division sets its own (0: the
-- company's). div_fetched_at / div_fetch_result: the last read of KING OF
-- TIME's record (0 / '' before the first).
ALTER TABLE companies ADD COLUMN kot_mode TEXT NOT NULL DEFAULT 'punch' CHECK (kot_mode IN ('punch', 'record'));
ALTER TABLE companies ADD COLUMN div_start_min INTEGER NOT NULL DEFAULT 30 CHECK (div_start_min BETWEEN 1 AND 240);
ALTER TABLE companies ADD COLUMN div_end_min INTEGER NOT NULL DEFAULT 30 CHECK (div_end_min BETWEEN 1 AND 240);
ALTER TABLE companies ADD COLUMN div_fetched_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN div_fetch_result TEXT NOT NULL DEFAULT '';
ALTER TABLE divisions ADD COLUMN div_start_min INTEGER NOT NULL DEFAULT 0 CHECK (div_start_min BETWEEN 0 AND 240);
ALTER TABLE divisions ADD COLUMN div_end_min INTEGER NOT NULL DEFAULT 0 CHECK (div_end_min BETWEEN 0 AND 240);

-- KING OF TIME's recorded punches, read back per employee and work day,
-- however they were made (credential_code / credential_name say how when
-- KoT says it) and after any hand edit. A fetch replaces an employee's
-- days in its window as a whole; seq keeps the answer's order.
CREATE TABLE kot_records (
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    employee_id     INTEGER NOT NULL REFERENCES employees(id),
    work_day        TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    kind            INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
    ts_utc          INTEGER NOT NULL,
    division_code   TEXT NOT NULL DEFAULT '',
    credential_code TEXT NOT NULL DEFAULT '',
    credential_name TEXT NOT NULL DEFAULT '',
    fetched_at      INTEGER NOT NULL,
    PRIMARY KEY (employee_id, work_day, seq)
);
CREATE INDEX kot_records_company_day ON kot_records(company_id, work_day);

-- A work day that diverged, and what the administrator found: open until
-- confirmed (reason, result: corrected | no_correction, and a note saying
-- what was found and how it was corrected);
-- closed when a later read shows the divergence gone. first_seen_at is
-- when it was first found, notified_at when a summary mail named it.
CREATE TABLE divergences (
    company_id     INTEGER NOT NULL REFERENCES companies(id),
    employee_id    INTEGER NOT NULL REFERENCES employees(id),
    work_day       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    start_diff_min INTEGER,
    end_diff_min   INTEGER,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'closed')),
    reason         TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    result         TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'corrected', 'no_correction')),
    confirmed_by   TEXT NOT NULL DEFAULT '',
    confirmed_at   INTEGER NOT NULL DEFAULT 0,
    first_seen_at  INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    notified_at    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (employee_id, work_day)
);
CREATE INDEX divergences_company_day ON divergences(company_id, work_day);

-- The reasons an administrator picks from, per company (ja/en labels).
-- A company with none has the defaults (service/divergence_reasons.c).
CREATE TABLE divergence_reasons (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    code       TEXT NOT NULL,
    label_ja   TEXT NOT NULL,
    label_en   TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, code)
);
