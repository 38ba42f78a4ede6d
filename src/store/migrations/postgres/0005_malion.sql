-- MaLion integration (MaLion連携): the company's ホスト名, 管理者コード and
-- whether polling is on (the シークレットコード is sealed in company_secrets
-- as 'malion_secret'), and the poller's place in MaLion's operation logs
-- with what its last attempt saw.
ALTER TABLE companies ADD COLUMN malion_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN malion_host TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN malion_admin_code TEXT NOT NULL DEFAULT '';

CREATE TABLE malion_state (
    company_id BIGINT PRIMARY KEY REFERENCES companies(id),
    cursor     TEXT NOT NULL DEFAULT '',  -- MaLion's cursor after the last committed page
    logs_total BIGINT NOT NULL DEFAULT 0,
    attempt_at BIGINT,                   -- last poll, successful or not
    success_at BIGINT,                   -- last poll that reached the end
    error      TEXT NOT NULL DEFAULT ''   -- the last poll's failure in words; '' after a success
);
