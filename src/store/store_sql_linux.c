/*
 * store_sql_linux — Linux login records over SQL (store_linux.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/sql_internal.h"

enum { X_INSERT = SQ_LINUX_BASE, X_OF_ACCOUNT, X_OF_HOST, X_ACCOUNTS_ON_HOST, X_END };
_Static_assert(X_END <= SQ_SLOTS, "too many Linux statements for their slots");

#define SQ_FILE_BASE SQ_LINUX_BASE
#define UNIX_COLS "event_row, ts_utc, kind, host, line, account, from_host FROM unix_records "

static const char *const sql_text[X_END - SQ_LINUX_BASE] = {
    [X_INSERT - SQ_LINUX_BASE] =
        "INSERT INTO unix_records (company_id, host, ts_utc, kind, line, account, from_host, "
        "event_row) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING RETURNING "
        "event_row",
    [X_OF_ACCOUNT - SQ_LINUX_BASE] = "SELECT " UNIX_COLS "WHERE company_id = ?1 AND account = ?2 "
                                     "AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc",
    [X_OF_HOST - SQ_LINUX_BASE] = "SELECT " UNIX_COLS "WHERE company_id = ?1 AND host = ?2 AND "
                                  "account = '' AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc",
    [X_ACCOUNTS_ON_HOST - SQ_LINUX_BASE] =
        "SELECT DISTINCT account FROM unix_records WHERE company_id = ?1 AND host = ?2 AND "
        "account <> '' AND ts_utc >= ?3 AND ts_utc < ?4",
};

lr_status store_unix_record_insert(lr_store *base, int64_t company_id, const lr_unix_row *r,
                                   lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, X_INSERT, err, SQ_INT(company_id), SQ_TEXT(r->host), SQ_INT(r->utc),
                             SQ_INT(r->kind), SQ_TEXT(r->line), SQ_TEXT(r->account),
                             SQ_TEXT(r->from), SQ_INT(r->event_row));
    int64_t row;
    /* a record stored already returns no row: LR_EEXIST */
    return st ? sq_run_id(s, st, &row, err, "storing a Linux login record") : LR_ESTORE;
}

/* Runs a statement bound to (company, key, from, to), a row a call: the
 * records to cb, or (acb) the accounts. */
static lr_status each(lr_store *base, int q, int64_t company_id, const char *key, int64_t from,
                      int64_t to, store_unix_cb cb, store_account_cb acb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, q, err, SQ_INT(company_id), SQ_TEXT(key), SQ_INT(from), SQ_INT(to));
    lr_unix_row r;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (acb) {
            if (acb(ctx, sql_col_text(st, 0)))
                break;
            continue;
        }
        memset(&r, 0, sizeof r);
        r.event_row = sql_col_int64(st, 0);
        r.utc = sql_col_int64(st, 1);
        r.kind = sql_col_int(st, 2);
        sq_copy_col(st, 3, r.host, sizeof r.host);
        sq_copy_col(st, 4, r.line, sizeof r.line);
        sq_copy_col(st, 5, r.account, sizeof r.account);
        sq_copy_col(st, 6, r.from, sizeof r.from);
        if (cb(ctx, &r))
            break;
    }
    return sq_end(s, st, rc, err, "reading Linux login records");
}

lr_status store_unix_records_of_account(lr_store *base, int64_t company_id, const char *account,
                                        int64_t from, int64_t to, store_unix_cb cb, void *ctx,
                                        lr_error *err)
{
    return each(base, X_OF_ACCOUNT, company_id, account, from, to, cb, NULL, ctx, err);
}

lr_status store_unix_records_of_host(lr_store *base, int64_t company_id, const char *host,
                                     int64_t from, int64_t to, store_unix_cb cb, void *ctx,
                                     lr_error *err)
{
    return each(base, X_OF_HOST, company_id, host, from, to, cb, NULL, ctx, err);
}

lr_status store_unix_accounts_on_host(lr_store *base, int64_t company_id, const char *host,
                                      int64_t from, int64_t to, store_account_cb cb, void *ctx,
                                      lr_error *err)
{
    return each(base, X_ACCOUNTS_ON_HOST, company_id, host, from, to, NULL, cb, ctx, err);
}
