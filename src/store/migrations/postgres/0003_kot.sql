-- KING OF TIME integration (勤革時連携 / 打刻連携): where to call, how fast,
-- what the last sync did, and what each delivery attempt saw.
ALTER TABLE companies ADD COLUMN kot_base_url TEXT NOT NULL DEFAULT 'https://api.kingtime.jp/v1.0';
ALTER TABLE companies ADD COLUMN kot_rate DOUBLE PRECISION NOT NULL DEFAULT 2;      -- requests per second
ALTER TABLE companies ADD COLUMN kot_synced_at BIGINT;                  -- last sync attempt
ALTER TABLE companies ADD COLUMN kot_sync_result TEXT NOT NULL DEFAULT ''; -- its summary, or "failed: why"


-- A KoT employee key is unique within a company.
CREATE UNIQUE INDEX employees_kot_key ON employees(company_id, kot_key) WHERE kot_key IS NOT NULL;

-- result: why a row is done (sent, already_there, superseded, breaks_off)
-- or failed (the reason, in words). uncertain: the last attempt may have
-- reached KoT (timeout, dropped connection, crash while sending), so the
-- next one reads back before sending.
ALTER TABLE outbox ADD COLUMN result TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN uncertain BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN done_at BIGINT;
-- "was this punch delivered?" (before a retract) looks rows up by punch
CREATE INDEX outbox_punch ON outbox(punch_id);

ALTER TABLE delivery_attempts ADD COLUMN request TEXT NOT NULL DEFAULT '';  -- never the token
ALTER TABLE delivery_attempts ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE delivery_attempts ADD COLUMN answer TEXT NOT NULL DEFAULT '';   -- first 1 KiB
ALTER TABLE delivery_attempts ADD COLUMN duration_ms BIGINT NOT NULL DEFAULT 0;
