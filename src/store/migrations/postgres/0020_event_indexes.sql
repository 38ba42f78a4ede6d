-- Issue 24: log_events keeps only the indexes a query needs. The one on
-- (company, account, time) repeats the first three columns of the
-- natural key's unique index (company, account, time, host, op, source),
-- which serves every read by account and time as well; each event paid
-- for it on insert. test_query_plans checks every statement on log_events
-- against the indexes that remain.
DROP INDEX IF EXISTS log_events_account_time;
