/*
 * store_sql_companies — a company and its settings, and its sealed secrets
 * (store_companies.h), over SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/clock.h"

#define COMPANY_COLS                                                                               \
    "id, code, name, tz, break_punches, min_break_sec, max_shift_sec, punch_delivery, "           \
    "kot_base_url, kot_rate, COALESCE(kot_synced_at, 0), kot_sync_result, lanscope_collect_min, " \
    "lanscope_token_hash IS NOT NULL, malion_enabled, malion_host, malion_admin_code, "         \
    "kot_sync_code, idle_break_min, kot_mode, div_start_min, div_end_min, div_fetched_at, "      \
    "div_fetch_result, div_mail_to, div_mail_open_days, div_mail_day, ot_month_min, ot_avg_min, " \
    "generation, retention_years, purged_before "                                                \
    "FROM companies "

/* The settings both the insert and the update bind, at ?2..?7. */
#define COMPANY_SETTINGS(c)                                                                        \
    SQ_TEXT((c)->name), SQ_TEXT((c)->tz), SQ_INT((c)->break_punches), SQ_INT((c)->min_break_sec),   \
        SQ_INT((c)->max_shift_sec), SQ_INT((c)->punch_delivery)

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(Q_COMPANY_INSERT,                                                                            \
      "INSERT INTO companies (code, name, tz, break_punches, min_break_sec, "                      \
      "max_shift_sec, punch_delivery, ingest_token_hash, created_at) VALUES "                      \
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id")                                         \
    X(Q_COMPANY_UPDATE,                                                                            \
      "UPDATE companies SET name = ?2, tz = ?3, break_punches = ?4, "                              \
      "min_break_sec = ?5, max_shift_sec = ?6, punch_delivery = ?7, "                              \
      "kot_base_url = ?8, kot_rate = ?9, lanscope_collect_min = ?10, "                             \
      "malion_enabled = ?11, malion_host = ?12, malion_admin_code = ?13, "                         \
      "idle_break_min = ?14 WHERE id = ?1")                                                        \
    X(Q_COMPANIES_LIST, "SELECT " COMPANY_COLS "ORDER BY code")                                    \
    X(Q_COMPANY_SYNC_RESULT,                                                                       \
      "UPDATE companies SET kot_synced_at = ?2, kot_sync_result = ?3, "                            \
      "kot_sync_code = ?4 WHERE id = ?1")                                                          \
    /* company IDs are stored in upper case and taken in any (admin_company_add) */                \
    X(Q_COMPANY_GET, "SELECT " COMPANY_COLS "WHERE code = upper(?1)")                              \
    X(Q_COMPANY_BY_TOKEN, "SELECT " COMPANY_COLS "WHERE ingest_token_hash = ?1")                   \
    X(Q_COMPANY_BY_LANSCOPE_TOKEN,                                                                 \
      "SELECT " COMPANY_COLS "WHERE code = upper(?1) AND "                                         \
      "lanscope_token_hash = ?2")                                                                  \
    X(Q_COMPANY_LANSCOPE_TOKEN, "UPDATE companies SET lanscope_token_hash = ?2 WHERE id = ?1")     \
    X(Q_SECRET_PUT,                                                                                \
      "INSERT INTO company_secrets (company_id, name, sealed, updated_at) VALUES "                 \
      "(?1, ?2, ?3, ?4) ON CONFLICT (company_id, name) DO UPDATE SET sealed = "                    \
      "excluded.sealed, updated_at = excluded.updated_at")                                         \
    X(Q_SECRET_GET, "SELECT sealed FROM company_secrets WHERE company_id = ?1 AND name = ?2")
SQ_STATEMENTS(SQ_COMPANIES_BASE, SQ_PEOPLE_BASE);

lr_status store_company_insert(lr_store *base, lr_company *c, const char *token_hash,
                                   lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_INSERT, err, SQ_TEXT(c->code), COMPANY_SETTINGS(c),
                             SQ_TEXT(token_hash), SQ_INT(clock_now()));
    lr_status r = sq_run_id(s, st, &c->id, err, "adding the company");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "company '%s' exists already", c->code);
    return r;
}

lr_status store_company_update(lr_store *base, const lr_company *c, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_UPDATE, err, SQ_INT(c->id), COMPANY_SETTINGS(c),
                             SQ_TEXT(c->kot_base_url), SQ_REAL(c->kot_rate),
                             SQ_INT(c->lanscope_collect_min), SQ_INT(c->malion_enabled),
                             SQ_TEXT(c->malion_host), SQ_TEXT(c->malion_admin_code),
                             SQ_INT(c->idle_break_min));
    return sq_wrote(s, c->id, sq_run(s, st, err, "updating the company"), err);
}

/* A company's columns, in the order of the SELECTs above. */
static const sq_row company_row = SQ_ROW(
    lr_company, SQ_NUM(lr_company, id), SQ_STR(lr_company, code), SQ_STR(lr_company, name),
    SQ_STR(lr_company, tz), SQ_NUM(lr_company, break_punches), SQ_NUM(lr_company, min_break_sec),
    SQ_NUM(lr_company, max_shift_sec), SQ_NUM(lr_company, punch_delivery),
    SQ_STR(lr_company, kot_base_url), SQ_DBL(lr_company, kot_rate),
    SQ_NUM(lr_company, kot_synced_at), SQ_STR(lr_company, kot_sync_result),
    SQ_NUM(lr_company, lanscope_collect_min), SQ_NUM(lr_company, has_lanscope_token),
    SQ_NUM(lr_company, malion_enabled), SQ_STR(lr_company, malion_host),
    SQ_STR(lr_company, malion_admin_code), SQ_STR(lr_company, kot_sync_code),
    SQ_NUM(lr_company, idle_break_min), SQ_STR(lr_company, kot_mode),
    SQ_NUM(lr_company, div_start_min), SQ_NUM(lr_company, div_end_min),
    SQ_NUM(lr_company, div_fetched_at), SQ_STR(lr_company, div_fetch_result),
    SQ_STR(lr_company, div_mail_to), SQ_NUM(lr_company, div_mail_open_days),
    SQ_STR(lr_company, div_mail_day), SQ_NUM(lr_company, ot_month_min),
    SQ_NUM(lr_company, ot_avg_min), SQ_NUM(lr_company, generation),
    SQ_NUM(lr_company, retention_years), SQ_STR(lr_company, purged_before));

lr_status store_companies_list(lr_store *base, store_company_cb cb, void *ctx, lr_error *err)
{
    sql_stmt *st = stmt(S(base), Q_COMPANIES_LIST, err);
    lr_company c;
    int rc;
    while ((rc = sq_next(st, &company_row, &c)) == SQL_ROW && !cb(ctx, &c))
        ;
    return sq_end(S(base), st, rc, err, "listing companies");
}

lr_status store_company_sync_result(lr_store *base, int64_t company_id, int64_t at,
                                        const char *code, const char *result, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_SYNC_RESULT, err, SQ_INT(company_id), SQ_INT(at),
                             SQ_TEXT(result), SQ_TEXT(code));
    return sq_wrote(s, company_id, sq_run(s, st, err, "recording the sync"), err);
}

lr_status store_company_get(lr_store *base, const char *code, lr_company *out, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_COMPANY_GET, err, SQ_TEXT(code));
    return sq_one(S(base), st, &company_row, out, err, "reading a company",
                  "unknown company '%.64s'", code);
}

lr_status store_company_by_token(lr_store *base, const char *token_hash, lr_company *out)
{
    sql_stmt *st = stmt_with(S(base), Q_COMPANY_BY_TOKEN, NULL, SQ_TEXT(token_hash));
    return sq_one(S(base), st, &company_row, out, NULL, "reading a company", "unknown company");
}

lr_status store_company_by_lanscope_token(lr_store *base, const char *code,
                                               const char *token_hash, lr_company *out)
{
    sql_stmt *st = stmt_with(S(base), Q_COMPANY_BY_LANSCOPE_TOKEN, NULL, SQ_TEXT(code),
                             SQ_TEXT(token_hash));
    return sq_one(S(base), st, &company_row, out, NULL, "reading a company", "unknown company");
}

lr_status store_company_lanscope_token(lr_store *base, int64_t company_id,
                                           const char *token_hash, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_LANSCOPE_TOKEN, err, SQ_INT(company_id),
                             SQ_TEXT(token_hash));
    return sq_wrote(s, company_id, sq_run(s, st, err, "storing the LanScope token"), err);
}

lr_status store_secret_put(lr_store *base, int64_t company_id, const char *name,
                               const char *sealed, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_SECRET_PUT, err, SQ_INT(company_id), SQ_TEXT(name),
                             SQ_TEXT(sealed), SQ_INT(clock_now()));
    return sq_wrote(s, company_id, sq_run(s, st, err, "storing a secret"), err);
}

lr_status store_secret_get(lr_store *base, int64_t company_id, const char *name, char *out,
                               size_t outsz, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_SECRET_GET, err, SQ_INT(company_id), SQ_TEXT(name));
    int rc = sq_next(st, NULL, NULL);
    if (rc == SQL_ROW && strlen(sql_col_text(st, 0)) >= outsz) {
        sql_reset(st);
        return lr_fail(err, LR_ETOOBIG, "secret '%s' is larger than its buffer", name);
    }
    if (rc == SQL_ROW)
        sq_copy_col(st, 0, out, outsz);
    return sq_end_one(S(base), st, rc, err, "reading a secret", "no secret '%s' is set", name);
}
