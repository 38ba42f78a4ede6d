/*
 * store_sql_punches — punches, the ledger read of them and the day flags
 * (store_punches.h), over SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/clock.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(Q_PUNCHES_OF_DAY,                                                                            \
      "SELECT id, kind, ts_utc FROM punches WHERE employee_id = ?1 AND "                           \
      "work_day = ?2 AND state = 'active' ORDER BY ts_utc, kind")                                  \
    X(Q_PUNCH_INSERT,                                                                              \
      "INSERT INTO punches (company_id, employee_id, work_day, kind, ts_utc, "                     \
      "replaces, created_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, 0), ?7, "            \
      "NULLIF(?8, 0)) RETURNING id")                                                               \
    X(Q_PUNCH_END,                                                                                 \
      "UPDATE punches SET state = ?2, ended_at = ?3 WHERE id = ?1 AND state = "                    \
      "'active'")                                                                                  \
    X(Q_LEDGER_LIST,                                                                               \
      "SELECT p.id, e.code, p.work_day, p.kind, p.ts_utc, p.method FROM punches "                  \
      "p JOIN employees e ON e.id = p.employee_id WHERE p.company_id = ?1 AND "                    \
      "p.state = 'active' AND p.work_day >= ?2 AND p.work_day <= ?3 ORDER BY "                     \
      "e.code, p.work_day, p.ts_utc, p.kind")                                                      \
    /* the same with the event each punch was derived from (NULL: none, or \
     * purged) */                                                           \
    X(Q_LEDGER_LIST_EVENTS,                                                                        \
      "SELECT p.id, e.code, p.work_day, p.kind, p.ts_utc, p.method, COALESCE(ev.id, 0), "           \
      "COALESCE(ev.source, ''), COALESCE(ev.account, ''), COALESCE(ev.host, ''), "                 \
      "COALESCE(ev.op, ''), COALESCE(ev.ts_utc, 0), COALESCE(ev.ts_offset, 0) FROM punches p "     \
      "JOIN employees e ON e.id = p.employee_id LEFT JOIN log_events ev ON ev.id = p.event_id "    \
      "WHERE p.company_id = ?1 AND p.state = 'active' AND p.work_day >= ?2 AND p.work_day <= ?3 "  \
      "ORDER BY e.code, p.work_day, p.ts_utc, p.kind")                                             \
    X(Q_FLAGS_DELETE, "DELETE FROM event_flags WHERE employee_id = ?1 AND work_day = ?2")          \
    X(Q_FLAGS_INSERT,                                                                              \
      "INSERT INTO event_flags (event_id, employee_id, work_day, flags) VALUES "                   \
      "(?1, ?2, ?3, ?4) ON CONFLICT (event_id, employee_id) DO UPDATE SET "                        \
      "work_day = excluded.work_day, flags = excluded.flags")                                      \
    /* a driver with arrays: the rows of the statement above of the same    \
     * columns in one statement, a column an array (sq_run_rows); each row  \
     * says which input it answers (u.i, from 1) */                         \
    X(Q_PUNCHES_OF_DAYS_SET,                                                                       \
      "SELECT p.id, p.kind, p.ts_utc, u.i FROM unnest(?1::bigint[], ?2::text[]) WITH ORDINALITY "  \
      "AS u(emp, day, i) JOIN punches p ON p.employee_id = u.emp AND p.work_day = u.day AND "      \
      "p.state = 'active' ORDER BY u.i, p.ts_utc, p.kind")                                         \
    X(Q_PUNCHES_END_SET,                                                                           \
      "UPDATE punches SET state = u.s, ended_at = u.at FROM unnest(?1::bigint[], ?2::text[], "     \
      "?3::bigint[]) AS u(id, s, at) WHERE punches.id = u.id AND punches.state = 'active'")        \
    X(Q_PUNCHES_INSERT_SET,                                                                        \
      "WITH u AS (SELECT * FROM unnest(?1::bigint[], ?2::bigint[], ?3::text[], ?4::bigint[], "     \
      "?5::bigint[], ?6::bigint[], ?7::bigint[], ?8::bigint[]) WITH ORDINALITY AS u(c, emp, day, " \
      "k, t, r, at, ev, i)), ins AS (INSERT INTO punches (company_id, employee_id, work_day, "     \
      "kind, ts_utc, replaces, created_at, event_id) SELECT c, emp, day, k, t, NULLIF(r, 0), at, " \
      "NULLIF(ev, 0) FROM u ORDER BY i "                                                           \
      "RETURNING id, employee_id, work_day, kind, ts_utc) SELECT ins.id, u.i FROM ins JOIN u ON "  \
      "u.emp = ins.employee_id AND u.day = ins.work_day AND u.k = ins.kind AND u.t = ins.ts_utc")  \
    X(Q_FLAGS_DELETE_SET,                                                                          \
      "DELETE FROM event_flags f USING unnest(?1::bigint[], ?2::text[]) AS u(emp, day) WHERE "     \
      "f.employee_id = u.emp AND f.work_day = u.day")                                              \
    /* an event flagged twice for one employee: the last one stays, as     \
     * one upsert after another would leave it */                           \
    X(Q_FLAGS_INSERT_SET,                                                                          \
      "INSERT INTO event_flags (event_id, employee_id, work_day, flags) SELECT DISTINCT ON (ev, "   \
      "emp) ev, emp, day, f FROM unnest(?1::bigint[], ?2::bigint[], ?3::text[], ?4::bigint[]) "    \
      "WITH ORDINALITY AS u(ev, emp, day, f, i) ORDER BY ev, emp, i DESC ON CONFLICT (event_id, "  \
      "employee_id) DO UPDATE SET work_day = excluded.work_day, flags = excluded.flags")
SQ_STATEMENTS(SQ_PUNCHES_BASE, SQ_PC_BASE);

typedef struct punches_of {
    store_punch_of_cb cb;
    void *ctx;
} punches_of;

static void punch_of(void *ctx, sql_stmt *st, size_t i)
{
    punches_of *k = ctx;
    punch_stored p = {sql_col_int64(st, 0), (punch_kind)sql_col_int(st, 1), sql_col_int64(st, 2)};
    k->cb(k->ctx, i, &p);
}

/* Rows of (employee, day), for the statements that take those two. */
static sq_param *day_rows(const store_day *days, size_t n)
{
    sq_param *ps = malloc((n ? n : 1) * 2 * sizeof *ps);
    for (size_t i = 0; ps && i < n; i++) {
        ps[2 * i] = SQ_INT(days[i].employee_id);
        ps[2 * i + 1] = SQ_TEXT(days[i].work_day);
    }
    return ps;
}

lr_status store_punches_of_days(lr_store *base, const store_day *days, size_t n, store_punch_of_cb cb,
                                void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps;
    punches_of k = {cb, ctx};
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = day_rows(days, n)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    st = sq_run_rows(s, rows_stmt(s, Q_PUNCHES_OF_DAY, Q_PUNCHES_OF_DAYS_SET, err), ps, 2, n,
                     punch_of, 3, &k, err, "reading punches");
    free(ps);
    return st;
}

static void punch_id(void *ctx, sql_stmt *st, size_t i)
{
    ((store_punch_new *)ctx)[i].id = sql_col_int64(st, 0);
}

lr_status store_punches_insert(lr_store *base, store_punch_new *v, size_t n, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps;
    int64_t now = clock_now();
    lr_status st;
    for (size_t i = 0; i < n; i++)
        v[i].id = 0;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(n * 8 * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        sq_param *p = ps + 8 * i;
        p[0] = SQ_INT(v[i].company_id);
        p[1] = SQ_INT(v[i].employee_id);
        p[2] = SQ_TEXT(v[i].work_day);
        p[3] = SQ_INT(v[i].kind);
        p[4] = SQ_INT(v[i].utc);
        p[5] = SQ_INT(v[i].replaces);
        p[6] = SQ_INT(now);
        p[7] = SQ_INT(v[i].event_id);
    }
    st = sq_run_rows(s, rows_stmt(s, Q_PUNCH_INSERT, Q_PUNCHES_INSERT_SET, err), ps, 8, n, punch_id,
                     1, v, err, "storing punches");
    for (size_t i = 0; st == LR_OK && i < n; i++)
        if (v[i].id == 0)
            st = lr_fail(err, LR_ESTORE, "storing punches: no id for punch %zu", i);
    for (size_t i = 0; st == LR_OK && i < n; i++)
        if (i == 0 || v[i].company_id != v[i - 1].company_id)
            st = sq_wrote(s, v[i].company_id, st, err);
    free(ps);
    return st;
}

lr_status store_punches_end(lr_store *base, int64_t company_id, const store_punch_ending *v, size_t n, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps;
    int64_t now = clock_now();
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(n * 3 * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[3 * i] = SQ_INT(v[i].id);
        ps[3 * i + 1] = SQ_TEXT(v[i].state);
        ps[3 * i + 2] = SQ_INT(now);
    }
    st = sq_run_rows(s, rows_stmt(s, Q_PUNCH_END, Q_PUNCHES_END_SET, err), ps, 3, n, NULL, 0, NULL,
                     err, "ending punches");
    free(ps);
    return sq_wrote(s, company_id, st, err);
}

lr_status store_flags_replace_days(lr_store *base, int64_t company_id, const store_day *days, size_t ndays,
                                   const store_flag_new *flags, size_t nflags, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps = day_rows(days, ndays), *fs = malloc((nflags ? nflags : 1) * 4 * sizeof *fs);
    lr_status st = LR_OK;
    if (!ps || !fs) {
        free(ps);
        free(fs);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nflags; i++) {
        fs[4 * i] = SQ_INT(flags[i].event_id);
        fs[4 * i + 1] = SQ_INT(flags[i].employee_id);
        fs[4 * i + 2] = SQ_TEXT(flags[i].work_day);
        fs[4 * i + 3] = SQ_INT(flags[i].flags);
    }
    if (ndays)
        st = sq_run_rows(s, rows_stmt(s, Q_FLAGS_DELETE, Q_FLAGS_DELETE_SET, err), ps, 2, ndays,
                         NULL, 0, NULL, err, "clearing event flags");
    if (st == LR_OK && nflags)
        st = sq_run_rows(s, rows_stmt(s, Q_FLAGS_INSERT, Q_FLAGS_INSERT_SET, err), fs, 4, nflags,
                         NULL, 0, NULL, err, "storing event flags");
    free(ps);
    free(fs);
    return sq_wrote(s, company_id, st, err);
}

lr_status store_ledger_list(lr_store *base, int64_t company_id, const char *from_day,
                            const char *to_day, int with_events, store_ledger_cb cb, void *ctx,
                            lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, with_events ? Q_LEDGER_LIST_EVENTS : Q_LEDGER_LIST, err,
                             SQ_INT(company_id), SQ_TEXT(from_day), SQ_TEXT(to_day));
    lr_ledger_row row;
    int rc;
    if (!st)
        return LR_ESTORE;
    memset(&row, 0, sizeof row);
    while ((rc = sql_step(st)) == SQL_ROW) {
        row.id = sql_col_int64(st, 0);
        sq_copy_col(st, 1, row.employee_code, sizeof row.employee_code);
        sq_copy_col(st, 2, row.work_day, sizeof row.work_day);
        row.kind = (punch_kind)sql_col_int(st, 3);
        row.utc = sql_col_int64(st, 4);
        row.method = sql_col_text(st, 5);
        if (with_events) {
            row.event.id = sql_col_int64(st, 6);
            row.event.source = sql_col_text(st, 7);
            row.event.account = sql_col_text(st, 8);
            row.event.host = sql_col_text(st, 9);
            row.event.op = sql_col_text(st, 10);
            row.event.utc = sql_col_int64(st, 11);
            row.event.offset_sec = sql_col_int(st, 12);
        }
        if (cb(ctx, &row))
            break;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "reading the ledger");
    return LR_OK;
}

