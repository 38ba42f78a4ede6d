-- ログ表示 filters that would otherwise walk every event of the company
-- (measured at 1,000,000 events: 1.3 s a page): a source, and operations
-- other than logon/logoff, which are rare, so their index is small.
CREATE INDEX log_events_source_time ON log_events(company_id, source, ts_utc);
CREATE INDEX log_events_other_ops ON log_events(company_id, ts_utc) WHERE op NOT IN ('logon', 'logoff');
