/*
 * store_sql_pages — what the admin UI's pages read from the database: the log
 * view's page of events (newest first, keyset paging, so page 500 costs
 * what page 1 does), and the daily view's events and punches of one work
 * day (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/buf.h"

/* Columns 0-8 the event, 9 emp_id, 10 the employee's code, 11 name. */
/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(V_DAY_EVENTS,                                                                                \
      "SELECT x.*, emp.code, emp.last_name || ' ' || emp.first_name FROM (SELECT " SQ_EVENT_COLS   \
      ", " SQ_EVENT_EMPLOYEE_SQL " AS emp_id FROM log_events e WHERE e.company_id = ?1 AND "       \
      "e.ts_utc >= ?2 AND e.ts_utc < ?3) x JOIN employees emp ON emp.id = x.emp_id ORDER BY "      \
      "x.emp_id, x.ts_utc, x.id")                                                                  \
    X(V_DAY_PUNCHES,                                                                               \
      "SELECT p.employee_id, p.kind, p.ts_utc, p.method, o.state, COALESCE(o.reason, ''), "        \
      "COALESCE(ev.id, 0), COALESCE(ev.source, ''), COALESCE(ev.account, ''), "                    \
      "COALESCE(ev.host, ''), COALESCE(ev.op, ''), COALESCE(ev.ts_utc, 0) FROM punches p LEFT "    \
      "JOIN outbox o ON o.id = (SELECT max(id) FROM outbox WHERE punch_id = p.id) LEFT JOIN "      \
      "log_events ev ON ev.id = p.event_id WHERE p.company_id = ?1 AND p.work_day = ?2 AND "       \
      "p.state = 'active' ORDER BY p.employee_id, p.ts_utc, p.kind")
SQ_STATEMENTS(SQ_PAGES_BASE, SQ_LEASES_BASE);

static void row_from(sql_stmt *st, lr_event *e, lr_event_row *row)
{
    sq_read(st, &sq_event_row, e);
    memset(row, 0, sizeof *row);
    row->event = e;
    row->employee_id = sql_col_int64(st, 9);
    row->employee_code = sql_col_text(st, 10);
    row->employee_name = sql_col_text(st, 11);
}

/* The page's SQL for q: the filters it names, keyset paging, then the
 * employee and flags of the page's rows only. */
lr_status sq_events_page_sql(const lr_event_query *q, lr_buf *b)
{
    int bad = 0;
#define PUT(text) (bad |= buf_puts(b, (text)) != LR_OK)
    /* a PC's own record without an account (a boot, a shutdown) is the
     * employee's whose session it ended (their flag on it): the one the
     * page is filtered by, when it ended theirs too */
    PUT("SELECT m.*, emp.code, emp.last_name || ' ' || emp.first_name, f.work_day, "
                "COALESCE(f.flags, 0) FROM (SELECT * FROM (SELECT " SQ_EVENT_COLS
                ", CASE WHEN e.account = '' THEN (SELECT x.employee_id FROM event_flags x WHERE "
                "x.event_id = e.id ORDER BY x.employee_id <> ?8, x.employee_id LIMIT 1) ELSE "
                SQ_EVENT_EMPLOYEE_SQL
                " END AS emp_id FROM log_events e");
    /* by account, the natural key's index (company, account, time, ...):
     * the page's order (time, id) tempts SQLite into walking the company's
     * events by time, 0.9 s at 1,000,000 events (test_query_plans) */
    if (q->naccounts)
        PUT(" INDEXED BY sqlite_autoindex_log_events_1");
    PUT(" WHERE e.company_id = ?1 AND e.ts_utc >= ?2 AND e.ts_utc < ?3");
    if (q->naccounts) {
        PUT(" AND e.account IN (");
        for (size_t i = 0; i < q->naccounts; i++)
            bad |= buf_printf(b, "%s?%zu", i ? ", " : "", 10 + i) != LR_OK;
        PUT(")");
    }
    if (q->source)
        PUT(" AND e.source = ?4");
    if (q->op && strcmp(q->op, "other") == 0)
        PUT(" AND e.op NOT IN ('logon', 'logoff')");
    else if (q->op)
        PUT(" AND e.op = ?5");
    if (q->before_id)
        PUT(" AND (e.ts_utc, e.id) < (?6, ?7)");
    PUT(") inner_page");
    if (q->employee_id)
        PUT(" WHERE emp_id = ?8");
    PUT(" ORDER BY ts_utc DESC, id DESC LIMIT ?9) m LEFT JOIN employees emp ON emp.id = "
                "m.emp_id LEFT JOIN event_flags f ON f.event_id = m.id AND f.employee_id = "
                "m.emp_id ORDER BY m.ts_utc DESC, m.id DESC");
#undef PUT
    return bad ? LR_ENOMEM : LR_OK;
}

lr_status store_events_page(lr_store *base, int64_t company_id, const lr_event_query *q,
                         store_event_row_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = NULL;
    lr_buf sql;
    lr_event e;
    lr_event_row row;
    lr_status r;
    int rc;

    buf_init(&sql, 1 << 16);
    if (sq_events_page_sql(q, &sql) != LR_OK) {
        buf_free(&sql);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    st = s->drv->prepare(s->db, buf_str(&sql));
    buf_free(&sql);
    if (!st)
        return sq_db_fail(s, err, "preparing the log view");
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, q->from_utc);
    sql_bind_int64(st, 3, q->to_utc ? q->to_utc : INT64_MAX);
    if (q->source)
        sql_bind_text(st, 4, q->source);
    if (q->op && strcmp(q->op, "other") != 0)
        sql_bind_text(st, 5, q->op);
    sql_bind_int64(st, 6, q->before_utc);
    sql_bind_int64(st, 7, q->before_id);
    sql_bind_int64(st, 8, q->employee_id);
    sql_bind_int64(st, 9, (int64_t)q->limit);
    for (size_t i = 0; i < q->naccounts; i++)
        sql_bind_text(st, 10 + (int)i, q->accounts[i]);
    while ((rc = sql_step(st)) == SQL_ROW) {
        row_from(st, &e, &row);
        row.work_day = sql_col_text(st, 12);
        row.flags = (unsigned)sql_col_int(st, 13);
        if (cb(ctx, &row))
            break;
    }
    r = rc == SQL_DONE || rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "reading the log view");
    s->drv->finalize(st);
    return r;
}

lr_status store_day_events(lr_store *base, int64_t company_id, int64_t from, int64_t to,
                        store_event_row_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_DAY_EVENTS, err, SQ_INT(company_id), SQ_INT(from), SQ_INT(to));
    lr_event e;
    lr_event_row row;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        row_from(st, &e, &row);
        if (cb(ctx, &row))
            break;
    }
    return sq_end(s, st, rc, err, "reading the day's events");
}

lr_status store_day_punches(lr_store *base, int64_t company_id, const char *work_day,
                         store_day_punch_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_DAY_PUNCHES, err, SQ_INT(company_id), SQ_TEXT(work_day));
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        lr_day_punch_row r = {sql_col_int64(st, 0),
                              (punch_kind)sql_col_int(st, 1),
                              sql_col_int64(st, 2),
                              sql_col_text(st, 3),
                              sql_col_text(st, 4),
                              sql_col_text(st, 5),
                              {sql_col_int64(st, 6), sql_col_int64(st, 11), sql_col_text(st, 7),
                               sql_col_text(st, 8), sql_col_text(st, 9), sql_col_text(st, 10)}};
        if (cb(ctx, &r))
            break;
    }
    return sq_end(s, st, rc, err, "reading the day's punches");
}
