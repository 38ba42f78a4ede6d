/*
 * store_sql_sources — what the sources leave in the database beside their
 * events: the MaLion poller's cursor and last result, the versions of the
 * agents that sent events, and removing a secret a source no longer needs
 * (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/sql_internal.h"

enum {
    X_SECRET_DELETE = SQ_SOURCES_BASE,
    X_MALION_GET,
    X_MALION_CURSOR,
    X_MALION_RESULT,
    X_VERSIONS,
    X_SOURCE_RESULT,
    X_SOURCE_GET,
    X_VERSIONS_ADD,
    X_MALION_SETTINGS,
    X_END
};
_Static_assert(X_END <= SQ_ADMINS_BASE, "too many source statements for their slots");

#define SQ_FILE_BASE SQ_SOURCES_BASE

static const char *const sql_text[X_END - SQ_SOURCES_BASE] = {
    [X_SECRET_DELETE - SQ_SOURCES_BASE] =
        "DELETE FROM company_secrets WHERE company_id = ?1 AND name = ?2",
    [X_MALION_GET - SQ_SOURCES_BASE] =
        "SELECT cursor, logs_total, COALESCE(attempt_at, 0), COALESCE(success_at, 0), error, "
        "error_code, COALESCE(settings_at, 0) FROM malion_state WHERE company_id = ?1",
    [X_MALION_CURSOR - SQ_SOURCES_BASE] =
        "INSERT INTO malion_state (company_id, cursor, logs_total) VALUES (?1, ?2, ?3) ON "
        "CONFLICT (company_id) DO UPDATE SET cursor = excluded.cursor, logs_total = "
        "malion_state.logs_total + excluded.logs_total",
    [X_MALION_RESULT - SQ_SOURCES_BASE] =
        "INSERT INTO malion_state (company_id, attempt_at, success_at, error, error_code) VALUES "
        "(?1, ?2, CASE WHEN ?3 = '' THEN ?2 ELSE NULL END, ?3, ?4) ON CONFLICT (company_id) DO UPDATE SET "
        "attempt_at = excluded.attempt_at, success_at = CASE WHEN ?3 = '' THEN ?2 ELSE malion_state.success_at "
        "END, error = ?3, error_code = ?4",
    [X_VERSIONS - SQ_SOURCES_BASE] =
        "SELECT version, events, last_utc FROM source_versions WHERE company_id = ?1 AND source "
        "= ?2 ORDER BY last_utc, version",
    [X_SOURCE_RESULT - SQ_SOURCES_BASE] =
        "INSERT INTO source_status (company_id, source, success_at, error_at, error_code, error) "
        "VALUES (?1, ?2, CASE WHEN ?4 = '' THEN ?3 ELSE NULL END, CASE WHEN ?4 = '' THEN NULL ELSE ?3 END, ?4, ?5) ON CONFLICT "
        "(company_id, source) DO UPDATE SET success_at = CASE WHEN ?4 = '' THEN ?3 ELSE "
        "source_status.success_at END, error_at = CASE WHEN ?4 = '' THEN source_status.error_at "
        "ELSE ?3 END, error_code = CASE WHEN ?4 = '' THEN source_status.error_code ELSE ?4 END, "
        "error = CASE WHEN ?4 = '' THEN source_status.error ELSE ?5 END",
    [X_SOURCE_GET - SQ_SOURCES_BASE] =
        "SELECT COALESCE(success_at, 0), COALESCE(error_at, 0), error_code, error FROM source_status "
        "WHERE company_id = ?1 AND source = ?2",
    [X_VERSIONS_ADD - SQ_SOURCES_BASE] =
        "INSERT INTO source_versions (company_id, source, version, events, last_utc) VALUES (?1, "
        "?2, ?3, ?4, ?5) ON CONFLICT (company_id, source, version) DO UPDATE SET events = "
        "source_versions.events + excluded.events, last_utc = CASE WHEN excluded.last_utc > "
        "source_versions.last_utc THEN excluded.last_utc ELSE source_versions.last_utc END",
    [X_MALION_SETTINGS - SQ_SOURCES_BASE] =
        "INSERT INTO malion_state (company_id, settings_at) VALUES (?1, ?2) ON CONFLICT "
        "(company_id) DO UPDATE SET settings_at = excluded.settings_at",
};


lr_status store_secret_delete(lr_store *base, int64_t company_id, const char *name, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_SECRET_DELETE, err, SQ_INT(company_id), SQ_TEXT(name));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "removing a secret");
}

lr_status store_malion_state_get(lr_store *base, int64_t company_id, lr_malion_state *out,
                              lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_GET, err, SQ_INT(company_id));
    int rc;
    memset(out, 0, sizeof *out);
    if (!st)
        return LR_ESTORE;
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        sq_copy_col(st, 0, out->cursor, sizeof out->cursor);
        out->logs_total = sql_col_int64(st, 1);
        out->attempt_at = sql_col_int64(st, 2);
        out->success_at = sql_col_int64(st, 3);
        sq_copy_col(st, 4, out->error, sizeof out->error);
        sq_copy_col(st, 5, out->error_code, sizeof out->error_code);
        out->settings_at = sql_col_int64(st, 6);
    }
    return sq_end(s, st, rc, err, "reading the MaLion state");
}

lr_status store_malion_cursor_set(lr_store *base, int64_t company_id, const char *cursor,
                               int64_t logs, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_CURSOR, err, SQ_INT(company_id), SQ_TEXT(cursor),
                             SQ_INT(logs));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "saving the MaLion cursor");
}

lr_status store_malion_result(lr_store *base, int64_t company_id, int64_t at, const char *code,
                           const char *error, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_RESULT, err, SQ_INT(company_id), SQ_INT(at),
                             SQ_TEXT(error), SQ_TEXT(code));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "saving the MaLion result");
}

lr_status store_malion_settings_changed(lr_store *base, int64_t company_id, int64_t at,
                                     lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_SETTINGS, err, SQ_INT(company_id), SQ_INT(at));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "noting the MaLion settings' change");
}

lr_status store_source_result(lr_store *base, int64_t company_id, const char *source, int64_t at,
                           const char *code, const char *error, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_SOURCE_RESULT, err, SQ_INT(company_id), SQ_TEXT(source),
                             SQ_INT(at), SQ_TEXT(code), SQ_TEXT(error));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "saving a source's result");
}

lr_status store_source_status_get(lr_store *base, int64_t company_id, const char *source,
                               lr_source_status *out, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_SOURCE_GET, err, SQ_INT(company_id), SQ_TEXT(source));
    int rc;
    memset(out, 0, sizeof *out);
    if (!st)
        return LR_ESTORE;
    if ((rc = sql_step(st)) == SQL_ROW) {
        out->success_at = sql_col_int64(st, 0);
        out->error_at = sql_col_int64(st, 1);
        sq_copy_col(st, 2, out->error_code, sizeof out->error_code);
        sq_copy_col(st, 3, out->error, sizeof out->error);
    }
    return sq_end(s, st, rc, err, "reading a source's status");
}

lr_status store_source_versions_add(lr_store *base, int64_t company_id, const char *source,
                                 const char *version, int64_t n, int64_t last_utc, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_VERSIONS_ADD, err, SQ_INT(company_id), SQ_TEXT(source),
                             SQ_TEXT(version), SQ_INT(n), SQ_INT(last_utc));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "counting a source's versions");
}

lr_status store_event_versions(lr_store *base, int64_t company_id, const char *source,
                            store_version_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_VERSIONS, err, SQ_INT(company_id), SQ_TEXT(source));
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        lr_version_seen v = {sql_col_text(st, 0),
                             sql_col_int64(st, 1), sql_col_int64(st, 2)};
        if (cb(ctx, &v))
            break;
    }
    return sq_end(s, st, rc, err, "listing agent versions");
}
