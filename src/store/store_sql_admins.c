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

enum {
    A_USER_INSERT = SQ_ADMINS_BASE,
    A_USER_GET,
    A_USER_UPDATE,
    A_SESSION_INSERT,
    A_SESSION_GET,
    A_SESSION_DELETE,
    A_SESSIONS_END,
    A_FAILURE_ADD,
    A_FAILURES_SINCE,
    A_FAILURES_CLEAR,
    A_UPLOAD_EXPIRE,
    A_UPLOAD_PUT,
    A_UPLOAD_GET,
    A_UPLOAD_APPLIED,
    A_END
};
_Static_assert(A_END <= SQ_PAGES_BASE, "too many account statements for their slots");

#define SQ_FILE_BASE SQ_ADMINS_BASE

static const char *const sql_text[A_END - SQ_ADMINS_BASE] = {
    [A_USER_INSERT - SQ_ADMINS_BASE] =
        "INSERT INTO admin_users (company_id, login, pw_hash, lang, created_at) VALUES (?1, ?2, "
        "?3, ?4, ?5) RETURNING id",
    [A_USER_GET - SQ_ADMINS_BASE] =
        "SELECT id, company_id, login, pw_hash, lang FROM admin_users WHERE company_id = ?1 AND "
        "login = ?2",
    [A_USER_UPDATE - SQ_ADMINS_BASE] =
        "UPDATE admin_users SET pw_hash = ?2, lang = ?3 WHERE id = ?1",
    [A_SESSION_INSERT - SQ_ADMINS_BASE] =
        "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, "
        "?3, ?4, ?5)",
    [A_SESSION_GET - SQ_ADMINS_BASE] =
        "SELECT u.id, u.company_id, c.code, u.login, s.csrf, u.lang, s.expires_at FROM sessions "
        "s JOIN admin_users u ON u.id = s.user_id JOIN companies c ON c.id = u.company_id WHERE "
        "s.id_hash = ?1 AND s.expires_at > ?2",
    [A_SESSION_DELETE - SQ_ADMINS_BASE] = "DELETE FROM sessions WHERE id_hash = ?1",
    [A_SESSIONS_END - SQ_ADMINS_BASE] =
        "DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> COALESCE(?2, '')",
    [A_FAILURE_ADD - SQ_ADMINS_BASE] = "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
    [A_FAILURES_SINCE - SQ_ADMINS_BASE] =
        "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
    [A_FAILURES_CLEAR - SQ_ADMINS_BASE] = "DELETE FROM login_failures WHERE key = ?1",
    [A_UPLOAD_EXPIRE - SQ_ADMINS_BASE] = "DELETE FROM link_uploads WHERE created_at < ?1",
    [A_UPLOAD_PUT - SQ_ADMINS_BASE] =
        "INSERT INTO link_uploads (id, company_id, user_id, file_name, data, created_at) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6)",
    [A_UPLOAD_GET - SQ_ADMINS_BASE] =
        "SELECT file_name, data, applied_at FROM link_uploads WHERE id = ?1 AND company_id = ?2 "
        "AND user_id = ?3 AND created_at >= ?4",
    [A_UPLOAD_APPLIED - SQ_ADMINS_BASE] =
        "UPDATE link_uploads SET applied_at = ?2, data = ?3 WHERE id = ?1",
};


lr_status store_user_insert(lr_store *base, lr_user *u, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_USER_INSERT, err, SQ_INT(u->company_id), SQ_TEXT(u->login),
                             SQ_TEXT(u->pw_hash), SQ_TEXT(u->lang), SQ_INT(clock_now()));
    lr_status r;
    if (!st)
        return LR_ESTORE;
    r = sq_run_id(s, st, &u->id, err, "adding an administrator");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "the login '%s' exists already in this company", u->login);
    return r;
}

lr_status store_user_get(lr_store *base, int64_t company_id, const char *login, lr_user *out,
                      lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_USER_GET, err, SQ_INT(company_id), SQ_TEXT(login));
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sql_col_int64(st, 0);
        out->company_id = sql_col_int64(st, 1);
        sq_copy_col(st, 2, out->login, sizeof out->login);
        sq_copy_col(st, 3, out->pw_hash, sizeof out->pw_hash);
        sq_copy_col(st, 4, out->lang, sizeof out->lang);
    }
    return sq_end_one(s, st, rc, err, "reading an administrator", "no administrator '%s'", login);
}

lr_status store_user_update(lr_store *base, const lr_user *u, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_USER_UPDATE, err, SQ_INT(u->id), SQ_TEXT(u->pw_hash),
                             SQ_TEXT(u->lang));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "updating an administrator");
}

lr_status store_session_insert(lr_store *base, const char *id_hash, int64_t user_id, const char *csrf,
                            int64_t now, int64_t expires_at, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_SESSION_INSERT, err, SQ_TEXT(id_hash), SQ_INT(user_id),
                             SQ_TEXT(csrf), SQ_INT(now), SQ_INT(expires_at));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "starting a session");
}

lr_status store_session_get(lr_store *base, const char *id_hash, int64_t now, lr_session *out,
                         lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, A_SESSION_GET, err, SQ_TEXT(id_hash), SQ_INT(now));
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        memset(out, 0, sizeof *out);
        out->user_id = sql_col_int64(st, 0);
        out->company_id = sql_col_int64(st, 1);
        sq_copy_col(st, 2, out->company_code, sizeof out->company_code);
        sq_copy_col(st, 3, out->login, sizeof out->login);
        sq_copy_col(st, 4, out->csrf, sizeof out->csrf);
        sq_copy_col(st, 5, out->lang, sizeof out->lang);
        out->expires_at = sql_col_int64(st, 6);
    }
    return sq_end_one(s, st, rc, err, "reading a session", "no such session");
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
    if (!st)
        return LR_ESTORE;
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
    rc = sql_step(st);
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
    if (!st)
        return LR_ESTORE;
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
    rc = sql_step(st);
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
