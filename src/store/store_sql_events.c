/*
 * store_sql_events — events stored once each and read back per account, and
 * the log listing (store_events.h, store_pages.h), over SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"

enum {
    Q_EVENT_INSERT = SQ_EVENTS_BASE,
    Q_EVENTS_OF_ACCOUNT,
    Q_EVENTS_LIST,
    Q_EVENTS_LIST_FLAGGED,
    SQ_EVENTS_END
};
_Static_assert(SQ_EVENTS_END <= SQ_PUNCHES_BASE, "too many statements for their slots");

#define EVENT_LIST_SQL(extra)                                                                      \
    "SELECT " SQ_EVENT_COLS ", (SELECT emp.code FROM employees emp WHERE emp.id = "                \
    SQ_EVENT_EMPLOYEE_SQL "), f.work_day, COALESCE(f.flags, 0) FROM log_events e LEFT JOIN "        \
    "event_flags f ON f.event_id = e.id WHERE e.company_id = ?1 AND e.ts_utc >= ?2 AND e.ts_utc " \
    "< ?3 " extra " ORDER BY e.ts_utc, e.id"

#define SQ_FILE_BASE SQ_EVENTS_BASE

static const char *const sql_text[SQ_EVENTS_END - SQ_EVENTS_BASE] = {
    [Q_EVENT_INSERT - SQ_EVENTS_BASE] = "INSERT INTO log_events (company_id, source, account, host, op, ts_utc, "
                       "ts_offset, version, raw, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                       "?8, ?9, ?10) ON CONFLICT DO NOTHING RETURNING id",
    [Q_EVENTS_OF_ACCOUNT - SQ_EVENTS_BASE] = "SELECT id, source, account, host, op, ts_utc, ts_offset, version, "
                            "received_at FROM log_events INDEXED BY log_events_account_time WHERE "
                            "company_id = ?1 AND account = ?2 "
                            "AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc, id",
    [Q_EVENTS_LIST - SQ_EVENTS_BASE] = EVENT_LIST_SQL(""),
    [Q_EVENTS_LIST_FLAGGED - SQ_EVENTS_BASE] = EVENT_LIST_SQL("AND f.flags IS NOT NULL"),
};


lr_status store_event_insert(lr_store *base, int64_t company_id, lr_event *e, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_EVENT_INSERT, err, SQ_INT(company_id), SQ_TEXT(e->source),
                             SQ_TEXT(e->account), SQ_TEXT(e->host), SQ_TEXT(e->op), SQ_INT(e->utc),
                             SQ_INT(e->offset_sec), SQ_TEXT(e->version),
                             SQ_TEXT(e->raw ? e->raw : ""), SQ_INT(e->received_at));
    if (!st)
        return LR_ESTORE;
    /* a duplicate returns no row: LR_EEXIST, which callers count */
    return sq_run_id(s, st, &e->id, err, "storing an event");
}

void sq_event_from_row(sql_stmt *st, lr_event *e)
{
    memset(e, 0, sizeof *e);
    e->id = sql_col_int64(st, 0);
    sq_copy_col(st, 1, e->source, sizeof e->source);
    sq_copy_col(st, 2, e->account, sizeof e->account);
    sq_copy_col(st, 3, e->host, sizeof e->host);
    sq_copy_col(st, 4, e->op, sizeof e->op);
    e->utc = sql_col_int64(st, 5);
    e->offset_sec = sql_col_int(st, 6);
    sq_copy_col(st, 7, e->version, sizeof e->version);
    e->received_at = sql_col_int64(st, 8);
}

lr_status store_events_of_account(lr_store *base, int64_t company_id, const char *account,
                                      int64_t from, int64_t to, store_event_cb cb, void *ctx,
                                      lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_EVENTS_OF_ACCOUNT, err, SQ_INT(company_id), SQ_TEXT(account),
                             SQ_INT(from), SQ_INT(to));
    lr_event e;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        sq_event_from_row(st, &e);
        if (cb(ctx, &e))
            break;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "reading events");
    return LR_OK;
}

lr_status store_events_list(lr_store *base, int64_t company_id, int64_t from, int64_t to,
                                int flagged_only, store_event_row_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, flagged_only ? Q_EVENTS_LIST_FLAGGED : Q_EVENTS_LIST, err);
    lr_event e;
    lr_event_row row = {0};
    int rc;
    if (!st)
        return LR_ESTORE;
    if (from == 0 && to == 0)
        to = INT64_MAX;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, from);
    sql_bind_int64(st, 3, to);
    while ((rc = sql_step(st)) == SQL_ROW) {
        sq_event_from_row(st, &e);
        row.event = &e;
        row.employee_code = sql_col_text(st, 9);
        row.work_day = sql_col_text(st, 10);
        row.flags = (unsigned)sql_col_int(st, 11);
        if (cb(ctx, &row))
            break;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "listing events");
    return LR_OK;
}
