-- Issue 24: the two tables every event and every punch write keep only the
-- indexes a query needs (test_query_plans checks each statement that reads
-- them against what remains):
-- - log_events (company, account, time) repeated the first three columns of
--   the natural key's unique index (company, account, time, host, op,
--   source), which serves every read by account and time as well;
-- - outbox (company, state) repeated the first two of (company, state,
--   next attempt), which serves the counts by state as well.
DROP INDEX IF EXISTS log_events_account_time;
DROP INDEX IF EXISTS outbox_company_state;
