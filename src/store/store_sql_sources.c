/*
 * store_sql_sources — what the sources leave in the database beside their
 * events: the MaLion poller's cursor and last result, the versions of the
 * agents that sent events, and removing a secret a source no longer needs
 * (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/sql_internal.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(X_SECRET_DELETE, "DELETE FROM company_secrets WHERE company_id = ?1 AND name = ?2")          \
    X(X_MALION_GET,                                                                                \
      "SELECT cursor, logs_total, COALESCE(attempt_at, 0), COALESCE(success_at, 0), error, "       \
      "error_code, COALESCE(settings_at, 0) FROM malion_state WHERE company_id = ?1")              \
    X(X_MALION_CURSOR,                                                                             \
      "INSERT INTO malion_state (company_id, cursor, logs_total) VALUES (?1, ?2, ?3) ON "          \
      "CONFLICT (company_id) DO UPDATE SET cursor = excluded.cursor, logs_total = "                \
      "malion_state.logs_total + excluded.logs_total")                                             \
    X(X_MALION_RESULT,                                                                             \
      "INSERT INTO malion_state (company_id, attempt_at, success_at, error, error_code) VALUES "   \
      "(?1, ?2, CASE WHEN ?3 = '' THEN ?2 ELSE NULL END, ?3, ?4) ON CONFLICT (company_id) DO UPDATE SET " \
      "attempt_at = excluded.attempt_at, success_at = CASE WHEN ?3 = '' THEN ?2 ELSE malion_state.success_at " \
      "END, error = ?3, error_code = ?4")                                                          \
    X(X_VERSIONS,                                                                                  \
      "SELECT version, events, last_utc FROM source_versions WHERE company_id = ?1 AND source "    \
      "= ?2 ORDER BY last_utc, version")                                                           \
    X(X_SOURCE_RESULT,                                                                             \
      "INSERT INTO source_status (company_id, source, success_at, error_at, error_code, error) "   \
      "VALUES (?1, ?2, CASE WHEN ?4 = '' THEN ?3 ELSE NULL END, CASE WHEN ?4 = '' THEN NULL ELSE ?3 END, ?4, ?5) ON CONFLICT " \
      "(company_id, source) DO UPDATE SET success_at = CASE WHEN ?4 = '' THEN ?3 ELSE "            \
      "source_status.success_at END, error_at = CASE WHEN ?4 = '' THEN source_status.error_at "    \
      "ELSE ?3 END, error_code = CASE WHEN ?4 = '' THEN source_status.error_code ELSE ?4 END, "    \
      "error = CASE WHEN ?4 = '' THEN source_status.error ELSE ?5 END")                            \
    X(X_SOURCE_GET,                                                                                \
      "SELECT COALESCE(success_at, 0), COALESCE(error_at, 0), error_code, error FROM source_status " \
      "WHERE company_id = ?1 AND source = ?2")                                                     \
    X(X_VERSIONS_ADD,                                                                              \
      "INSERT INTO source_versions (company_id, source, version, events, last_utc) VALUES (?1, "   \
      "?2, ?3, ?4, ?5) ON CONFLICT (company_id, source, version) DO UPDATE SET events = "          \
      "source_versions.events + excluded.events, last_utc = CASE WHEN excluded.last_utc > "        \
      "source_versions.last_utc THEN excluded.last_utc ELSE source_versions.last_utc END")         \
    X(X_MALION_SETTINGS,                                                                           \
      "INSERT INTO malion_state (company_id, settings_at) VALUES (?1, ?2) ON CONFLICT "            \
      "(company_id) DO UPDATE SET settings_at = excluded.settings_at")
SQ_STATEMENTS(SQ_SOURCES_BASE, SQ_ADMINS_BASE);

lr_status store_secret_delete(lr_store *base, int64_t company_id, const char *name, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_SECRET_DELETE, err, SQ_INT(company_id), SQ_TEXT(name));
    return sq_wrote(s, company_id, sq_run(s, st, err, "removing a secret"), err);
}

static const sq_row malion_row = SQ_ROW(
    lr_malion_state, SQ_STR(lr_malion_state, cursor), SQ_NUM(lr_malion_state, logs_total),
    SQ_NUM(lr_malion_state, attempt_at), SQ_NUM(lr_malion_state, success_at),
    SQ_STR(lr_malion_state, error), SQ_STR(lr_malion_state, error_code),
    SQ_NUM(lr_malion_state, settings_at));

/* No row yet: the zero state. */
lr_status store_malion_state_get(lr_store *base, int64_t company_id, lr_malion_state *out,
                              lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), X_MALION_GET, err, SQ_INT(company_id));
    memset(out, 0, sizeof *out);
    return sq_end(S(base), st, sq_next(st, &malion_row, out), err, "reading the MaLion state");
}

lr_status store_malion_cursor_set(lr_store *base, int64_t company_id, const char *cursor,
                               int64_t logs, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_CURSOR, err, SQ_INT(company_id), SQ_TEXT(cursor),
                             SQ_INT(logs));
    return sq_run(s, st, err, "saving the MaLion cursor");
}

lr_status store_malion_result(lr_store *base, int64_t company_id, int64_t at, const char *code,
                           const char *error, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_RESULT, err, SQ_INT(company_id), SQ_INT(at),
                             SQ_TEXT(error), SQ_TEXT(code));
    return sq_run(s, st, err, "saving the MaLion result");
}

lr_status store_malion_settings_changed(lr_store *base, int64_t company_id, int64_t at,
                                     lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_MALION_SETTINGS, err, SQ_INT(company_id), SQ_INT(at));
    return sq_wrote(s, company_id, sq_run(s, st, err, "noting the MaLion settings' change"), err);
}

lr_status store_source_result(lr_store *base, int64_t company_id, const char *source, int64_t at,
                           const char *code, const char *error, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_SOURCE_RESULT, err, SQ_INT(company_id), SQ_TEXT(source),
                             SQ_INT(at), SQ_TEXT(code), SQ_TEXT(error));
    return sq_run(s, st, err, "saving a source's result");
}

static const sq_row source_status_row =
    SQ_ROW(lr_source_status, SQ_NUM(lr_source_status, success_at),
           SQ_NUM(lr_source_status, error_at), SQ_STR(lr_source_status, error_code),
           SQ_STR(lr_source_status, error));

/* No row yet: the zero status. */
lr_status store_source_status_get(lr_store *base, int64_t company_id, const char *source,
                               lr_source_status *out, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), X_SOURCE_GET, err, SQ_INT(company_id), SQ_TEXT(source));
    memset(out, 0, sizeof *out);
    return sq_end(S(base), st, sq_next(st, &source_status_row, out), err,
                  "reading a source's status");
}

lr_status store_source_versions_add(lr_store *base, int64_t company_id, const char *source,
                                 const char *version, int64_t n, int64_t last_utc, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_VERSIONS_ADD, err, SQ_INT(company_id), SQ_TEXT(source),
                             SQ_TEXT(version), SQ_INT(n), SQ_INT(last_utc));
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
