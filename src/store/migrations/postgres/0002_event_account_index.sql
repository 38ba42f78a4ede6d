-- Re-derivation reads one account's events in a time window. Without
-- statistics SQLite answered that through log_events_time (company, time)
-- and walked every employee's events in the window: quadratic in company
-- size. This index serves it directly; the query names it (INDEXED BY).
CREATE INDEX log_events_account_time ON log_events(company_id, account, ts_utc);
