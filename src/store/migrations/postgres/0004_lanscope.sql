-- LanScope integration: the company's access token for loginrec-agent
-- (32 alphanumerics, stored only as its hash) and the manager's collection
-- start time (conf.ini / 勤怠簿出力.sql, default 05:00), which each
-- division's day-change time should match.
ALTER TABLE companies ADD COLUMN lanscope_token_hash TEXT;
ALTER TABLE companies ADD COLUMN lanscope_collect_min BIGINT NOT NULL DEFAULT 300
    CHECK (lanscope_collect_min BETWEEN 0 AND 1439);
