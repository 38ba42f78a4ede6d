/*
 * store_sql_admins — administrators of the admin UI, their sessions
 * (stored by the hash of the cookie value only) and failed sign-ins for the
 * login rate limit (see store.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/sql_internal.h"
#include "util/clock.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(A_USER_INSERT,                                                                               \
      "INSERT INTO admin_users (company_id, login, pw_hash, lang, created_at) VALUES (?1, ?2, "    \
      "?3, ?4, ?5) RETURNING id")                                                                  \
    X(A_USER_GET,                                                                                  \
      "SELECT id, company_id, login, pw_hash, lang FROM admin_users WHERE company_id = ?1 AND "    \
      "login = ?2")                                                                                \
    X(A_USER_UPDATE, "UPDATE admin_users SET pw_hash = ?2, lang = ?3 WHERE id = ?1")               \
    X(A_SESSION_INSERT,                                                                            \
      "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, "     \
      "?3, ?4, ?5)")                                                                               \
    X(A_SESSION_GET,                                                                               \
      "SELECT u.id, u.company_id, c.code, u.login, s.csrf, u.lang, s.expires_at, c.generation "  \
      "FROM sessions "    \
      "s JOIN admin_users u ON u.id = s.user_id JOIN companies c ON c.id = u.company_id WHERE "    \
      "s.id_hash = ?1 AND s.expires_at > ?2")                                                      \
    X(A_SESSION_DELETE, "DELETE FROM sessions WHERE id_hash = ?1")                                 \
    X(A_SESSIONS_END, "DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> COALESCE(?2, '')")   \
    X(A_FAILURE_ADD, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)")                       \
    X(A_FAILURES_SINCE, "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2")         \
    X(A_FAILURES_CLEAR, "DELETE FROM login_failures WHERE key = ?1")                               \
    X(A_UPLOAD_EXPIRE, "DELETE FROM link_uploads WHERE created_at < ?1")                           \
    X(A_UPLOAD_PUT,                                                                                \
      "INSERT INTO link_uploads (id, company_id, user_id, file_name, data, created_at) VALUES "    \
      "(?1, ?2, ?3, ?4, ?5, ?6)")                                                                  \
    X(A_UPLOAD_GET,                                                                                \
      "SELECT file_name, data, applied_at FROM link_uploads WHERE id = ?1 AND company_id = ?2 "    \
      "AND user_id = ?3 AND created_at >= ?4")                                                     \
    X(A_UPLOAD_APPLIED, "UPDATE link_uploads SET applied_at = ?2, data = ?3 WHERE id = ?1")
SQ_STATEMENTS(SQ_ADMINS_BASE, SQ_PAGES_BASE);

lr_status store_user_insert(lr_store *base, lr_user *u, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_USER_INSERT, err, SQ_INT(u->company_id), SQ_TEXT(u->login),
                             SQ_TEXT(u->pw_hash), SQ_TEXT(u->lang), SQ_INT(clock_now()));
    lr_status r;
    r = sq_run_id(s, st, &u->id, err, "adding an administrator");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "the login '%s' exists already in this company", u->login);
    return sq_wrote(s, u->company_id, r, err);
}

static const sq_row user_row =
    SQ_ROW(lr_user, SQ_NUM(lr_user, id), SQ_NUM(lr_user, company_id), SQ_STR(lr_user, login),
           SQ_STR(lr_user, pw_hash), SQ_STR(lr_user, lang));

lr_status store_user_get(lr_store *base, int64_t company_id, const char *login, lr_user *out,
                      lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), A_USER_GET, err, SQ_INT(company_id), SQ_TEXT(login));
    return sq_one(S(base), st, &user_row, out, err, "reading an administrator",
                  "no administrator '%s'", login);
}

lr_status store_user_update(lr_store *base, const lr_user *u, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_USER_UPDATE, err, SQ_INT(u->id), SQ_TEXT(u->pw_hash),
                             SQ_TEXT(u->lang));
    return sq_wrote(s, u->company_id, sq_run(s, st, err, "updating an administrator"), err);
}

lr_status store_session_insert(lr_store *base, const char *id_hash, int64_t user_id, const char *csrf,
                            int64_t now, int64_t expires_at, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_SESSION_INSERT, err, SQ_TEXT(id_hash), SQ_INT(user_id),
                             SQ_TEXT(csrf), SQ_INT(now), SQ_INT(expires_at));
    return sq_run(s, st, err, "starting a session");
}

static const sq_row session_row = SQ_ROW(
    lr_session, SQ_NUM(lr_session, user_id), SQ_NUM(lr_session, company_id),
    SQ_STR(lr_session, company_code), SQ_STR(lr_session, login), SQ_STR(lr_session, csrf),
    SQ_STR(lr_session, lang), SQ_NUM(lr_session, expires_at), SQ_NUM(lr_session, generation));

lr_status store_session_get(lr_store *base, const char *id_hash, int64_t now, lr_session *out,
                         lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), A_SESSION_GET, err, SQ_TEXT(id_hash), SQ_INT(now));
    return sq_one(S(base), st, &session_row, out, err, "reading a session", "no such session");
}

/* Runs the slot's statement with one text parameter (and an optional id). */
static lr_status run_text(lr_store *base, int slot, int64_t id, const char *text, lr_error *err,
                          const char *doing)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, slot, err);
    if (!st)
        return LR_ESTORE;
    if (id) {
        sql_bind_int64(st, 1, id);
        sql_bind_text(st, 2, text);
    } else {
        sql_bind_text(st, 1, text);
    }
    return sq_run(s, st, err, doing);
}

lr_status store_session_delete(lr_store *base, const char *id_hash, lr_error *err)
{
    return run_text(base, A_SESSION_DELETE, 0, id_hash, err, "ending a session");
}

lr_status store_sessions_end(lr_store *base, int64_t user_id, const char *keep_hash, lr_error *err)
{
    return run_text(base, A_SESSIONS_END, user_id, keep_hash, err, "ending sessions");
}

lr_status store_login_failures_clear(lr_store *base, const char *key, lr_error *err)
{
    return run_text(base, A_FAILURES_CLEAR, 0, key, err, "clearing login failures");
}

lr_status store_login_failure_add(lr_store *base, const char *key, int64_t at, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_FAILURE_ADD, err, SQ_TEXT(key), SQ_INT(at));
    return sq_run(s, st, err, "recording a failed sign-in");
}

lr_status store_login_failures_since(lr_store *base, const char *key, int64_t since, int64_t *n,
                                  lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_FAILURES_SINCE, err, SQ_TEXT(key), SQ_INT(since));
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sq_next(st, NULL, NULL);
    *n = rc == SQL_ROW ? sql_col_int64(st, 0) : 0;
    sql_reset(st);
    return rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "counting failed sign-ins");
}

lr_status store_upload_put(lr_store *base, const char *id, int64_t company_id, int64_t user_id,
                        const char *name, const char *data, size_t len, int64_t now,
                        int64_t before, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_UPLOAD_EXPIRE, err, SQ_INT(before));
    lr_status r;
    if ((r = sq_run(s, st, err, "dropping old uploads")) != LR_OK)
        return r;
    if (!(st = stmt(s, A_UPLOAD_PUT, err)))
        return LR_ESTORE;
    sql_bind_text(st, 1, id);
    sql_bind_int64(st, 2, company_id);
    sql_bind_int64(st, 3, user_id);
    sql_bind_text(st, 4, name);
    sql_bind_blob(st, 5, data, len);
    sql_bind_int64(st, 6, now);
    return sq_run(s, st, err, "keeping an upload");
}

lr_status store_upload_get(lr_store *base, const char *id, int64_t company_id, int64_t user_id,
                        int64_t since, lr_buf *data, char *name, size_t namesz,
                        int64_t *applied_at, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_UPLOAD_GET, err, SQ_TEXT(id), SQ_INT(company_id), SQ_INT(user_id),
                             SQ_INT(since));
    lr_status r = LR_OK;
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sq_next(st, NULL, NULL);
    if (rc == SQL_ROW) {
        size_t n = 0;
        const void *bytes = sql_col_blob(st, 1, &n);
        sq_copy_col(st, 0, name, namesz);
        *applied_at = sql_col_int64(st, 2);
        if (*applied_at)
            r = lr_fail(err, LR_EEXIST, "the upload was applied already");
        else if (buf_append(data, bytes, n) != LR_OK)
            r = lr_fail(err, LR_ETOOBIG, "the upload is larger than its buffer");
    } else if (rc == SQL_DONE) {
        r = lr_fail(err, LR_ENOTFOUND, "no such upload (or older than an hour)");
    } else {
        r = sq_db_fail(s, err, "reading an upload");
    }
    sql_reset(st);
    return r;
}

lr_status store_upload_applied(lr_store *base, const char *id, int64_t at, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, A_UPLOAD_APPLIED, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_text(st, 1, id);
    sql_bind_int64(st, 2, at);
    sql_bind_blob(st, 3, "", 0); /* the bytes are not needed any more */
    return sq_run(s, st, err, "marking an upload applied");
}
