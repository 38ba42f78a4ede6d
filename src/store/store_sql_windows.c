/*
 * store_sql_windows — Windows records over SQL (store_windows.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"

enum {
    W_INSERT = SQ_WINDOWS_BASE,
    W_EVENT_ROW,
    W_OF_ACCOUNT,
    W_OF_HOST,
    W_ACCOUNTS_ON_HOST,
    W_END
};
_Static_assert(W_END <= SQ_LINUX_BASE, "too many Windows statements for their slots");

#define WIN_COLS                                                                                   \
    "event_row, ts_utc, event_id, logon_type, logon_id, linked_logon_id, record_id, host, "        \
    "channel, provider, account, sid, logon_process, process FROM win_records "

#define SQ_FILE_BASE SQ_WINDOWS_BASE

static const char *const sql_text[W_END - SQ_WINDOWS_BASE] = {
    [W_INSERT - SQ_WINDOWS_BASE] =
        "INSERT INTO win_records (company_id, host, channel, record_id, event_row, event_id, "
        "provider, account, sid, logon_type, logon_process, logon_id, linked_logon_id, process, "
        "ts_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON "
        "CONFLICT DO NOTHING RETURNING event_row",
    [W_EVENT_ROW - SQ_WINDOWS_BASE] =
        "SELECT id FROM log_events WHERE company_id = ?1 AND account = ?2 AND ts_utc = ?3 AND "
        "host = ?4 AND op = ?5 AND source = ?6",
    [W_OF_ACCOUNT - SQ_WINDOWS_BASE] = "SELECT " WIN_COLS "WHERE company_id = ?1 AND account = ?2 "
                                       "AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc, record_id",
    [W_OF_HOST - SQ_WINDOWS_BASE] = "SELECT " WIN_COLS "WHERE company_id = ?1 AND host = ?2 AND "
                                    "account = '' AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc, "
                                    "record_id",
    [W_ACCOUNTS_ON_HOST - SQ_WINDOWS_BASE] =
        "SELECT DISTINCT account FROM win_records WHERE company_id = ?1 AND host = ?2 AND "
        "account <> '' AND ts_utc >= ?3 AND ts_utc < ?4",
};


lr_status store_win_record_insert(lr_store *base, int64_t company_id, const lr_win_row *r,
                                  lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, W_INSERT, err);
    int64_t row;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, r->host);
    sql_bind_text(st, 3, r->channel);
    sql_bind_int64(st, 4, r->record_id);
    sql_bind_int64(st, 5, r->event_row);
    sql_bind_int64(st, 6, r->event_id);
    sql_bind_text(st, 7, r->provider);
    sql_bind_text(st, 8, r->account);
    sql_bind_text(st, 9, r->sid);
    sql_bind_int64(st, 10, r->logon_type);
    sql_bind_text(st, 11, r->logon_process);
    sql_bind_int64(st, 12, (int64_t)r->logon_id); /* a LUID: 64 bits, kept as they are */
    sql_bind_int64(st, 13, (int64_t)r->linked_logon_id);
    sql_bind_text(st, 14, r->process);
    sql_bind_int64(st, 15, r->utc);
    /* a record stored already returns no row: LR_EEXIST */
    return sq_run_id(s, st, &row, err, "storing a Windows record");
}

lr_status store_event_row(lr_store *base, int64_t company_id, const lr_event *e, int64_t *id,
                          lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, W_EVENT_ROW, err, SQ_INT(company_id), SQ_TEXT(e->account),
                             SQ_INT(e->utc), SQ_TEXT(e->host), SQ_TEXT(e->op), SQ_TEXT(e->source));
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sql_step(st);
    if (rc == SQL_ROW)
        *id = sql_col_int64(st, 0);
    return sq_end_one(s, st, rc, err, "finding a stored event", "no event of %s at %lld",
                      e->account, (long long)e->utc);
}

static void win_from_row(sql_stmt *st, lr_win_row *r)
{
    memset(r, 0, sizeof *r);
    r->event_row = sql_col_int64(st, 0);
    r->utc = sql_col_int64(st, 1);
    r->event_id = sql_col_int(st, 2);
    r->logon_type = sql_col_int(st, 3);
    r->logon_id = (uint64_t)sql_col_int64(st, 4);
    r->linked_logon_id = (uint64_t)sql_col_int64(st, 5);
    r->record_id = sql_col_int64(st, 6);
    sq_copy_col(st, 7, r->host, sizeof r->host);
    sq_copy_col(st, 8, r->channel, sizeof r->channel);
    sq_copy_col(st, 9, r->provider, sizeof r->provider);
    sq_copy_col(st, 10, r->account, sizeof r->account);
    sq_copy_col(st, 11, r->sid, sizeof r->sid);
    sq_copy_col(st, 12, r->logon_process, sizeof r->logon_process);
    sq_copy_col(st, 13, r->process, sizeof r->process);
}

/* Runs a statement bound to (company, key, from, to), one row a call. */
static lr_status each_row(sql_store *s, int q, int64_t company_id, const char *key, int64_t from,
                          int64_t to, store_win_cb cb, store_account_cb acb, void *ctx,
                          lr_error *err)
{
    sql_stmt *st = stmt_with(s, q, err, SQ_INT(company_id), SQ_TEXT(key), SQ_INT(from), SQ_INT(to));
    lr_win_row r;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        int stop;
        if (acb) {
            stop = acb(ctx, sql_col_text(st, 0));
        } else {
            win_from_row(st, &r);
            stop = cb(ctx, &r);
        }
        if (stop)
            break;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "reading Windows records");
    return LR_OK;
}

lr_status store_win_records_of_account(lr_store *base, int64_t company_id, const char *account,
                                       int64_t from, int64_t to, store_win_cb cb, void *ctx,
                                       lr_error *err)
{
    return each_row(S(base), W_OF_ACCOUNT, company_id, account, from, to, cb, NULL, ctx, err);
}

lr_status store_win_records_of_host(lr_store *base, int64_t company_id, const char *host,
                                    int64_t from, int64_t to, store_win_cb cb, void *ctx,
                                    lr_error *err)
{
    return each_row(S(base), W_OF_HOST, company_id, host, from, to, cb, NULL, ctx, err);
}

lr_status store_win_accounts_on_host(lr_store *base, int64_t company_id, const char *host,
                                     int64_t from, int64_t to, store_account_cb cb, void *ctx,
                                     lr_error *err)
{
    return each_row(S(base), W_ACCOUNTS_ON_HOST, company_id, host, from, to, NULL, cb, ctx, err);
}
