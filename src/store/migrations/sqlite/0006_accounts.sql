-- Administrators of the admin UI (ログイン / マイアカウント), per company.
CREATE TABLE admin_users (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    login      TEXT NOT NULL,
    pw_hash    TEXT NOT NULL,             -- argon2id, libsodium crypto_pwhash_str
    lang       TEXT NOT NULL DEFAULT '',  -- 表示言語: 'ja', 'en' or '' (ask the browser)
    created_at INTEGER NOT NULL,
    UNIQUE (company_id, login)
);

-- Signed-in browsers. The cookie's value is never stored: only its hash.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,             -- the token every form of the session carries
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, per "company/login" and per client address, for the
-- login rate limit.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);
