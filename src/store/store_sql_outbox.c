/*
 * store_sql_outbox — the outbox and delivery attempts: what delivery
 * leases, claims, finishes and records (see store.h). A row moves
 * pending -> sending -> done | failed | pending (retry later). Instances
 * sharing a database lease the rows they take (lease_owner, lease_until);
 * a row left 'sending' past its lease (its instance died) is returned to
 * pending and marked uncertain, so the next attempt reads KoT back first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sql_internal.h"
#include "util/clock.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(O_ENQUEUE,                                                                                   \
      "INSERT INTO outbox (company_id, punch_id, action, replaces, next_attempt_at, created_at) "  \
      "VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5, ?5) ON CONFLICT (punch_id, action) DO NOTHING")                                                                                   \
    /* a driver with arrays: O_ENQUEUE's rows in one statement, a column an \
     * array, in their order (sq_run_rows) */                               \
    X(O_ENQUEUE_SET,                                                                               \
      "INSERT INTO outbox (company_id, punch_id, action, replaces, next_attempt_at, created_at) "  \
      "SELECT c, p, a, NULLIF(r, 0), at, at FROM unnest(?1::bigint[], ?2::bigint[], ?3::text[], "  \
      "?4::bigint[], ?5::bigint[]) WITH ORDINALITY AS u(c, p, a, r, at, i) ORDER BY i "            \
      "ON CONFLICT (punch_id, action) DO NOTHING")                           \
    X(O_LIST,                                                                                      \
      "SELECT o.id, o.punch_id, o.action, COALESCE(o.replaces, 0), o.state, p.kind, p.ts_utc, "    \
      "o.result, o.reason, o.attempts, o.uncertain, o.next_attempt_at, e.code, p.work_day FROM outbox o " \
      "JOIN punches p ON p.id = o.punch_id JOIN employees e ON e.id = p.employee_id WHERE "        \
      "o.company_id = ?1 AND o.state IN (?2, ?3, ?4, ?5) ORDER BY o.id")                           \
    X(O_COUNTS,                                                                                    \
      "SELECT state, count(*), sum(CASE WHEN reason = 'restricted' THEN 1 ELSE 0 END), "           \
      "min(CASE WHEN reason = 'restricted' THEN next_attempt_at END) FROM outbox WHERE "           \
      "company_id = ?1 GROUP BY state")                                                            \
    /* /metrics: every count by the state index (outbox_due), malion_state \
     * has a row a company */                                                \
    X(O_GAUGES,                                                                                    \
      "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), (SELECT count(*) FROM "       \
      "outbox WHERE state = 'sending'), (SELECT count(*) FROM outbox WHERE state = 'failed'), "    \
      "(SELECT count(*) FROM companies), (SELECT count(DISTINCT company_id) FROM outbox WHERE "    \
      "state = 'failed'), (SELECT count(*) FROM malion_state WHERE error <> '')")                  \
    X(O_RECOVER,                                                                                   \
      /* by state (outbox_due): a row left sending by a version before 0011 \
       * has no lease, and is recovered too */                                \
      "UPDATE outbox SET state = 'pending', uncertain = 1, "                                       \
      "lease_until = 0 WHERE state = 'sending' AND lease_until < ?1")                              \
    X(O_DUE,                                                                                       \
      /* the EXISTS only for a retraction (an AND would evaluate it for                            \
      * every row), through the punch's index (by state, it walks every                            \
      * done row) */                                                                               \
      "SELECT o.id, o.company_id, o.punch_id, o.action, p.state = 'active', CASE WHEN "            \
      "o.action = 'retract' THEN EXISTS (SELECT 1 FROM outbox o2 INDEXED BY outbox_once "         \
      "WHERE o2.punch_id = o.punch_id AND o2.action <> 'retract' AND o2.state = 'done' AND "       \
      "o2.result IN ('sent', 'already_there')) ELSE FALSE END, p.kind, p.ts_utc, p.work_day, "     \
      "e.code, COALESCE(e.kot_key, ''), COALESCE(d.code, ''), o.attempts, o.uncertain, "            \
      "o.created_at FROM outbox o "                                                                \
      "JOIN punches p ON p.id = o.punch_id JOIN employees e ON e.id = p.employee_id LEFT JOIN "    \
      "divisions d ON d.id = e.division_id WHERE o.state = 'pending' AND o.company_id = ?1 AND "   \
      "o.next_attempt_at <= ?2 AND o.lease_owner = ?4 AND o.lease_until > ?2 ORDER BY o.id "       \
      "LIMIT ?3")                                                                                  \
    X(O_CLAIM,                                                                                     \
      "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "                             \
      "lease_until = ?3 WHERE id = ?1 AND state = 'pending' AND "                                  \
      "lease_owner = ?2")                                                                          \
    X(O_FINISH,                                                                                    \
      "UPDATE outbox SET state = ?2, result = ?3, uncertain = ?4, next_attempt_at = ?5, "          \
      "done_at = CASE WHEN ?2 = 'done' THEN ?6 ELSE NULL END, reason = ?7, lease_until = 0 "       \
      "WHERE id = ?1 AND (state = 'pending' OR lease_owner = ?8)")                                 \
    X(O_RETRY,                                                                                     \
      "UPDATE outbox SET state = 'pending', result = '', reason = '', "                            \
      "next_attempt_at = ?2 WHERE company_id = ?1 AND state = 'failed'")                           \
    X(O_ATTEMPT,                                                                                   \
      "INSERT INTO delivery_attempts (outbox_id, at, http_status, error, request, outcome, "       \
      "answer, duration_ms) VALUES (?1, ?2, NULLIF(?3, 0), '', ?4, ?5, ?6, ?7)")                   \
    /* rows due and free (never leased, lease over, or ours already) become                        \
     * ours; another instance's rows locked right now are skipped */                               \
    X(O_LEASE,                                                                                     \
      "UPDATE outbox SET lease_owner = ?3, lease_until = ?2 + ?4 WHERE id IN (SELECT id FROM "     \
      "outbox WHERE state = 'pending' AND company_id = ?1 AND next_attempt_at <= ?2 AND "          \
      "(lease_until <= ?2 OR lease_owner = ?3) ORDER BY id LIMIT ?5 "                              \
      "/*pg: FOR UPDATE SKIP LOCKED */)")                                                          \
    /* through the leased rows only: by state it would walk every pending                         \
     * row, a backlog's too */                                                                     \
    X(O_UNLEASE,                                                                                   \
      "UPDATE outbox INDEXED BY outbox_leased SET lease_until = 0 WHERE state = 'pending' "        \
      "AND lease_until > 0 AND lease_until < ?1")                                                  \
    X(O_DUE_COMPANIES,                                                                             \
      /* record mode (客観記録のみ): its rows end with no call, delivery on or off */               \
      "SELECT c.id, c.break_punches, c.kot_rate, c.kot_mode = 'record' FROM companies c WHERE "   \
      "(c.punch_delivery = 1 OR c.kot_mode = 'record') "                                           \
      "AND c.id IN (SELECT company_id FROM outbox WHERE state = 'pending' AND "                    \
      "next_attempt_at <= ?1 AND (lease_until <= ?1 OR lease_owner = ?2))")
SQ_STATEMENTS(SQ_OUTBOX_BASE, SQ_SOURCES_BASE);

lr_status store_outbox_enqueue_all(lr_store *base, const store_outbox_new *v, size_t n,
                                   lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps;
    int64_t now = clock_now();
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(n * 5 * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        sq_param *p = ps + 5 * i;
        p[0] = SQ_INT(v[i].company_id);
        p[1] = SQ_INT(v[i].punch_id);
        p[2] = SQ_TEXT(v[i].action);
        p[3] = SQ_INT(v[i].replaces);
        p[4] = SQ_INT(now);
    }
    st = sq_run_rows(s, rows_stmt(s, O_ENQUEUE, O_ENQUEUE_SET, err), ps, 5, n, NULL, 0, NULL, err,
                     "queueing punches");
    free(ps);
    return st;
}

lr_status store_outbox_list(lr_store *base, int64_t company_id, store_outbox_filter filter,
                         store_outbox_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_LIST, err, SQ_INT(company_id));
    lr_outbox_row row;
    int rc;
    if (!st)
        return LR_ESTORE;
    /* IN over the states wanted: the (company, state) index serves it */
    sql_bind_text(st, 2, filter == OUTBOX_ALL ? "done" : "failed");
    sql_bind_text(st, 3, filter == OUTBOX_FAILED ? "failed" : "pending");
    sql_bind_text(st, 4, filter == OUTBOX_FAILED ? "failed" : "sending");
    sql_bind_text(st, 5, "failed");
    while ((rc = sql_step(st)) == SQL_ROW) {
        row.id = sql_col_int64(st, 0);
        row.punch_id = sql_col_int64(st, 1);
        row.action = sql_col_text(st, 2);
        row.replaces = sql_col_int64(st, 3);
        row.state = sql_col_text(st, 4);
        row.kind = (punch_kind)sql_col_int(st, 5);
        row.utc = sql_col_int64(st, 6);
        row.result = sql_col_text(st, 7);
        row.reason = sql_col_text(st, 8);
        row.attempts = sql_col_int(st, 9);
        row.uncertain = sql_col_int(st, 10);
        row.next_attempt_at = sql_col_int64(st, 11);
        row.employee_code = sql_col_text(st, 12);
        row.work_day = sql_col_text(st, 13);
        if (cb(ctx, &row))
            break;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "reading the outbox");
    return LR_OK;
}

lr_status store_outbox_counts(lr_store *base, int64_t company_id, lr_outbox_counts *out,
                           lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_COUNTS, err, SQ_INT(company_id));
    int rc;
    memset(out, 0, sizeof *out);
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        const char *state = sql_col_text(st, 0);
        size_t n = (size_t)sql_col_int64(st, 1);
        if (strcmp(state, "pending") == 0) {
            out->pending = n;
            out->restricted = (size_t)sql_col_int64(st, 2);
            out->restricted_until = sql_col_int64(st, 3);
        } else if (strcmp(state, "sending") == 0)
            out->sending = n;
        else if (strcmp(state, "failed") == 0)
            out->failed = n;
        else
            out->done = n;
    }
    sql_reset(st);
    return rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, "counting the outbox");
}

lr_status store_metrics_read(lr_store *base, metrics_gauges *g, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, O_GAUGES, err);
    int rc;
    memset(g, 0, sizeof *g);
    if (!st)
        return LR_ESTORE;
    if ((rc = sql_step(st)) == SQL_ROW) {
        g->outbox_pending = sql_col_int64(st, 0);
        g->outbox_sending = sql_col_int64(st, 1);
        g->outbox_failed = sql_col_int64(st, 2);
        g->companies = sql_col_int64(st, 3);
        g->companies_delivery_failed = sql_col_int64(st, 4);
        g->companies_malion_failing = sql_col_int64(st, 5);
        g->store_ok = 1;
    }
    sql_reset(st);
    return g->store_ok ? LR_OK : sq_db_fail(s, err, "counting for /metrics");
}

/* Runs an UPDATE; *n gets the rows it changed. */
static lr_status run_counted(sql_store *s, sql_stmt *st, size_t *n, lr_error *err,
                             const char *doing)
{
    lr_status r = sq_run(s, st, err, doing);
    *n = r == LR_OK ? (size_t)sq_changes(s) : 0;
    return r;
}

lr_status store_outbox_recover(lr_store *base, int64_t before, size_t *n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_RECOVER, err, SQ_INT(before));
    lr_status r;
    if ((r = run_counted(s, st, n, err, "recovering the outbox")) != LR_OK)
        return r;
    /* due rows an instance took but never claimed are free again too */
    if (!(st = stmt(s, O_UNLEASE, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, before);
    return sq_run(s, st, err, "recovering the outbox");
}

static const sq_row delivery_row = SQ_ROW(
    lr_delivery, SQ_NUM(lr_delivery, id), SQ_NUM(lr_delivery, company_id),
    SQ_NUM(lr_delivery, punch_id), SQ_STR(lr_delivery, action), SQ_NUM(lr_delivery, punch_active),
    SQ_NUM(lr_delivery, punch_sent), SQ_NUM(lr_delivery, kind), SQ_NUM(lr_delivery, utc),
    SQ_STR(lr_delivery, work_day), SQ_STR(lr_delivery, employee_code),
    SQ_STR(lr_delivery, kot_key), SQ_STR(lr_delivery, division_code),
    SQ_NUM(lr_delivery, attempts), SQ_NUM(lr_delivery, uncertain), SQ_NUM(lr_delivery, created_at));

lr_status store_outbox_due(lr_store *base, int64_t company_id, int64_t now, int64_t lease_s,
                        lr_delivery *out, size_t max, size_t *n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_LEASE, err, SQ_INT(company_id), SQ_INT(now),
                             SQ_TEXT(store_instance_id()), SQ_INT(lease_s), SQ_INT((int64_t)max));
    lr_status r;
    int rc = SQL_DONE;
    *n = 0;
    if ((r = sq_run(s, st, err, "leasing due outbox rows")) != LR_OK)
        return r;
    st = stmt_with(s, O_DUE, err, SQ_INT(company_id), SQ_INT(now), SQ_INT((int64_t)max),
                   SQ_TEXT(store_instance_id()));
    for (; *n < max && (rc = sq_next(st, &delivery_row, &out[*n])) == SQL_ROW; (*n)++)
        ;
    return sq_end(s, st, rc, err, "reading the due outbox");
}

lr_status store_outbox_due_companies(lr_store *base, int64_t now, store_due_company_cb cb,
                                  void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_DUE_COMPANIES, err, SQ_INT(now), SQ_TEXT(store_instance_id()));
    lr_due_company c;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        c.id = sql_col_int64(st, 0);
        c.break_punches = sql_col_int(st, 1);
        c.kot_rate = sql_col_double(st, 2);
        c.record_mode = sql_col_int(st, 3);
        if (cb(ctx, &c))
            break;
    }
    return sq_end(s, st, rc, err, "finding companies with due punches");
}

lr_status store_outbox_claim(lr_store *base, int64_t id, int64_t lease_until, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_CLAIM, err, SQ_INT(id), SQ_TEXT(store_instance_id()),
                             SQ_INT(lease_until));
    lr_status r;
    if ((r = sq_run(s, st, err, "claiming an outbox row")) != LR_OK)
        return r;
    if (sq_changes(s) != 1)
        return lr_fail(err, LR_EBUSY, "outbox row %lld was taken by another worker or instance",
                       (long long)id);
    return LR_OK;
}

lr_status store_outbox_finish(lr_store *base, int64_t id, const char *state, const char *reason,
                           const char *result, int uncertain, int64_t next_at, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_FINISH, err, SQ_INT(id), SQ_TEXT(state),
                             SQ_TEXT(result ? result : ""), SQ_INT(uncertain), SQ_INT(next_at),
                             SQ_INT(clock_now()), SQ_TEXT(reason), SQ_TEXT(store_instance_id()));
    return sq_run(s, st, err, "finishing an outbox row");
}

lr_status store_outbox_retry(lr_store *base, int64_t company_id, int64_t now, size_t *n,
                          lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_RETRY, err, SQ_INT(company_id), SQ_INT(now));
    return sq_wrote(s, company_id, run_counted(s, st, n, err, "retrying failed punches"), err);
}

lr_status store_attempt_record(lr_store *base, const lr_attempt *a, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, O_ATTEMPT, err, SQ_INT(a->outbox_id), SQ_INT(a->at),
                             SQ_INT(a->http_status), SQ_TEXT(a->request ? a->request : ""),
                             SQ_TEXT(a->outcome ? a->outcome : ""),
                             SQ_TEXT(a->answer ? a->answer : ""), SQ_INT(a->duration_ms));
    return sq_run(s, st, err, "recording a delivery attempt");
}
