/*
 * store_sql_purge — the archive's rows and the purge's deletes (see
 * store_purge.h), each found by an index: events by (company, time),
 * punches by (company, day), what hangs on an event or a punch by its id.
 */
#include <string.h>

#include "store/sql_internal.h"

/* Deletes in order: what refers to a row goes before it. ?1 the company;
 * ?2 before_day for punches and what hangs on them, before_utc for
 * events and theirs. */
#define PURGE_PUNCH_IDS "SELECT id FROM punches WHERE company_id = ?1 AND work_day < ?2"
#define PURGE_EVENT_IDS "SELECT id FROM log_events WHERE company_id = ?1 AND ts_utc < ?2"
#define STATEMENTS(X)                                                                              \
    X(P_EVENTS,                                                                                    \
      "SELECT id, ts_utc, ts_offset, source, account, host, op, received_at, raw FROM log_events " \
      "WHERE company_id = ?1 AND ts_utc < ?2 ORDER BY ts_utc, id")                                 \
    X(P_PUNCHES,                                                                                   \
      "SELECT p.id, p.ts_utc, p.work_day, e.code, p.kind, p.state, p.created_at, p.method FROM "   \
      "punches p JOIN employees e ON e.id = p.employee_id WHERE p.company_id = ?1 AND "            \
      "p.work_day < ?2 ORDER BY p.work_day, p.id")                                                 \
    X(P_DIVERGENCES,                                                                               \
      "SELECT d.work_day, e.code, d.status, d.confirmed_at, d.kind || '\t' || d.reason || "      \
      "'\t' || d.result || '\t' || d.confirmed_by || '\t' || d.note FROM divergences d "  \
      "JOIN employees e ON e.id = d.employee_id WHERE d.company_id = ?1 AND d.work_day < ?2 "      \
      "ORDER BY d.work_day, e.code")                                                               \
    X(P_DEL_ATTEMPTS, "DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM outbox "   \
                      "WHERE punch_id IN (" PURGE_PUNCH_IDS "))")                                  \
    /* a kept row that names a purged punch as the one it replaced */                             \
    X(P_UNREF_OUTBOX, "UPDATE outbox SET replaces = NULL WHERE replaces IN (" PURGE_PUNCH_IDS      \
                      ") AND punch_id NOT IN (" PURGE_PUNCH_IDS ")")                               \
    X(P_UNREF_PUNCHES, "UPDATE punches SET replaces = NULL WHERE company_id = ?1 AND work_day >= " \
                       "?2 AND replaces IN (" PURGE_PUNCH_IDS ")")                                 \
    X(P_DEL_OUTBOX, "DELETE FROM outbox WHERE punch_id IN (" PURGE_PUNCH_IDS ")")                  \
    X(P_DEL_PUNCHES, "DELETE FROM punches WHERE company_id = ?1 AND work_day < ?2")                \
    X(P_DEL_FLAGS, "DELETE FROM event_flags WHERE event_id IN (" PURGE_EVENT_IDS ")")              \
    /* a kept punch whose event goes (a night across the date): its event \
     * unknown from now on, not another that may take its id */              \
    X(P_UNREF_EVENTS, "UPDATE punches SET event_id = NULL WHERE company_id = ?1 AND event_id IN (" \
                      PURGE_EVENT_IDS ")")                                                         \
    X(P_DEL_WIN, "DELETE FROM win_records WHERE event_row IN (" PURGE_EVENT_IDS ")")               \
    X(P_DEL_UNIX, "DELETE FROM unix_records WHERE event_row IN (" PURGE_EVENT_IDS ")")             \
    X(P_DEL_EVENTS, "DELETE FROM log_events WHERE company_id = ?1 AND ts_utc < ?2")               \
    X(P_DEL_KOT, "DELETE FROM kot_records WHERE company_id = ?1 AND work_day < ?2")                \
    X(P_DEL_DIVERGENCES, "DELETE FROM divergences WHERE company_id = ?1 AND work_day < ?2")        \
    X(P_DEL_OVERTIME,                                                                              \
      "DELETE FROM overtime_warnings WHERE company_id = ?1 AND month < substr(CAST(?2 AS TEXT), 1, 7)")          \
    /* anything left to purge: an event or a punch before the bounds */                          \
    X(P_ANY, "SELECT EXISTS (SELECT 1 FROM log_events WHERE company_id = ?1 AND ts_utc < ?3) OR "  \
             "EXISTS (SELECT 1 FROM punches WHERE company_id = ?1 AND work_day < ?2)")            \
    X(P_PURGED, "UPDATE companies SET purged_before = ?2 WHERE id = ?1 AND purged_before < ?2")    \
    X(P_RETENTION, "UPDATE companies SET retention_years = ?2 WHERE id = ?1")

SQ_STATEMENTS(SQ_PURGE_BASE, SQ_CHAIN_BASE);

/* Runs rows of query q (bound ?1 company, ?2 the bound) through read,
 * which fills r from the statement; cb each. */
static lr_status each_row(sql_store *s, int q, const char *sql, const sq_param *ps,
                          void (*read)(sql_stmt *st, lr_purge_row *r), store_purge_cb cb,
                          void *ctx, lr_error *err)
{
    sql_stmt *st = sq_stmt_with(s, q, sql, err, ps, 2);
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        lr_purge_row r;
        memset(&r, 0, sizeof r);
        r.work_day = r.employee = r.source = r.account = r.host = r.op = r.state = r.detail = "";
        read(st, &r);
        if (cb(ctx, &r)) {
            rc = SQL_DONE;
            break;
        }
    }
    sql_reset(st);
    return rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, "reading the rows to purge");
}

static void read_event(sql_stmt *st, lr_purge_row *r)
{
    r->record = "event";
    r->id = sql_col_int64(st, 0);
    r->utc = sql_col_int64(st, 1);
    r->offset_sec = sql_col_int(st, 2);
    r->source = sql_col_text(st, 3);
    r->account = sql_col_text(st, 4);
    r->host = sql_col_text(st, 5);
    r->op = sql_col_text(st, 6);
    r->at = sql_col_int64(st, 7);
    r->detail = sql_col_text(st, 8);
}

static void read_punch(sql_stmt *st, lr_purge_row *r)
{
    r->record = "punch";
    r->id = sql_col_int64(st, 0);
    r->utc = sql_col_int64(st, 1);
    r->work_day = sql_col_text(st, 2);
    r->employee = sql_col_text(st, 3);
    r->kind = sql_col_int(st, 4);
    r->state = sql_col_text(st, 5);
    r->at = sql_col_int64(st, 6);
    r->detail = sql_col_text(st, 7);
}

static void read_divergence(sql_stmt *st, lr_purge_row *r)
{
    r->record = "divergence";
    r->work_day = sql_col_text(st, 0);
    r->employee = sql_col_text(st, 1);
    r->state = sql_col_text(st, 2);
    r->at = sql_col_int64(st, 3);
    r->detail = sql_col_text(st, 4);
}

lr_status store_purge_rows(lr_store *base, int64_t company_id, const char *before_day,
                           int64_t before_utc, store_purge_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    const sq_param by_time[] = {SQ_INT(company_id), SQ_INT(before_utc)};
    const sq_param by_day[] = {SQ_INT(company_id), SQ_TEXT(before_day)};
    lr_status st = each_row(s, P_EVENTS, sql_text[P_EVENTS - SQ_FIRST_SLOT - 1], by_time,
                            read_event, cb, ctx, err);
    if (st == LR_OK)
        st = each_row(s, P_PUNCHES, sql_text[P_PUNCHES - SQ_FIRST_SLOT - 1], by_day, read_punch,
                      cb, ctx, err);
    if (st == LR_OK)
        st = each_row(s, P_DIVERGENCES, sql_text[P_DIVERGENCES - SQ_FIRST_SLOT - 1], by_day,
                      read_divergence, cb, ctx, err);
    return st;
}

lr_status store_purge_delete(lr_store *base, int64_t company_id, const char *before_day,
                             int64_t before_utc, const unsigned char gap_key[32],
                             lr_purge_counts *n, lr_error *err)
{
    static const struct {
        int q, by_time; /* ?2 is before_utc (else before_day) */
    } order[] = {{P_DEL_ATTEMPTS, 0}, {P_UNREF_OUTBOX, 0}, {P_UNREF_PUNCHES, 0},
                 {P_DEL_OUTBOX, 0},   {P_DEL_PUNCHES, 0},  {P_DEL_FLAGS, 1},
                 {P_UNREF_EVENTS, 1},
                 {P_DEL_WIN, 1},      {P_DEL_UNIX, 1},     {P_DEL_EVENTS, 1},
                 {P_DEL_KOT, 0},      {P_DEL_DIVERGENCES, 0}, {P_DEL_OVERTIME, 0},
                 {P_PURGED, 0}};
    sql_store *s = S(base);
    /* the chain goes on without the events removed (store_sql_chain.c) */
    lr_status st = sq_chain_purge(s, company_id, before_utc, gap_key, err);
    memset(n, 0, sizeof *n);
    for (size_t i = 0; st == LR_OK && i < sizeof order / sizeof *order; i++) {
        int q = order[i].q;
        sql_stmt *t = order[i].by_time
                          ? stmt_with(s, q, err, SQ_INT(company_id), SQ_INT(before_utc))
                          : stmt_with(s, q, err, SQ_INT(company_id), SQ_TEXT(before_day));
        int64_t changed;
        if (!t)
            return LR_ESTORE;
        if ((st = sq_run(s, t, err, "purging")) != LR_OK)
            break;
        changed = sq_changes(s);
        if (q == P_DEL_EVENTS)
            n->events = changed;
        else if (q == P_DEL_PUNCHES)
            n->punches = changed;
        else if (q == P_DEL_DIVERGENCES)
            n->divergences = changed;
        else if (q != P_PURGED && q != P_UNREF_OUTBOX && q != P_UNREF_PUNCHES &&
                 q != P_UNREF_EVENTS)
            n->other += changed;
    }
    return sq_wrote(s, company_id, st, err);
}

lr_status store_purge_any(lr_store *base, int64_t company_id, const char *before_day,
                          int64_t before_utc, int *any, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, P_ANY, err, SQ_INT(company_id), SQ_TEXT(before_day),
                             SQ_INT(before_utc));
    int rc;
    *any = 0;
    if (!st)
        return LR_ESTORE;
    if ((rc = sql_step(st)) == SQL_ROW)
        *any = sql_col_int(st, 0) != 0;
    sql_reset(st);
    return rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "looking for records to purge");
}

lr_status store_company_retention_set(lr_store *base, int64_t company_id, int years,
                                      lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, P_RETENTION, err, SQ_INT(company_id), SQ_INT(years));
    return sq_wrote(s, company_id, sq_run(s, st, err, "setting the retention"), err);
}
