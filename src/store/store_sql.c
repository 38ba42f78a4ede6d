/*
 * store_sql — the store interface (see store.h) over SQL, written once for
 * SQLite and PostgreSQL (the driver, sql_driver.h, runs it): schema,
 * companies, employees, links, events and the ledger. Statements are
 * prepared once per handle.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "store/migrations.h"
#include "store/sql_internal.h"
#include "util/clock.h"

enum {
    Q_COMPANY_INSERT,
    Q_COMPANY_UPDATE,
    Q_COMPANY_GET,
    Q_COMPANY_BY_TOKEN,
    Q_COMPANY_BY_LANSCOPE_TOKEN,
    Q_COMPANY_LANSCOPE_TOKEN,
    Q_COMPANIES_LIST,
    Q_COMPANY_SYNC_RESULT,
    Q_DIVISIONS_LIST,
    Q_EMPLOYEE_UPDATE,
    Q_SECRET_PUT,
    Q_SECRET_GET,
    Q_DIVISION_UPSERT,
    Q_DIVISION_GET,
    Q_EMPLOYEE_INSERT,
    Q_EMPLOYEE_GET,
    Q_EMPLOYEE_BY_ID,
    Q_EMPLOYEES_LIST,
    Q_LINKS_LIST,
    Q_LINK_OWNER,
    Q_LINK_OF_EMP,
    Q_LINK_DELETE,
    Q_LINK_INSERT,
    Q_LINK_RESOLVE,
    Q_LINK_RESOLVE_ANY,
    Q_LINKS_OF_EMPLOYEE,
    Q_EVENT_INSERT,
    Q_EVENTS_OF_ACCOUNT,
    Q_EVENTS_LIST,
    Q_EVENTS_LIST_FLAGGED,
    Q_PUNCHES_OF_DAY,
    Q_PUNCH_INSERT,
    Q_PUNCH_END,
    Q_LEDGER_LIST,
    Q_FLAGS_DELETE,
    Q_FLAGS_INSERT,
    Q_AUDIT,
    Q_LOCK_COMPANY,
    Q_COUNT
};

#define EMPLOYEE_COLS                                                                              \
    "e.id, e.company_id, e.code, e.last_name, e.first_name, COALESCE(e.division_id, 0), "           \
    "COALESCE(d.day_change_min, 0), e.deleted, COALESCE(e.kot_key, '') FROM employees e LEFT JOIN "   \
    "divisions d ON d.id = e.division_id "
#define COMPANY_COLS                                                                               \
    "id, code, name, tz, break_punches, min_break_sec, max_shift_sec, punch_delivery, "           \
    "kot_base_url, kot_rate, COALESCE(kot_synced_at, 0), kot_sync_result, lanscope_collect_min, " \
    "lanscope_token_hash IS NOT NULL, malion_enabled, malion_host, malion_admin_code, "         \
    "kot_sync_code FROM companies "
#define EVENT_LIST_SQL(extra)                                                                      \
    "SELECT " SQ_EVENT_COLS ", (SELECT emp.code FROM employees emp WHERE emp.id = "                \
    SQ_EVENT_EMPLOYEE_SQL "), f.work_day, COALESCE(f.flags, 0) FROM log_events e LEFT JOIN "        \
    "event_flags f ON f.event_id = e.id WHERE e.company_id = ?1 AND e.ts_utc >= ?2 AND e.ts_utc " \
    "< ?3 " extra " ORDER BY e.ts_utc, e.id"

static const char *const sql_text[Q_COUNT] = {
    [Q_COMPANY_INSERT] = "INSERT INTO companies (code, name, tz, break_punches, min_break_sec, "
                         "max_shift_sec, punch_delivery, ingest_token_hash, created_at) VALUES "
                         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    [Q_COMPANY_UPDATE] = "UPDATE companies SET name = ?2, tz = ?3, break_punches = ?4, "
                         "min_break_sec = ?5, max_shift_sec = ?6, punch_delivery = ?7, "
                         "kot_base_url = ?8, kot_rate = ?9, lanscope_collect_min = ?10, "
                         "malion_enabled = ?11, malion_host = ?12, malion_admin_code = ?13 "
                         "WHERE id = ?1",
    [Q_COMPANIES_LIST] = "SELECT " COMPANY_COLS "ORDER BY code",
    [Q_COMPANY_SYNC_RESULT] = "UPDATE companies SET kot_synced_at = ?2, kot_sync_result = ?3, "
                              "kot_sync_code = ?4 WHERE id = ?1",
    [Q_DIVISIONS_LIST] = "SELECT id, company_id, code, name, day_change_min FROM divisions WHERE "
                         "company_id = ?1 ORDER BY code",
    [Q_EMPLOYEE_UPDATE] = "UPDATE employees SET code = ?2, last_name = ?3, first_name = ?4, "
                          "division_id = NULLIF(?5, 0), kot_key = NULLIF(?6, ''), deleted = ?7 "
                          "WHERE id = ?1",
    /* company IDs are stored in upper case and taken in any (admin_company_add) */
    [Q_COMPANY_GET] = "SELECT " COMPANY_COLS "WHERE code = upper(?1)",
    [Q_COMPANY_BY_TOKEN] = "SELECT " COMPANY_COLS "WHERE ingest_token_hash = ?1",
    [Q_COMPANY_BY_LANSCOPE_TOKEN] = "SELECT " COMPANY_COLS "WHERE code = upper(?1) AND "
                                    "lanscope_token_hash = ?2",
    [Q_COMPANY_LANSCOPE_TOKEN] = "UPDATE companies SET lanscope_token_hash = ?2 WHERE id = ?1",
    [Q_SECRET_PUT] = "INSERT INTO company_secrets (company_id, name, sealed, updated_at) VALUES "
                     "(?1, ?2, ?3, ?4) ON CONFLICT (company_id, name) DO UPDATE SET sealed = "
                     "excluded.sealed, updated_at = excluded.updated_at",
    [Q_SECRET_GET] = "SELECT sealed FROM company_secrets WHERE company_id = ?1 AND name = ?2",
    [Q_DIVISION_UPSERT] = "INSERT INTO divisions (company_id, code, name, day_change_min) VALUES "
                          "(?1, ?2, ?3, ?4) ON CONFLICT (company_id, code) DO UPDATE SET name = "
                          "excluded.name, day_change_min = excluded.day_change_min RETURNING id",
    [Q_DIVISION_GET] = "SELECT id, company_id, code, name, day_change_min FROM divisions WHERE "
                       "company_id = ?1 AND code = ?2",
    [Q_EMPLOYEE_INSERT] = "INSERT INTO employees (company_id, code, last_name, first_name, "
                          "division_id, kot_key) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), "
                          "NULLIF(?6, '')) RETURNING id",
    [Q_EMPLOYEE_GET] = "SELECT " EMPLOYEE_COLS "WHERE e.company_id = ?1 AND e.code = ?2",
    [Q_EMPLOYEE_BY_ID] = "SELECT " EMPLOYEE_COLS "WHERE e.id = ?1",
    [Q_EMPLOYEES_LIST] = "SELECT " EMPLOYEE_COLS "WHERE e.company_id = ?1 ORDER BY e.code",
    [Q_LINKS_LIST] = "SELECT employee_id, kind, account FROM links WHERE company_id = ?1 ORDER BY "
                     "kind, account",
    [Q_LINK_OWNER] = "SELECT employee_id FROM links WHERE company_id = ?1 AND kind = ?2 AND "
                     "account = ?3",
    [Q_LINK_OF_EMP] = "SELECT account FROM links WHERE company_id = ?1 AND kind = ?2 AND "
                      "employee_id = ?3",
    [Q_LINK_DELETE] = "DELETE FROM links WHERE company_id = ?1 AND kind = ?2 AND employee_id = ?3",
    [Q_LINK_INSERT] = "INSERT INTO links (company_id, kind, account, employee_id, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_LINK_RESOLVE] = "SELECT l.employee_id FROM links l JOIN employees e ON e.id = "
                       "l.employee_id WHERE l.company_id = ?1 AND l.kind = ?2 AND l.account = ?3 "
                       "AND e.deleted = 0",
    [Q_LINK_RESOLVE_ANY] = "SELECT DISTINCT l.employee_id FROM links l JOIN employees e ON e.id "
                           "= l.employee_id WHERE l.company_id = ?1 AND l.account = ?2 AND "
                           "e.deleted = 0 ORDER BY l.employee_id",
    [Q_LINKS_OF_EMPLOYEE] = "SELECT employee_id, kind, account FROM links WHERE employee_id = ?1 "
                            "ORDER BY kind",
    [Q_EVENT_INSERT] = "INSERT INTO log_events (company_id, source, account, host, op, ts_utc, "
                       "ts_offset, version, raw, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                       "?8, ?9, ?10) ON CONFLICT DO NOTHING RETURNING id",
    [Q_EVENTS_OF_ACCOUNT] = "SELECT id, source, account, host, op, ts_utc, ts_offset, version, "
                            "received_at FROM log_events INDEXED BY log_events_account_time WHERE "
                            "company_id = ?1 AND account = ?2 "
                            "AND ts_utc >= ?3 AND ts_utc < ?4 ORDER BY ts_utc, id",
    [Q_EVENTS_LIST] = EVENT_LIST_SQL(""),
    [Q_EVENTS_LIST_FLAGGED] = EVENT_LIST_SQL("AND f.flags IS NOT NULL"),
    [Q_PUNCHES_OF_DAY] = "SELECT id, kind, ts_utc FROM punches WHERE employee_id = ?1 AND "
                         "work_day = ?2 AND state = 'active' ORDER BY ts_utc, kind",
    [Q_PUNCH_INSERT] = "INSERT INTO punches (company_id, employee_id, work_day, kind, ts_utc, "
                       "replaces, created_at) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, 0), ?7) RETURNING id",
    [Q_PUNCH_END] = "UPDATE punches SET state = ?2, ended_at = ?3 WHERE id = ?1 AND state = "
                    "'active'",
    [Q_LEDGER_LIST] = "SELECT p.id, e.code, p.work_day, p.kind, p.ts_utc, p.method FROM punches "
                      "p JOIN employees e ON e.id = p.employee_id WHERE p.company_id = ?1 AND "
                      "p.state = 'active' AND p.work_day >= ?2 AND p.work_day <= ?3 ORDER BY "
                      "e.code, p.work_day, p.ts_utc, p.kind",
    [Q_FLAGS_DELETE] = "DELETE FROM event_flags WHERE employee_id = ?1 AND work_day = ?2",
    [Q_FLAGS_INSERT] = "INSERT INTO event_flags (event_id, employee_id, work_day, flags) VALUES "
                       "(?1, ?2, ?3, ?4) ON CONFLICT (event_id, employee_id) DO UPDATE SET "
                       "work_day = excluded.work_day, flags = excluded.flags",
    /* PostgreSQL only (a shared driver): SQLite has one writer anyway */
    [Q_LOCK_COMPANY] = "SELECT pg_advisory_xact_lock(1819435620, CAST(?1 AS INTEGER))",
    [Q_AUDIT] = "INSERT INTO audit_log (at, company_id, actor, action, detail) VALUES (?1, "
                "NULLIF(?2, 0), ?3, ?4, ?5)",
};

_Static_assert(Q_COUNT <= SQ_OUTBOX_BASE, "statement slots overlap the outbox file's");

lr_status sq_db_fail(sql_store *s, lr_error *err, const char *doing)
{
    return s->drv->fail(s->db, err, doing, s->base.path);
}

lr_status sq_end(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing)
{
    lr_status r = rc == SQL_ROW || rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, doing);
    sql_reset(st);
    return r;
}

lr_status sq_end_one(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing,
                     const char *missing, ...)
{
    char msg[300];
    va_list ap;
    if (rc != SQL_DONE)
        return sq_end(s, st, rc, err, doing);
    va_start(ap, missing);
    vsnprintf(msg, sizeof msg, missing, ap);
    va_end(ap);
    sql_reset(st);
    return lr_fail(err, LR_ENOTFOUND, "%s", msg);
}

sql_stmt *sq_stmt(sql_store *s, int slot, const char *sql, lr_error *err)
{
    if (!s->q[slot]) {
        if (!(s->q[slot] = s->drv->prepare(s->db, sql))) {
            sq_db_fail(s, err, "preparing a statement");
            return NULL;
        }
    } else {
        sql_reset(s->q[slot]);
    }
    return s->q[slot];
}

void sq_copy_col(sql_stmt *st, int i, char *dst, size_t dstsz)
{
    const char *t = sql_col_text(st, i);
    snprintf(dst, dstsz, "%s", t ? t : "");
}

lr_status sq_run(sql_store *s, sql_stmt *st, lr_error *err, const char *doing)
{
    return sq_end(s, st, sql_step(st), err, doing);
}

lr_status sq_run_id(sql_store *s, sql_stmt *st, int64_t *id, lr_error *err, const char *doing)
{
    int rc = sql_step(st);
    if (rc == SQL_ROW)
        *id = sql_col_int64(st, 0);
    if (rc != SQL_DONE)
        return sq_end(s, st, rc, err, doing);
    /* ON CONFLICT DO NOTHING returned no row */
    sql_reset(st);
    return lr_fail(err, LR_EEXIST, "%s: it exists already", doing);
}

int64_t sq_changes(sql_store *s)
{
    return s->drv->changes(s->db);
}

/* The statement of query q of this file. */
#define stmt(s, q, err) sq_stmt((s), (q), sql_text[(q)], (err))

/*
 * The writer gate. SQLite lets one connection write at a time; the others
 * wait in its busy handler, which sleeps between tries (1, 2, 5 … 100 ms),
 * so under steady writing a waiter can lose again and again for hundreds of
 * milliseconds (the delivery's take behind a stream of ingests). In one
 * process, write transactions on SQLite queue on this mutex instead and go
 * as soon as the one before ends. Another process (the CLI) still meets
 * SQLite's own lock. PostgreSQL needs none: it queues row by row.
 */
static pthread_mutex_t writer_gate = PTHREAD_MUTEX_INITIALIZER;

#define GATE_WAIT_S 10 /* as SQLite's busy timeout */

static lr_status gate_enter(sql_store *s, lr_error *err)
{
    struct timespec until;
    if (s->drv->shared)
        return LR_OK;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += GATE_WAIT_S;
    if (pthread_mutex_timedlock(&writer_gate, &until) != 0)
        return lr_fail(err, LR_EBUSY, "the database stayed busy for %d s", GATE_WAIT_S);
    s->gated = 1;
    return LR_OK;
}

static void gate_leave(sql_store *s)
{
    if (s->gated) {
        s->gated = 0;
        pthread_mutex_unlock(&writer_gate);
    }
}

static lr_status exec(sql_store *s, const char *sql, lr_error *err, const char *doing)
{
    return s->drv->exec(s->db, sql) == 0 ? LR_OK : sq_db_fail(s, err, doing);
}

void sq_close(lr_store *base)
{
    sql_store *s = S(base);
    if (!s)
        return;
    gate_leave(s);
    for (int i = 0; i < SQ_SLOTS; i++)
        if (s->q[i])
            s->drv->finalize(s->q[i]);
    if (s->db)
        s->drv->close(s->db);
    free(s);
}

lr_status store_begin(lr_store *base, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st;
    if (s->depth++ > 0)
        return LR_OK;
    if ((st = gate_enter(s, err)) != LR_OK) {
        s->depth = 0;
        return st;
    }
    if (exec(s, s->drv->begin_sql, err, "starting a transaction") != LR_OK) {
        s->depth = 0;
        gate_leave(s);
        return err ? err->code : LR_ESTORE;
    }
    return LR_OK;
}

lr_status store_commit(lr_store *base, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st;
    if (s->depth == 0)
        return LR_OK;
    if (--s->depth > 0)
        return LR_OK;
    s->locked_company = 0; /* a transaction lock ends with its transaction */
    st = exec(s, "COMMIT", err, "committing");
    if (st != LR_OK) /* a COMMIT that failed (busy) left it open: nothing of it stays */
        s->drv->exec(s->db, "ROLLBACK");
    gate_leave(s);
    return st;
}

void store_bulk(lr_store *base, int on)
{
    sql_store *s = S(base);
    s->drv->bulk(s->db, on);
}

void store_rollback(lr_store *base)
{
    sql_store *s = S(base);
    if (s->depth == 0)
        return;
    s->depth = 0;
    s->locked_company = 0;
    s->drv->exec(s->db, "ROLLBACK");
    gate_leave(s);
}

int store_schema_version(lr_store *base)
{
    sql_store *s = S(base);
    sql_stmt *st = s->drv->prepare(s->db, "SELECT MAX(version) FROM schema_migrations");
    int v = 0;
    if (!st)
        return 0;
    if (sql_step(st) == SQL_ROW)
        v = sql_col_int(st, 0);
    s->drv->finalize(st);
    return v;
}

static void bind_company(sql_stmt *st, const lr_company *c)
{
    sql_bind_text(st, 2, c->name);
    sql_bind_text(st, 3, c->tz);
    sql_bind_int64(st, 4, c->break_punches);
    sql_bind_int64(st, 5, c->min_break_sec);
    sql_bind_int64(st, 6, c->max_shift_sec);
    sql_bind_int64(st, 7, c->punch_delivery);
}

lr_status store_company_insert(lr_store *base, lr_company *c, const char *token_hash,
                                   lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_INSERT, err);
    lr_status r;
    if (!st)
        return LR_ESTORE;
    sql_bind_text(st, 1, c->code);
    bind_company(st, c);
    sql_bind_text(st, 8, token_hash);
    sql_bind_int64(st, 9, clock_now());
    r = sq_run_id(s, st, &c->id, err, "adding the company");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "company '%s' exists already", c->code);
    return r;
}

lr_status store_company_update(lr_store *base, const lr_company *c, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_UPDATE, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, c->id);
    bind_company(st, c);
    sql_bind_text(st, 8, c->kot_base_url);
    sql_bind_double(st, 9, c->kot_rate);
    sql_bind_int64(st, 10, c->lanscope_collect_min);
    sql_bind_int64(st, 11, c->malion_enabled);
    sql_bind_text(st, 12, c->malion_host);
    sql_bind_text(st, 13, c->malion_admin_code);
    return sq_run(s, st, err, "updating the company");
}

static void company_cols(sql_stmt *st, lr_company *c)
{
    memset(c, 0, sizeof *c);
    c->id = sql_col_int64(st, 0);
    sq_copy_col(st, 1, c->code, sizeof c->code);
    sq_copy_col(st, 2, c->name, sizeof c->name);
    sq_copy_col(st, 3, c->tz, sizeof c->tz);
    c->break_punches = sql_col_int(st, 4);
    c->min_break_sec = sql_col_int(st, 5);
    c->max_shift_sec = sql_col_int(st, 6);
    c->punch_delivery = sql_col_int(st, 7);
    sq_copy_col(st, 8, c->kot_base_url, sizeof c->kot_base_url);
    c->kot_rate = sql_col_double(st, 9);
    c->kot_synced_at = sql_col_int64(st, 10);
    sq_copy_col(st, 11, c->kot_sync_result, sizeof c->kot_sync_result);
    c->lanscope_collect_min = sql_col_int(st, 12);
    c->has_lanscope_token = sql_col_int(st, 13);
    c->malion_enabled = sql_col_int(st, 14);
    sq_copy_col(st, 15, c->malion_host, sizeof c->malion_host);
    sq_copy_col(st, 16, c->malion_admin_code, sizeof c->malion_admin_code);
    sq_copy_col(st, 17, c->kot_sync_code, sizeof c->kot_sync_code);
}

lr_status store_companies_list(lr_store *base, store_company_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANIES_LIST, err);
    lr_company c;
    int rc;
    if (!st)
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        company_cols(st, &c);
        if (cb(ctx, &c))
            break;
    }
    return sq_end(s, st, rc, err, "listing companies");
}

lr_status store_company_sync_result(lr_store *base, int64_t company_id, int64_t at,
                                        const char *code, const char *result, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_SYNC_RESULT, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, at);
    sql_bind_text(st, 3, result);
    sql_bind_text(st, 4, code);
    return sq_run(s, st, err, "recording the sync");
}

static lr_status company_row(sql_store *s, sql_stmt *st, lr_company *c, lr_error *err,
                             const char *what)
{
    int rc = sql_step(st);
    if (rc == SQL_ROW)
        company_cols(st, c);
    return sq_end_one(s, st, rc, err, "reading a company", "unknown company%s%s",
                      what ? " " : "", what ? what : "");
}

lr_status store_company_get(lr_store *base, const char *code, lr_company *out, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_GET, err);
    char what[80];
    if (!st)
        return LR_ESTORE;
    sql_bind_text(st, 1, code);
    snprintf(what, sizeof what, "'%.64s'", code);
    return company_row(s, st, out, err, what);
}

lr_status store_company_by_token(lr_store *base, const char *token_hash, lr_company *out)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_BY_TOKEN, NULL);
    if (!st)
        return LR_ESTORE;
    sql_bind_text(st, 1, token_hash);
    return company_row(s, st, out, NULL, NULL);
}

lr_status store_company_by_lanscope_token(lr_store *base, const char *code,
                                               const char *token_hash, lr_company *out)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_BY_LANSCOPE_TOKEN, NULL);
    if (!st)
        return LR_ESTORE;
    sql_bind_text(st, 1, code);
    sql_bind_text(st, 2, token_hash);
    return company_row(s, st, out, NULL, NULL);
}

lr_status store_company_lanscope_token(lr_store *base, int64_t company_id,
                                           const char *token_hash, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_COMPANY_LANSCOPE_TOKEN, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, token_hash);
    return sq_run(s, st, err, "storing the LanScope token");
}

lr_status store_secret_put(lr_store *base, int64_t company_id, const char *name,
                               const char *sealed, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_SECRET_PUT, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, name);
    sql_bind_text(st, 3, sealed);
    sql_bind_int64(st, 4, clock_now());
    return sq_run(s, st, err, "storing a secret");
}

lr_status store_secret_get(lr_store *base, int64_t company_id, const char *name, char *out,
                               size_t outsz, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_SECRET_GET, err);
    lr_status r = LR_OK;
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, name);
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        if (strlen(sql_col_text(st, 0)) >= outsz)
            r = lr_fail(err, LR_ETOOBIG, "secret '%s' is larger than its buffer", name);
        else
            sq_copy_col(st, 0, out, outsz);
    } else if (rc == SQL_DONE) {
        r = lr_fail(err, LR_ENOTFOUND, "no secret '%s' is set", name);
    } else {
        r = sq_db_fail(s, err, "reading a secret");
    }
    sql_reset(st);
    return r;
}

lr_status store_division_upsert(lr_store *base, lr_division *d, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_DIVISION_UPSERT, err);
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, d->company_id);
    sql_bind_text(st, 2, d->code);
    sql_bind_text(st, 3, d->name);
    sql_bind_int64(st, 4, d->day_change_min);
    rc = sql_step(st);
    if (rc != SQL_ROW) {
        lr_status r = sq_db_fail(s, err, "saving the division");
        sql_reset(st);
        return r;
    }
    d->id = sql_col_int64(st, 0);
    sql_reset(st);
    return LR_OK;
}

lr_status store_division_get(lr_store *base, int64_t company_id, const char *code,
                                 lr_division *d, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_DIVISION_GET, err);
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, code);
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        d->id = sql_col_int64(st, 0);
        d->company_id = sql_col_int64(st, 1);
        sq_copy_col(st, 2, d->code, sizeof d->code);
        sq_copy_col(st, 3, d->name, sizeof d->name);
        d->day_change_min = sql_col_int(st, 4);
    }
    return sq_end_one(s, st, rc, err, "reading a division", "unknown division '%s'", code);
}

lr_status store_employee_insert(lr_store *base, lr_employee *e, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_EMPLOYEE_INSERT, err);
    lr_status r;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, e->company_id);
    sql_bind_text(st, 2, e->code);
    sql_bind_text(st, 3, e->last_name);
    sql_bind_text(st, 4, e->first_name);
    sql_bind_int64(st, 5, e->division_id);
    sql_bind_text(st, 6, e->kot_key);
    r = sq_run_id(s, st, &e->id, err, "adding the employee");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "employee '%s' exists already", e->code);
    return r;
}

static void employee_cols(sql_stmt *st, lr_employee *e)
{
    memset(e, 0, sizeof *e);
    e->id = sql_col_int64(st, 0);
    e->company_id = sql_col_int64(st, 1);
    sq_copy_col(st, 2, e->code, sizeof e->code);
    sq_copy_col(st, 3, e->last_name, sizeof e->last_name);
    sq_copy_col(st, 4, e->first_name, sizeof e->first_name);
    e->division_id = sql_col_int64(st, 5);
    e->day_change_min = sql_col_int(st, 6);
    e->deleted = sql_col_int(st, 7);
    sq_copy_col(st, 8, e->kot_key, sizeof e->kot_key);
}

static lr_status employee_row(sql_store *s, sql_stmt *st, lr_employee *e, lr_error *err,
                              const char *code)
{
    int rc = sql_step(st);
    if (rc == SQL_ROW)
        employee_cols(st, e);
    return sq_end_one(s, st, rc, err, "reading an employee", "unknown employee '%s'", code);
}

lr_status store_employee_get(lr_store *base, int64_t company_id, const char *code,
                                 lr_employee *out, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_EMPLOYEE_GET, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, code);
    return employee_row(s, st, out, err, code);
}

lr_status store_employee_by_id(lr_store *base, int64_t id, lr_employee *out, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_EMPLOYEE_BY_ID, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, id);
    return employee_row(s, st, out, err, "(by id)");
}

lr_status store_divisions_list(lr_store *base, int64_t company_id, store_division_cb cb,
                                   void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_DIVISIONS_LIST, err);
    lr_division d;
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    while ((rc = sql_step(st)) == SQL_ROW) {
        d.id = sql_col_int64(st, 0);
        d.company_id = sql_col_int64(st, 1);
        sq_copy_col(st, 2, d.code, sizeof d.code);
        sq_copy_col(st, 3, d.name, sizeof d.name);
        d.day_change_min = sql_col_int(st, 4);
        if (cb(ctx, &d))
            break;
    }
    return sq_end(s, st, rc, err, "listing divisions");
}

lr_status store_employee_update(lr_store *base, const lr_employee *e, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_EMPLOYEE_UPDATE, err);
    lr_status r;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, e->id);
    sql_bind_text(st, 2, e->code);
    sql_bind_text(st, 3, e->last_name);
    sql_bind_text(st, 4, e->first_name);
    sql_bind_int64(st, 5, e->division_id);
    sql_bind_text(st, 6, e->kot_key);
    sql_bind_int64(st, 7, e->deleted);
    r = sq_run(s, st, err, "updating the employee");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "employee code '%s' or KoT key '%s' belongs to another employee",
                       e->code, e->kot_key);
    return r;
}

lr_status store_employees_list(lr_store *base, int64_t company_id, store_employee_cb cb,
                                   void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_EMPLOYEES_LIST, err);
    lr_employee e;
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    while ((rc = sql_step(st)) == SQL_ROW) {
        employee_cols(st, &e);
        if (cb(ctx, &e))
            break;
    }
    return sq_end(s, st, rc, err, "listing employees");
}

lr_status store_links_list(lr_store *base, int64_t company_id, store_link_cb cb, void *ctx,
                               lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_LINKS_LIST, err);
    lr_link l;
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    while ((rc = sql_step(st)) == SQL_ROW) {
        l.employee_id = sql_col_int64(st, 0);
        l.kind = (link_kind)sql_col_int(st, 1);
        sq_copy_col(st, 2, l.account, sizeof l.account);
        if (cb(ctx, &l))
            break;
    }
    return sq_end(s, st, rc, err, "listing links");
}

lr_status store_link_delete(lr_store *base, int64_t company_id, link_kind kind,
                                int64_t employee_id, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_LINK_DELETE, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, kind);
    sql_bind_int64(st, 3, employee_id);
    return sq_run(s, st, err, "removing a link");
}

lr_status store_link_set(lr_store *base, int64_t company_id, const lr_link *l, char *prev,
                             size_t prevsz, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st;
    lr_status r;
    int rc;

    prev[0] = '\0';
    /* who owns the account now? */
    if (!(st = stmt(s, Q_LINK_OWNER, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, l->kind);
    sql_bind_text(st, 3, l->account);
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        int64_t owner = sql_col_int64(st, 0);
        sql_reset(st);
        if (owner == l->employee_id) {
            snprintf(prev, prevsz, "%s", l->account);
            return LR_OK; /* already so */
        }
        return lr_fail(err, LR_EEXIST,
                       "service account '%s' is already linked to another employee for %s; a PC "
                       "user name can belong to one employee only (manual FAQ 5.2.1)",
                       l->account, link_kind_name(l->kind));
    }
    sql_reset(st);
    if (rc != SQL_DONE)
        return sq_db_fail(s, err, "reading links");
    /* the account this employee had for the kind */
    if (!(st = stmt(s, Q_LINK_OF_EMP, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, l->kind);
    sql_bind_int64(st, 3, l->employee_id);
    if (sql_step(st) == SQL_ROW)
        sq_copy_col(st, 0, prev, prevsz);
    sql_reset(st);
    if ((r = store_link_delete(base, company_id, l->kind, l->employee_id, err)) != LR_OK)
        return r;
    if (!(st = stmt(s, Q_LINK_INSERT, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, l->kind);
    sql_bind_text(st, 3, l->account);
    sql_bind_int64(st, 4, l->employee_id);
    sql_bind_int64(st, 5, clock_now());
    return sq_run(s, st, err, "saving the link");
}

static lr_status collect_ids(sql_store *s, sql_stmt *st, int64_t *ids, size_t max,
                             size_t *n, lr_error *err)
{
    int rc;
    *n = 0;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (*n < max)
            ids[*n] = sql_col_int64(st, 0);
        (*n)++;
    }
    sql_reset(st);
    if (rc != SQL_DONE)
        return sq_db_fail(s, err, "reading links");
    if (*n > max)
        *n = max;
    return LR_OK;
}

lr_status store_link_resolve(lr_store *base, int64_t company_id, link_kind kind,
                                 const char *account, int64_t *ids, size_t max, size_t *n,
                                 lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, kind == LINK_NONE ? Q_LINK_RESOLVE_ANY : Q_LINK_RESOLVE, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    if (kind == LINK_NONE) {
        sql_bind_text(st, 2, account);
    } else {
        sql_bind_int64(st, 2, kind);
        sql_bind_text(st, 3, account);
    }
    return collect_ids(s, st, ids, max, n, err);
}

lr_status store_links_of_employee(lr_store *base, int64_t employee_id, lr_link *out,
                                      size_t max, size_t *n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_LINKS_OF_EMPLOYEE, err);
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, employee_id);
    *n = 0;
    while ((rc = sql_step(st)) == SQL_ROW && *n < max) {
        out[*n].employee_id = sql_col_int64(st, 0);
        out[*n].kind = (link_kind)sql_col_int(st, 1);
        sq_copy_col(st, 2, out[*n].account, sizeof out[*n].account);
        (*n)++;
    }
    sql_reset(st);
    if (rc != SQL_DONE && rc != SQL_ROW)
        return sq_db_fail(s, err, "reading links");
    return LR_OK;
}

lr_status store_event_insert(lr_store *base, int64_t company_id, lr_event *e, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_EVENT_INSERT, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, e->source);
    sql_bind_text(st, 3, e->account);
    sql_bind_text(st, 4, e->host);
    sql_bind_text(st, 5, e->op);
    sql_bind_int64(st, 6, e->utc);
    sql_bind_int64(st, 7, e->offset_sec);
    sql_bind_text(st, 8, e->version);
    sql_bind_text(st, 9, e->raw ? e->raw : "");
    sql_bind_int64(st, 10, e->received_at);
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
    sql_stmt *st = stmt(s, Q_EVENTS_OF_ACCOUNT, err);
    lr_event e;
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, account);
    sql_bind_int64(st, 3, from);
    sql_bind_int64(st, 4, to);
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

lr_status store_punches_of_day(lr_store *base, int64_t employee_id, const char *work_day,
                                   punch_stored *out, size_t max, size_t *n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_PUNCHES_OF_DAY, err);
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, employee_id);
    sql_bind_text(st, 2, work_day);
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
    sql_stmt *st = stmt(s, Q_PUNCH_INSERT, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, employee_id);
    sql_bind_text(st, 3, work_day);
    sql_bind_int64(st, 4, kind);
    sql_bind_int64(st, 5, utc);
    sql_bind_int64(st, 6, replaces);
    sql_bind_int64(st, 7, clock_now());
    return sq_run_id(s, st, id, err, "storing a punch");
}

lr_status store_punch_end(lr_store *base, int64_t punch_id, const char *state, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_PUNCH_END, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, punch_id);
    sql_bind_text(st, 2, state);
    sql_bind_int64(st, 3, clock_now());
    return sq_run(s, st, err, "ending a punch");
}

lr_status store_ledger_list(lr_store *base, int64_t company_id, const char *from_day,
                                const char *to_day, store_ledger_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_LEDGER_LIST, err);
    lr_ledger_row row;
    int rc;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_text(st, 2, from_day);
    sql_bind_text(st, 3, to_day);
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
    sql_stmt *st = stmt(s, Q_FLAGS_DELETE, err);
    lr_status r;
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, employee_id);
    sql_bind_text(st, 2, work_day);
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

lr_status store_audit(lr_store *base, int64_t company_id, const char *actor,
                          const char *action, const char *detail, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt(s, Q_AUDIT, err);
    if (!st)
        return LR_ESTORE;
    sql_bind_int64(st, 1, clock_now());
    sql_bind_int64(st, 2, company_id);
    sql_bind_text(st, 3, actor);
    sql_bind_text(st, 4, action);
    sql_bind_text(st, 5, detail ? detail : "");
    return sq_run(s, st, err, "writing the audit log");
}

lr_status store_lock_company(lr_store *base, int64_t company_id, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st;
    lr_status r;
    /* unshared, or held already in this transaction (an ingest run takes
     * it at its start, and its re-derivation asks again) */
    if (!s->drv->shared || s->locked_company == company_id)
        return LR_OK;
    if (!(st = stmt(s, Q_LOCK_COMPANY, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    if ((r = sq_run(s, st, err, "waiting for the company's lock")) == LR_OK && s->depth > 0)
        s->locked_company = company_id;
    return r;
}



/* Applies every migration newer than the database, each in a transaction,
 * under the driver's migration lock (two instances starting together: the
 * second waits, then finds the schema current). A current schema, what
 * every handle of a pool but the first finds, costs one read. */
static lr_status migrate(sql_store *s, lr_error *err)
{
    int n = *s->drv->nmigrations;
    lr_status r = LR_OK;
    int have;
    if (n > 0 && store_schema_version(&s->base) >= s->drv->migrations[n - 1].version)
        return LR_OK;
    if (s->drv->migration_lock(s->db, 1) != 0)
        return sq_db_fail(s, err, "waiting for the migration lock");
    if ((r = exec(s,
                  "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                  "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                  err, "preparing migrations")) != LR_OK)
        goto out;
    have = store_schema_version(&s->base);
    for (int i = 0; i < n; i++) {
        const lr_migration *m = &s->drv->migrations[i];
        char rec[256];
        if (m->version <= have)
            continue;
        if ((r = exec(s, s->drv->begin_sql, err, "starting a migration")) != LR_OK)
            goto out;
        snprintf(rec, sizeof rec,
                 "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', %lld)",
                 m->version, m->name, (long long)clock_now());
        if ((r = exec(s, m->sql, err, m->name)) != LR_OK ||
            (r = exec(s, rec, err, "recording a migration")) != LR_OK ||
            (r = exec(s, "COMMIT", err, "committing a migration")) != LR_OK) {
            s->drv->exec(s->db, "ROLLBACK");
            goto out;
        }
    }
out:
    s->drv->migration_lock(s->db, 0);
    return r;
}

/* where without a password, for messages: "postgresql://u:secret@h/db"
 * becomes "postgresql://u@h/db". */
static void redact(const char *where, char *out, size_t outsz)
{
    const char *scheme = strstr(where, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        snprintf(out, outsz, "%.*s%s", (int)(colon - where), where, at);
    else
        snprintf(out, outsz, "%s", where);
}

lr_status store_open(const char *where, lr_store **out, lr_error *err)
{
    const sql_driver *drv = store_is_pg(where) ? &sqldrv_pg : &sqldrv_sqlite;
    sql_store *s = calloc(1, sizeof *s);
    lr_status r;

    *out = NULL;
    if (!s)
        return lr_fail(err, LR_ENOMEM, "out of memory opening the database");
    s->drv = drv;
    redact(where, s->base.path, sizeof s->base.path);
    if ((r = drv->open(where, &s->db, err)) != LR_OK)
        goto fail;
    if ((r = migrate(s, err)) != LR_OK)
        goto fail;
    *out = &s->base;
    return LR_OK;
fail:
    sq_close(&s->base);
    return r;
}

int store_shared(const lr_store *s)
{
    return ((const sql_store *)s)->drv->shared;
}

void store_sqlite_remove(const char *path)
{
    static const char *const beside[] = {"-wal", "-shm", ".key"};
    char p[600];
    unlink(path);
    for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, beside[i]);
        unlink(p);
    }
}
