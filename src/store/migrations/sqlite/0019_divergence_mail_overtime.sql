-- Issue 23, 乖離's daily summary mail: per company, the addresses it goes
-- to (comma-separated; '' sends none), after how many days an open day is
-- listed again as still open, and the company-local day the last summary
-- was claimed for (a summary goes at most once a day, whatever the number
-- of instances or restarts).
ALTER TABLE companies ADD COLUMN div_mail_to TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN div_mail_open_days INTEGER NOT NULL DEFAULT 7 CHECK (div_mail_open_days BETWEEN 1 AND 365);
ALTER TABLE companies ADD COLUMN div_mail_day TEXT NOT NULL DEFAULT '';

-- The one SMTP server the service sends through (loginrec mail set): its
-- URL (smtp://HOST:PORT; STARTTLS when the server offers it, and required
-- with credentials), the sender, the credentials (the password sealed like
-- every other secret), and the CA certificates its TLS is checked against
-- ('' for the system's).
CREATE TABLE mail_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    smtp_url        TEXT NOT NULL DEFAULT '',
    mail_from       TEXT NOT NULL DEFAULT '',
    smtp_user       TEXT NOT NULL DEFAULT '',
    password_sealed TEXT NOT NULL DEFAULT '',
    ca_file         TEXT NOT NULL DEFAULT ''
);

-- 36協定's early warning: a company's limits (minutes: a month's overtime,
-- and the 2-6 month average's), and the warnings of a month as the last
-- nightly read found them, PC use and the record side by side.
ALTER TABLE companies ADD COLUMN ot_month_min INTEGER NOT NULL DEFAULT 2700 CHECK (ot_month_min BETWEEN 60 AND 43200);
ALTER TABLE companies ADD COLUMN ot_avg_min INTEGER NOT NULL DEFAULT 4800 CHECK (ot_avg_min BETWEEN 60 AND 43200);
CREATE TABLE overtime_warnings (
    company_id    INTEGER NOT NULL REFERENCES companies(id),
    employee_id   INTEGER NOT NULL REFERENCES employees(id),
    month         TEXT NOT NULL,
    pc_work_min   INTEGER NOT NULL,
    pc_over_min   INTEGER NOT NULL,
    projected_min INTEGER NOT NULL,
    avg_min       INTEGER NOT NULL,
    rec_work_min  INTEGER NOT NULL,
    rec_over_min  INTEGER NOT NULL,
    warning       INTEGER NOT NULL,
    computed_at   INTEGER NOT NULL,
    PRIMARY KEY (company_id, month, employee_id)
);
