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
      "ts_offset, version, raw, received_at, chain, chain_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "   \
      "?7, ?8, ?9, ?10, NULLIF(?11, ''), NULLIF(?12, 0)) ON CONFLICT DO NOTHING RETURNING id")     \
    X(Q_EVENTS_OF_ACCOUNT,                                                                         \
      "SELECT id, source, account, host, op, ts_utc, ts_offset, version, "                         \
      "received_at FROM log_events INDEXED BY sqlite_autoindex_log_events_1 WHERE "                \
      "company_id = ?1 AND account = ?2 "                                                          \
      "AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc, id")                                      \
    /* a driver with arrays: the rows of Q_EVENT_INSERT and                 \
     * Q_EVENTS_OF_ACCOUNT in one statement, a column an array; each row    \
     * says which input it answers (u.i, from 1; the first of equal ones) */ \
    X(Q_EVENT_INSERT_SET,                                                                          \
      "WITH u AS (SELECT * FROM unnest(?1::bigint[], ?2::text[], ?3::text[], ?4::text[], "         \
      "?5::text[], ?6::bigint[], ?7::bigint[], ?8::text[], ?9::text[], ?10::bigint[], "            \
      "?11::text[], ?12::bigint[]) WITH ORDINALITY AS u(c, s, a, h, o, t, f, v, r, rc, ch, cs, "   \
      "i)), ins AS (INSERT INTO log_events (company_id, source, account, host, op, ts_utc, "       \
      "ts_offset, version, raw, received_at, chain, chain_seq) SELECT c, s, a, h, o, t, f, v, r, " \
      "rc, NULLIF(ch, ''), NULLIF(cs, 0) FROM u ORDER BY i ON CONFLICT DO NOTHING RETURNING "      \
      "id, company_id, source, account, host, op, ts_utc) SELECT ins.id, min(u.i) FROM ins JOIN "  \
      "u ON u.c = ins.company_id AND u.a = ins.account AND u.t = ins.ts_utc AND u.h = ins.host "   \
      "AND u.o = ins.op AND u.s = ins.source GROUP BY ins.id")                                     \
    X(Q_EVENTS_OF_WINDOWS,                                                                         \
      "SELECT " SQ_EVENT_COLS ", u.i FROM unnest(?1::bigint[], ?2::text[], ?3::bigint[], "         \
      "?4::bigint[]) WITH ORDINALITY AS u(c, a, f, t, i) JOIN log_events e ON e.company_id = u.c " \
      "AND e.account = u.a AND e.ts_utc >= u.f AND e.ts_utc < u.t ORDER BY u.i, e.ts_utc, e.id")   \
    X(Q_EVENTS_LIST, EVENT_LIST_SQL(""))                                                           \
    X(Q_EVENTS_LIST_FLAGGED, EVENT_LIST_SQL("AND f.flags IS NOT NULL"))
SQ_STATEMENTS(SQ_EVENTS_BASE, SQ_PUNCHES_BASE);

static void event_id(void *ctx, sql_stmt *st, size_t i)
{
    ((lr_event *)ctx)[i].id = sql_col_int64(st, 0);
}

/* Stores events[0..n) of the company, each once (a duplicate's id stays
 * 0), linked into its chain (sq_chain_plan, sq_chain_settle). */
static lr_status insert_events(sql_store *s, int64_t company_id, lr_event *events, size_t n,
                               lr_error *err)
{
    chain_plan plan;
    sq_param *ps;
    lr_status st;
    for (size_t i = 0; i < n; i++)
        events[i].id = 0; /* a duplicate returns no row */
    if (n == 0)
        return LR_OK;
    if ((st = sq_chain_plan(s, company_id, events, n, &plan, err)) != LR_OK)
        return st;
    if (!(ps = malloc(n * 12 * sizeof *ps))) {
        sq_chain_plan_free(&plan);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const lr_event *e = &events[i];
        sq_param *p = ps + 12 * i;
        p[0] = SQ_INT(company_id);
        p[1] = SQ_TEXT(e->source);
        p[2] = SQ_TEXT(e->account);
        p[3] = SQ_TEXT(e->host);
        p[4] = SQ_TEXT(e->op);
        p[5] = SQ_INT(e->utc);
        p[6] = SQ_INT(e->offset_sec);
        p[7] = SQ_TEXT(e->version);
        p[8] = SQ_TEXT(e->raw ? e->raw : "");
        p[9] = SQ_INT(e->received_at);
        p[10] = SQ_TEXT(plan.planned ? plan.links[i] : "");
        p[11] = SQ_INT(plan.planned ? plan.head.seq + (int64_t)i + 1 : 0);
    }
    st = sq_run_rows(s, rows_stmt(s, Q_EVENT_INSERT, Q_EVENT_INSERT_SET, err), ps, 12, n, event_id,
                     1, events, err, "storing events");
    free(ps);
    if (st == LR_OK)
        st = sq_chain_settle(s, company_id, events, n, &plan, err);
    sq_chain_plan_free(&plan);
    return sq_wrote(s, company_id, st, err);
}

lr_status store_event_insert(lr_store *base, int64_t company_id, lr_event *e, lr_error *err)
{
    lr_status st = insert_events(S(base), company_id, e, 1, err);
    /* a duplicate: LR_EEXIST, which callers count */
    if (st == LR_OK && e->id == 0)
        return lr_fail(err, LR_EEXIST, "storing an event: it exists already");
    return st;
}

lr_status store_events_insert_many(lr_store *base, int64_t company_id, lr_event *events, size_t n,
                                   lr_error *err)
{
    return insert_events(S(base), company_id, events, n, err);
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

lr_status store_events_of_accounts(lr_store *base, int64_t company_id, const store_window *w,
                                   size_t n, store_event_of_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps;
    events_of k = {cb, ctx};
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(n * 4 * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[4 * i] = SQ_INT(company_id);
        ps[4 * i + 1] = SQ_TEXT(w[i].account);
        ps[4 * i + 2] = SQ_INT(w[i].from_utc);
        ps[4 * i + 3] = SQ_INT(w[i].to_utc);
    }
    st = sq_run_rows(s, rows_stmt(s, Q_EVENTS_OF_ACCOUNT, Q_EVENTS_OF_WINDOWS, err), ps, 4, n,
                     event_of, 9, &k, err, "reading events");
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
