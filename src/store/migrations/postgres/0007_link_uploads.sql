-- A link CSV uploaded in the admin UI (連携設定 → CSV データ入力), kept between
-- its check ([送信], a dry run) and [実行], for the administrator who sent
-- it, for an hour at most.
CREATE TABLE link_uploads (
    id         TEXT PRIMARY KEY,          -- random, what the [実行] form carries
    company_id BIGINT NOT NULL REFERENCES companies(id),
    user_id    BIGINT NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    data       BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
