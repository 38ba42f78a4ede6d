/*
 * store_sqlite_outbox — the outbox and delivery attempts in SQLite: what
 * the dispatcher claims, finishes and records (see store.h). A row moves
 * pending -> sending -> done | failed | pending (retry later); a row found
 * 'sending' after a crash is returned to pending and marked uncertain.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_internal.h"

enum {
    O_ENQUEUE = SQ_OUTBOX_BASE,
    O_LIST,
    O_COUNTS,
    O_RECOVER,
    O_DUE,
    O_CLAIM,
    O_FINISH,
    O_RETRY,
    O_ATTEMPT,
    O_END
};
_Static_assert(O_END <= SQ_SOURCES_BASE, "too many outbox statements for their slots");

static const char *const sql_text[O_END - SQ_OUTBOX_BASE] = {
    [O_ENQUEUE - SQ_OUTBOX_BASE] =
        "INSERT INTO outbox (company_id, punch_id, action, replaces, idem_key, next_attempt_at, "
        "created_at) VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5, ?6, ?6) ON CONFLICT (idem_key) DO "
        "NOTHING",
    [O_LIST - SQ_OUTBOX_BASE] =
        "SELECT o.id, o.punch_id, o.action, IFNULL(o.replaces, 0), o.state, p.kind, p.ts_utc, "
        "o.result, o.reason, o.attempts, o.uncertain, o.next_attempt_at, e.code, p.work_day FROM outbox o "
        "JOIN punches p ON p.id = o.punch_id JOIN employees e ON e.id = p.employee_id WHERE "
        "o.company_id = ?1 AND o.state IN (?2, ?3, ?4, ?5) ORDER BY o.id",
    [O_COUNTS - SQ_OUTBOX_BASE] = "SELECT state, count(*) FROM outbox WHERE company_id = ?1 "
                                  "GROUP BY state",
    [O_RECOVER - SQ_OUTBOX_BASE] = "UPDATE outbox SET state = 'pending', uncertain = 1 WHERE "
                                   "state = 'sending'",
    [O_DUE - SQ_OUTBOX_BASE] =
        "SELECT o.id, o.company_id, o.punch_id, o.action, p.state = 'active', o.action = "
        "'retract' AND EXISTS (SELECT 1 FROM outbox o2 WHERE o2.punch_id = o.punch_id AND "
        "o2.action <> 'retract' AND o2.state = 'done' AND o2.result IN ('sent', "
        "'already_there')), p.kind, p.ts_utc, p.work_day, "
        "e.code, IFNULL(e.kot_key, ''), IFNULL(d.code, ''), o.attempts, o.uncertain FROM outbox o "
        "JOIN punches p ON p.id = o.punch_id JOIN employees e ON e.id = p.employee_id LEFT JOIN "
        "divisions d ON d.id = e.division_id WHERE o.state = 'pending' AND o.company_id = ?1 AND "
        "o.next_attempt_at <= ?2 ORDER BY o.id LIMIT ?3",
    [O_CLAIM - SQ_OUTBOX_BASE] = "UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
                                 "WHERE id = ?1 AND state = 'pending'",
    [O_FINISH - SQ_OUTBOX_BASE] =
        "UPDATE outbox SET state = ?2, result = ?3, uncertain = ?4, next_attempt_at = ?5, "
        "done_at = IIF(?2 = 'done', ?6, NULL), reason = ?7 WHERE id = ?1",
    [O_RETRY - SQ_OUTBOX_BASE] = "UPDATE outbox SET state = 'pending', result = '', reason = '', "
                                 "next_attempt_at = ?2 WHERE company_id = ?1 AND state = 'failed'",
    [O_ATTEMPT - SQ_OUTBOX_BASE] =
        "INSERT INTO delivery_attempts (outbox_id, at, http_status, error, request, outcome, "
        "answer, duration_ms) VALUES (?1, ?2, NULLIF(?3, 0), '', ?4, ?5, ?6, ?7)",
};

static sqlite3_stmt *ostmt(sqlite_store *s, int q, lr_error *err)
{
    return sq_stmt(s, q, sql_text[q - SQ_OUTBOX_BASE], err);
}

lr_status sq_outbox_enqueue(lr_store *base, int64_t company_id, int64_t punch_id,
                            const char *action, int64_t replaces, const char *idem_key,
                            lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_ENQUEUE, err);
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, company_id);
    sqlite3_bind_int64(st, 2, punch_id);
    sq_bind_text(st, 3, action);
    sqlite3_bind_int64(st, 4, replaces);
    sq_bind_text(st, 5, idem_key);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    return sq_run(s, st, err, "queueing a punch");
}

lr_status sq_outbox_list(lr_store *base, int64_t company_id, store_outbox_filter filter,
                         store_outbox_cb cb, void *ctx, lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_LIST, err);
    lr_outbox_row row;
    int rc;
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, company_id);
    /* IN over the states wanted: the (company, state) index serves it */
    sq_bind_text(st, 2, filter == OUTBOX_ALL ? "done" : "failed");
    sq_bind_text(st, 3, filter == OUTBOX_FAILED ? "failed" : "pending");
    sq_bind_text(st, 4, filter == OUTBOX_FAILED ? "failed" : "sending");
    sq_bind_text(st, 5, "failed");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row.id = sqlite3_column_int64(st, 0);
        row.punch_id = sqlite3_column_int64(st, 1);
        row.action = (const char *)sqlite3_column_text(st, 2);
        row.replaces = sqlite3_column_int64(st, 3);
        row.state = (const char *)sqlite3_column_text(st, 4);
        row.kind = (punch_kind)sqlite3_column_int(st, 5);
        row.utc = sqlite3_column_int64(st, 6);
        row.result = (const char *)sqlite3_column_text(st, 7);
        row.reason = (const char *)sqlite3_column_text(st, 8);
        row.attempts = sqlite3_column_int(st, 9);
        row.uncertain = sqlite3_column_int(st, 10);
        row.next_attempt_at = sqlite3_column_int64(st, 11);
        row.employee_code = (const char *)sqlite3_column_text(st, 12);
        row.work_day = (const char *)sqlite3_column_text(st, 13);
        if (cb(ctx, &row))
            break;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_db_fail(s, err, "reading the outbox");
    return LR_OK;
}

lr_status sq_outbox_counts(lr_store *base, int64_t company_id, lr_outbox_counts *out,
                           lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_COUNTS, err);
    int rc;
    memset(out, 0, sizeof *out);
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, company_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_int64(st, 1);
        if (strcmp(state, "pending") == 0)
            out->pending = n;
        else if (strcmp(state, "sending") == 0)
            out->sending = n;
        else if (strcmp(state, "failed") == 0)
            out->failed = n;
        else
            out->done = n;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? LR_OK : sq_db_fail(s, err, "counting the outbox");
}

/* Runs an UPDATE; *n gets the rows it changed. */
static lr_status run_counted(sqlite_store *s, sqlite3_stmt *st, size_t *n, lr_error *err,
                             const char *doing)
{
    lr_status r = sq_run(s, st, err, doing);
    *n = r == LR_OK ? (size_t)sqlite3_changes(s->db) : 0;
    return r;
}

lr_status sq_outbox_recover(lr_store *base, size_t *n, lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_RECOVER, err);
    if (!st)
        return LR_ESTORE;
    return run_counted(s, st, n, err, "recovering the outbox");
}

lr_status sq_outbox_due(lr_store *base, int64_t company_id, int64_t now, lr_delivery *out,
                        size_t max, size_t *n, lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_DUE, err);
    int rc;
    *n = 0;
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, company_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        lr_delivery *d = &out[(*n)++];
        memset(d, 0, sizeof *d);
        d->id = sqlite3_column_int64(st, 0);
        d->company_id = sqlite3_column_int64(st, 1);
        d->punch_id = sqlite3_column_int64(st, 2);
        sq_copy_col(st, 3, d->action, sizeof d->action);
        d->punch_active = sqlite3_column_int(st, 4);
        d->punch_sent = sqlite3_column_int(st, 5);
        d->kind = (punch_kind)sqlite3_column_int(st, 6);
        d->utc = sqlite3_column_int64(st, 7);
        sq_copy_col(st, 8, d->work_day, sizeof d->work_day);
        sq_copy_col(st, 9, d->employee_code, sizeof d->employee_code);
        sq_copy_col(st, 10, d->kot_key, sizeof d->kot_key);
        sq_copy_col(st, 11, d->division_code, sizeof d->division_code);
        d->attempts = sqlite3_column_int(st, 12);
        d->uncertain = sqlite3_column_int(st, 13);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_db_fail(s, err, "reading the due outbox");
    return LR_OK;
}

lr_status sq_outbox_claim(lr_store *base, int64_t id, lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_CLAIM, err);
    lr_status r;
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    if ((r = sq_run(s, st, err, "claiming an outbox row")) != LR_OK)
        return r;
    if (sqlite3_changes(s->db) != 1)
        return lr_fail(err, LR_EBUSY, "outbox row %lld was taken by another worker",
                       (long long)id);
    return LR_OK;
}

lr_status sq_outbox_finish(lr_store *base, int64_t id, const char *state, const char *reason,
                           const char *result, int uncertain, int64_t next_at, lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_FINISH, err);
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sq_bind_text(st, 2, state);
    sq_bind_text(st, 3, result ? result : "");
    sqlite3_bind_int(st, 4, uncertain);
    sqlite3_bind_int64(st, 5, next_at);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    sq_bind_text(st, 7, reason);
    return sq_run(s, st, err, "finishing an outbox row");
}

lr_status sq_outbox_retry(lr_store *base, int64_t company_id, int64_t now, size_t *n,
                          lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_RETRY, err);
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, company_id);
    sqlite3_bind_int64(st, 2, now);
    return run_counted(s, st, n, err, "retrying failed punches");
}

lr_status sq_attempt_record(lr_store *base, const lr_attempt *a, lr_error *err)
{
    sqlite_store *s = S(base);
    sqlite3_stmt *st = ostmt(s, O_ATTEMPT, err);
    if (!st)
        return LR_ESTORE;
    sqlite3_bind_int64(st, 1, a->outbox_id);
    sqlite3_bind_int64(st, 2, a->at);
    sqlite3_bind_int(st, 3, a->http_status);
    sq_bind_text(st, 4, a->request ? a->request : "");
    sq_bind_text(st, 5, a->outcome ? a->outcome : "");
    sq_bind_text(st, 6, a->answer ? a->answer : "");
    sqlite3_bind_int64(st, 7, a->duration_ms);
    return sq_run(s, st, err, "recording a delivery attempt");
}
