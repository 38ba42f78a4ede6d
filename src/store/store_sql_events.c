/*
 * store_sql_events — events stored once each and read back per account, and
 * the log listing (store_events.h, store_pages.h), over SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"

#define EVENT_LIST_SQL(extra)                                                                      \
    "SELECT " SQ_EVENT_COLS ", (SELECT emp.code FROM employees emp WHERE emp.id = "                \
    "COALESCE(" SQ_EVENT_EMPLOYEE_SQL ", f.employee_id)), f.work_day, COALESCE(f.flags, 0) FROM "  \
    "log_events e LEFT JOIN "                                                                      \
    "event_flags f ON f.event_id = e.id WHERE e.company_id = ?1 AND e.ts_utc >= ?2 AND e.ts_utc " \
    "< ?3 " extra " ORDER BY e.ts_utc, e.id"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(Q_EVENT_INSERT,                                                                              \
      "INSERT INTO log_events (company_id, source, account, host, op, ts_utc, "                    \
      "ts_offset, version, raw, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "                 \
      "?8, ?9, ?10) ON CONFLICT DO NOTHING RETURNING id")                                          \
    X(Q_EVENTS_OF_ACCOUNT,                                                                         \
      "SELECT id, source, account, host, op, ts_utc, ts_offset, version, "                         \
      "received_at FROM log_events INDEXED BY sqlite_autoindex_log_events_1 WHERE "                \
      "company_id = ?1 AND account = ?2 "                                                          \
      "AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc, id")                                      \
    /* a driver with arrays: a whole set in one statement; each row says    \
     * which input it was (u.i, from 1; the first of equal ones) */        \
    X(Q_EVENT_INSERT_SET,                                                                          \
      "WITH u AS (SELECT * FROM unnest(?2::text[], ?3::text[], ?4::text[], ?5::text[], "          \
      "?6::bigint[], ?7::bigint[], ?8::text[], ?9::text[], ?10::bigint[]) WITH ORDINALITY AS "     \
      "u(s, a, h, o, t, f, v, r, rc, i)), ins AS (INSERT INTO log_events (company_id, source, "    \
      "account, host, op, ts_utc, ts_offset, version, raw, received_at) SELECT ?1, s, a, h, o, "   \
      "t, f, v, r, rc FROM "                                                                       \
      "u ORDER BY i ON CONFLICT DO NOTHING RETURNING id, source, account, host, op, ts_utc) "      \
      "SELECT ins.id, min(u.i) FROM ins JOIN u ON u.a = ins.account AND u.t = ins.ts_utc AND "     \
      "u.h = ins.host AND u.o = ins.op AND u.s = ins.source GROUP BY ins.id")                      \
    X(Q_EVENTS_OF_WINDOWS,                                                                         \
      "SELECT " SQ_EVENT_COLS ", u.i FROM unnest(?2::text[], ?3::bigint[], ?4::bigint[]) WITH "    \
      "ORDINALITY AS u(a, f, t, i) JOIN log_events e ON e.company_id = ?1 AND e.account = u.a "    \
      "AND e.ts_utc >= u.f AND e.ts_utc < u.t ORDER BY u.i, e.ts_utc, e.id")                       \
    X(Q_EVENTS_LIST, EVENT_LIST_SQL(""))                                                           \
    X(Q_EVENTS_LIST_FLAGGED, EVENT_LIST_SQL("AND f.flags IS NOT NULL"))
SQ_STATEMENTS(SQ_EVENTS_BASE, SQ_PUNCHES_BASE);

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

typedef struct event_set {
    int64_t company_id;
    lr_event *v;
    size_t n;
} event_set;

static int bind_event(void *ctx, sql_stmt *st, size_t i)
{
    const event_set *k = ctx;
    const lr_event *e = &k->v[i];
    sql_bind_int64(st, 1, k->company_id);
    sql_bind_text(st, 2, e->source);
    sql_bind_text(st, 3, e->account);
    sql_bind_text(st, 4, e->host);
    sql_bind_text(st, 5, e->op);
    sql_bind_int64(st, 6, e->utc);
    sql_bind_int64(st, 7, e->offset_sec);
    sql_bind_text(st, 8, e->version);
    sql_bind_text(st, 9, e->raw ? e->raw : "");
    return sql_bind_int64(st, 10, e->received_at);
}

static void event_id(void *ctx, sql_stmt *st, size_t i)
{
    ((event_set *)ctx)->v[i].id = sql_col_int64(st, 0);
}

/* A set statement's row: the id, and which input (from 1) it is. */
static void event_id_of(void *ctx, sql_stmt *st, size_t i)
{
    event_set *k = ctx;
    int64_t at = sql_col_int64(st, 1);
    (void)i;
    if (at >= 1 && (size_t)at <= k->n)
        k->v[at - 1].id = sql_col_int64(st, 0);
}

/* The events as one statement's arrays (a driver with arrays). */
static lr_status insert_set(sql_store *s, event_set *k, lr_error *err)
{
    sq_array a[9] = {{0}};
    sq_param lead[] = {SQ_INT(k->company_id)};
    for (size_t i = 0; i < k->n; i++) {
        const lr_event *e = &k->v[i];
        sq_array_str(&a[0], e->source);
        sq_array_str(&a[1], e->account);
        sq_array_str(&a[2], e->host);
        sq_array_str(&a[3], e->op);
        sq_array_int(&a[4], e->utc);
        sq_array_int(&a[5], e->offset_sec);
        sq_array_str(&a[6], e->version);
        sq_array_str(&a[7], e->raw ? e->raw : "");
        sq_array_int(&a[8], e->received_at);
    }
    return sq_run_arrays(s, stmt(s, Q_EVENT_INSERT_SET, err), lead, 1, a, 9, event_id_of, k, err,
                         "storing events");
}

lr_status store_events_insert_many(lr_store *base, int64_t company_id, lr_event *events, size_t n,
                                   lr_error *err)
{
    sql_store *s = S(base);
    event_set k = {company_id, events, n};
    for (size_t i = 0; i < n; i++)
        events[i].id = 0; /* a duplicate returns no row */
    if (n == 0)
        return LR_OK;
    if (s->drv->arrays)
        return insert_set(s, &k, err);
    return sq_run_many(s, stmt(s, Q_EVENT_INSERT, err), n, bind_event, event_id, &k, err,
                       "storing events");
}

const sq_row sq_event_row = SQ_ROW(
    lr_event, SQ_NUM(lr_event, id), SQ_STR(lr_event, source), SQ_STR(lr_event, account),
    SQ_STR(lr_event, host), SQ_STR(lr_event, op), SQ_NUM(lr_event, utc),
    SQ_NUM(lr_event, offset_sec), SQ_STR(lr_event, version), SQ_NUM(lr_event, received_at));

lr_status store_events_of_account(lr_store *base, int64_t company_id, const char *account,
                                      int64_t from, int64_t to, store_event_cb cb, void *ctx,
                                      lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_EVENTS_OF_ACCOUNT, err, SQ_INT(company_id), SQ_TEXT(account),
                             SQ_INT(from), SQ_INT(to));
    lr_event e;
    int rc;
    while ((rc = sq_next(st, &sq_event_row, &e)) == SQL_ROW && !cb(ctx, &e))
        ;
    return sq_end(s, st, rc, err, "reading events");
}

typedef struct events_of {
    store_event_of_cb cb;
    void *ctx;
} events_of;

static void event_of(void *ctx, sql_stmt *st, size_t i)
{
    events_of *k = ctx;
    lr_event e;
    sq_read(st, &sq_event_row, &e);
    k->cb(k->ctx, i, &e);
}

static void event_of_set(void *ctx, sql_stmt *st, size_t i)
{
    events_of *k = ctx;
    lr_event e;
    (void)i;
    sq_read(st, &sq_event_row, &e);
    k->cb(k->ctx, (size_t)sql_col_int64(st, 9) - 1, &e);
}

static lr_status windows_set(sql_store *s, int64_t company_id, const store_window *w, size_t n,
                             events_of *k, lr_error *err)
{
    sq_array a[3] = {{0}};
    sq_param lead[] = {SQ_INT(company_id)};
    if (n == 0)
        return LR_OK;
    for (size_t i = 0; i < n; i++) {
        sq_array_str(&a[0], w[i].account);
        sq_array_int(&a[1], w[i].from_utc);
        sq_array_int(&a[2], w[i].to_utc);
    }
    return sq_run_arrays(s, stmt(s, Q_EVENTS_OF_WINDOWS, err), lead, 1, a, 3, event_of_set, k,
                         err, "reading events");
}

lr_status store_events_of_accounts(lr_store *base, int64_t company_id, const store_window *w,
                                   size_t n, store_event_of_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps = malloc((n ? n : 1) * 4 * sizeof *ps);
    events_of k = {cb, ctx};
    lr_status st;
    if (s->drv->arrays) {
        free(ps);
        return windows_set(s, company_id, w, n, &k, err);
    }
    if (!ps)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[4 * i] = SQ_INT(company_id);
        ps[4 * i + 1] = SQ_TEXT(w[i].account);
        ps[4 * i + 2] = SQ_INT(w[i].from_utc);
        ps[4 * i + 3] = SQ_INT(w[i].to_utc);
    }
    st = sq_run_sets(s, stmt(s, Q_EVENTS_OF_ACCOUNT, err), ps, 4, n, event_of, &k, err,
                     "reading events");
    free(ps);
    return st;
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
    while ((rc = sq_next(st, &sq_event_row, &e)) == SQL_ROW) {
        row.event = &e;
        row.employee_code = sql_col_text(st, 9);
        row.work_day = sql_col_text(st, 10);
        row.flags = (unsigned)sql_col_int(st, 11);
        if (cb(ctx, &row))
            break;
    }
    return sq_end(s, st, rc, err, "listing events");
}
