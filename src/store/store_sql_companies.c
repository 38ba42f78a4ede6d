/*
 * store_sql_companies — a company and its settings, and its sealed secrets
 * (store_companies.h), over SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/clock.h"

enum {
    Q_COMPANY_INSERT = SQ_COMPANIES_BASE,
    Q_COMPANY_UPDATE,
    Q_COMPANIES_LIST,
    Q_COMPANY_SYNC_RESULT,
    Q_COMPANY_GET,
    Q_COMPANY_BY_TOKEN,
    Q_COMPANY_BY_LANSCOPE_TOKEN,
    Q_COMPANY_LANSCOPE_TOKEN,
    Q_SECRET_PUT,
    Q_SECRET_GET,
    SQ_COMPANIES_END
};
_Static_assert(SQ_COMPANIES_END <= SQ_PEOPLE_BASE, "too many statements for their slots");

#define COMPANY_COLS                                                                               \
    "id, code, name, tz, break_punches, min_break_sec, max_shift_sec, punch_delivery, "           \
    "kot_base_url, kot_rate, COALESCE(kot_synced_at, 0), kot_sync_result, lanscope_collect_min, " \
    "lanscope_token_hash IS NOT NULL, malion_enabled, malion_host, malion_admin_code, "         \
    "kot_sync_code, idle_break_min FROM companies "

#define SQ_FILE_BASE SQ_COMPANIES_BASE

static const char *const sql_text[SQ_COMPANIES_END - SQ_COMPANIES_BASE] = {
    [Q_COMPANY_INSERT - SQ_COMPANIES_BASE] = "INSERT INTO companies (code, name, tz, break_punches, min_break_sec, "
                         "max_shift_sec, punch_delivery, ingest_token_hash, created_at) VALUES "
                         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    [Q_COMPANY_UPDATE - SQ_COMPANIES_BASE] = "UPDATE companies SET name = ?2, tz = ?3, break_punches = ?4, "
                         "min_break_sec = ?5, max_shift_sec = ?6, punch_delivery = ?7, "
                         "kot_base_url = ?8, kot_rate = ?9, lanscope_collect_min = ?10, "
                         "malion_enabled = ?11, malion_host = ?12, malion_admin_code = ?13, "
                         "idle_break_min = ?14 WHERE id = ?1",
    [Q_COMPANIES_LIST - SQ_COMPANIES_BASE] = "SELECT " COMPANY_COLS "ORDER BY code",
    [Q_COMPANY_SYNC_RESULT - SQ_COMPANIES_BASE] = "UPDATE companies SET kot_synced_at = ?2, kot_sync_result = ?3, "
                              "kot_sync_code = ?4 WHERE id = ?1",
    /* company IDs are stored in upper case and taken in any (admin_company_add) */
    [Q_COMPANY_GET - SQ_COMPANIES_BASE] = "SELECT " COMPANY_COLS "WHERE code = upper(?1)",
    [Q_COMPANY_BY_TOKEN - SQ_COMPANIES_BASE] = "SELECT " COMPANY_COLS "WHERE ingest_token_hash = ?1",
    [Q_COMPANY_BY_LANSCOPE_TOKEN - SQ_COMPANIES_BASE] = "SELECT " COMPANY_COLS "WHERE code = upper(?1) AND "
                                    "lanscope_token_hash = ?2",
    [Q_COMPANY_LANSCOPE_TOKEN - SQ_COMPANIES_BASE] = "UPDATE companies SET lanscope_token_hash = ?2 WHERE id = ?1",
    [Q_SECRET_PUT - SQ_COMPANIES_BASE] = "INSERT INTO company_secrets (company_id, name, sealed, updated_at) VALUES "
                     "(?1, ?2, ?3, ?4) ON CONFLICT (company_id, name) DO UPDATE SET sealed = "
                     "excluded.sealed, updated_at = excluded.updated_at",
    [Q_SECRET_GET - SQ_COMPANIES_BASE] = "SELECT sealed FROM company_secrets WHERE company_id = ?1 AND name = ?2",
};


static void bind_company(sql_stmt *st, const lr_company *c)
{
    sql_bind_text(st, 2, c->name);
    sql_bind_text(st, 3, c->tz);
    sql_bind_int64(st, 4, c->break_punches);
    sql_bind_int64(st, 5, c->min_break_sec);
    sql_bind_int64(st, 6, c->max_shift_sec);
    sql_bind_int64(st, 7, c->punch_delivery);
}

lr_status store_company_insert(lr_store *base, lr_company *c, const char *token_hash,
                                   lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_INSERT, err);
    lr_status r;
    if (!st)
        return LR_ESTORE;
    sql_bind_text(st, 1, c->code);
    bind_company(st, c);
    sql_bind_text(st, 8, token_hash);
    sql_bind_int64(st, 9, clock_now());
    r = sq_run_id(s, st, &c->id, err, "adding the company");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "company '%s' exists already", c->code);
    return r;
}

lr_status store_company_update(lr_store *base, const lr_company *c, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_UPDATE, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, c->id);
    bind_company(st, c);
    sql_bind_text(st, 8, c->kot_base_url);
    sql_bind_double(st, 9, c->kot_rate);
    sql_bind_int64(st, 10, c->lanscope_collect_min);
    sql_bind_int64(st, 11, c->malion_enabled);
    sql_bind_text(st, 12, c->malion_host);
    sql_bind_text(st, 13, c->malion_admin_code);
    sql_bind_int64(st, 14, c->idle_break_min);
    return sq_run(s, st, err, "updating the company");
}

static void company_cols(sql_stmt *st, lr_company *c)
{
    memset(c, 0, sizeof *c);
    c->id = sql_col_int64(st, 0);
    sq_copy_col(st, 1, c->code, sizeof c->code);
    sq_copy_col(st, 2, c->name, sizeof c->name);
    sq_copy_col(st, 3, c->tz, sizeof c->tz);
    c->break_punches = sql_col_int(st, 4);
    c->min_break_sec = sql_col_int(st, 5);
    c->max_shift_sec = sql_col_int(st, 6);
    c->punch_delivery = sql_col_int(st, 7);
    sq_copy_col(st, 8, c->kot_base_url, sizeof c->kot_base_url);
    c->kot_rate = sql_col_double(st, 9);
    c->kot_synced_at = sql_col_int64(st, 10);
    sq_copy_col(st, 11, c->kot_sync_result, sizeof c->kot_sync_result);
    c->lanscope_collect_min = sql_col_int(st, 12);
    c->has_lanscope_token = sql_col_int(st, 13);
    c->malion_enabled = sql_col_int(st, 14);
    sq_copy_col(st, 15, c->malion_host, sizeof c->malion_host);
    sq_copy_col(st, 16, c->malion_admin_code, sizeof c->malion_admin_code);
    sq_copy_col(st, 17, c->kot_sync_code, sizeof c->kot_sync_code);
    c->idle_break_min = sql_col_int(st, 18);
}

lr_status store_companies_list(lr_store *base, store_company_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANIES_LIST, err);
    lr_company c;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        company_cols(st, &c);
        if (cb(ctx, &c))
            break;
    }
    return sq_end(s, st, rc, err, "listing companies");
}

lr_status store_company_sync_result(lr_store *base, int64_t company_id, int64_t at,
                                        const char *code, const char *result, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_SYNC_RESULT, err, SQ_INT(company_id), SQ_INT(at),
                             SQ_TEXT(result), SQ_TEXT(code));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "recording the sync");
}

static lr_status company_row(sql_store *s, sql_stmt *st, lr_company *c, lr_error *err,
                             const char *what)
{
    int rc = sql_step(st);
    if (rc == SQL_ROW)
        company_cols(st, c);
    return sq_end_one(s, st, rc, err, "reading a company", "unknown company%s%s",
                      what ? " " : "", what ? what : "");
}

lr_status store_company_get(lr_store *base, const char *code, lr_company *out, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_GET, err, SQ_TEXT(code));
    char what[80];
    if (!st)
        return LR_ESTORE;
    snprintf(what, sizeof what, "'%.64s'", code);
    return company_row(s, st, out, err, what);
}

lr_status store_company_by_token(lr_store *base, const char *token_hash, lr_company *out)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_BY_TOKEN, NULL, SQ_TEXT(token_hash));
    if (!st)
        return LR_ESTORE;
    return company_row(s, st, out, NULL, NULL);
}

lr_status store_company_by_lanscope_token(lr_store *base, const char *code,
                                               const char *token_hash, lr_company *out)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_BY_LANSCOPE_TOKEN, NULL, SQ_TEXT(code),
                             SQ_TEXT(token_hash));
    if (!st)
        return LR_ESTORE;
    return company_row(s, st, out, NULL, NULL);
}

lr_status store_company_lanscope_token(lr_store *base, int64_t company_id,
                                           const char *token_hash, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_COMPANY_LANSCOPE_TOKEN, err, SQ_INT(company_id),
                             SQ_TEXT(token_hash));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "storing the LanScope token");
}

lr_status store_secret_put(lr_store *base, int64_t company_id, const char *name,
                               const char *sealed, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_SECRET_PUT, err, SQ_INT(company_id), SQ_TEXT(name),
                             SQ_TEXT(sealed), SQ_INT(clock_now()));
    if (!st)
        return LR_ESTORE;
    return sq_run(s, st, err, "storing a secret");
}

lr_status store_secret_get(lr_store *base, int64_t company_id, const char *name, char *out,
                               size_t outsz, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_SECRET_GET, err, SQ_INT(company_id), SQ_TEXT(name));
    lr_status r = LR_OK;
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        if (strlen(sql_col_text(st, 0)) >= outsz)
            r = lr_fail(err, LR_ETOOBIG, "secret '%s' is larger than its buffer", name);
        else
            sq_copy_col(st, 0, out, outsz);
    } else if (rc == SQL_DONE) {
        r = lr_fail(err, LR_ENOTFOUND, "no secret '%s' is set", name);
    } else {
        r = sq_db_fail(s, err, "reading a secret");
    }
    sql_reset(st);
    return r;
}
