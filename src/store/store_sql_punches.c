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
      "replaces, created_at) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, 0), ?7) RETURNING id")         \
    X(Q_PUNCH_END,                                                                                 \
      "UPDATE punches SET state = ?2, ended_at = ?3 WHERE id = ?1 AND state = "                    \
      "'active'")                                                                                  \
    X(Q_LEDGER_LIST,                                                                               \
      "SELECT p.id, e.code, p.work_day, p.kind, p.ts_utc, p.method FROM punches "                  \
      "p JOIN employees e ON e.id = p.employee_id WHERE p.company_id = ?1 AND "                    \
      "p.state = 'active' AND p.work_day >= ?2 AND p.work_day <= ?3 ORDER BY "                     \
      "e.code, p.work_day, p.ts_utc, p.kind")                                                      \
    X(Q_FLAGS_DELETE, "DELETE FROM event_flags WHERE employee_id = ?1 AND work_day = ?2")          \
    X(Q_FLAGS_INSERT,                                                                              \
      "INSERT INTO event_flags (event_id, employee_id, work_day, flags) VALUES "                   \
      "(?1, ?2, ?3, ?4) ON CONFLICT (event_id, employee_id) DO UPDATE SET "                        \
      "work_day = excluded.work_day, flags = excluded.flags")
SQ_STATEMENTS(SQ_PUNCHES_BASE, SQ_PC_BASE);

lr_status store_punches_of_day(lr_store *base, int64_t employee_id, const char *work_day,
                                   punch_stored *out, size_t max, size_t *n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_PUNCHES_OF_DAY, err, SQ_INT(employee_id), SQ_TEXT(work_day));
    int rc;
    if (!st)
        return LR_ESTORE;
    *n = 0;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (*n == max) {
            sql_reset(st);
            return lr_fail(err, LR_ETOOBIG, "more than %zu punches on %s", max, work_day);
        }
        out[*n].id = sql_col_int64(st, 0);
        out[*n].kind = (punch_kind)sql_col_int(st, 1);
        out[*n].utc = sql_col_int64(st, 2);
        (*n)++;
    }
    sql_reset(st);
    if (rc != SQL_DONE)
        return sq_db_fail(s, err, "reading punches");
    return LR_OK;
}

lr_status store_punch_insert(lr_store *base, int64_t company_id, int64_t employee_id,
                                 const char *work_day, punch_kind kind, int64_t utc,
                                 int64_t replaces, int64_t *id, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_PUNCH_INSERT, err, SQ_INT(company_id), SQ_INT(employee_id),
                             SQ_TEXT(work_day), SQ_INT(kind), SQ_INT(utc), SQ_INT(replaces),
                             SQ_INT(clock_now()));
    return sq_run_id(s, st, id, err, "storing a punch");
}

lr_status store_punch_end(lr_store *base, int64_t punch_id, const char *state, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_PUNCH_END, err, SQ_INT(punch_id), SQ_TEXT(state),
                             SQ_INT(clock_now()));
    return sq_run(s, st, err, "ending a punch");
}

lr_status store_ledger_list(lr_store *base, int64_t company_id, const char *from_day,
                                const char *to_day, store_ledger_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_LEDGER_LIST, err, SQ_INT(company_id), SQ_TEXT(from_day),
                             SQ_TEXT(to_day));
    lr_ledger_row row;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        row.id = sql_col_int64(st, 0);
        sq_copy_col(st, 1, row.employee_code, sizeof row.employee_code);
        sq_copy_col(st, 2, row.work_day, sizeof row.work_day);
        row.kind = (punch_kind)sql_col_int(st, 3);
        row.utc = sql_col_int64(st, 4);
        row.method = sql_col_text(st, 5);
        if (cb(ctx, &row))
            break;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "reading the ledger");
    return LR_OK;
}

lr_status store_flags_replace(lr_store *base, int64_t employee_id, const char *work_day,
                                  const day_event_flag *flags, size_t n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_FLAGS_DELETE, err, SQ_INT(employee_id), SQ_TEXT(work_day));
    lr_status r;
    if ((r = sq_run(s, st, err, "clearing event flags")) != LR_OK)
        return r;
    for (size_t i = 0; i < n; i++) {
        if (!(st = stmt(s, Q_FLAGS_INSERT, err)))
            return LR_ESTORE;
        sql_bind_int64(st, 1, flags[i].event_id);
        sql_bind_int64(st, 2, employee_id);
        sql_bind_text(st, 3, work_day);
        sql_bind_int64(st, 4, (int)flags[i].flags);
        if ((r = sq_run(s, st, err, "storing event flags")) != LR_OK)
            return r;
    }
    return LR_OK;
}
