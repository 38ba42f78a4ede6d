/*
 * store_sql — the store's handle over SQL, written once for SQLite and
 * PostgreSQL (the driver, sql_driver.h, runs it): opening and migrating,
 * transactions (and the SQLite writer gate), the audit log, the company
 * lock, and the helpers every store_sql_*.c file shares. Statements are
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
#include "util/text.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    /* PostgreSQL only (a shared driver): SQLite has one writer anyway */                          \
    X(Q_LOCK_COMPANY, "SELECT pg_advisory_xact_lock(1819435620, CAST(?1 AS INTEGER))")             \
    X(Q_AUDIT,                                                                                     \
      "INSERT INTO audit_log (at, company_id, actor, action, detail) VALUES (?1, NULLIF(?2, 0), "  \
      "?3, ?4, ?5)")                                                                              \
    X(Q_GENERATION_BUMP, "UPDATE companies SET generation = generation + 1 WHERE id = ?1")
SQ_STATEMENTS(0, SQ_OUTBOX_BASE);

lr_status sq_db_fail(sql_store *s, lr_error *err, const char *doing)
{
    return s->drv->fail(s->db, err, doing, s->base.path);
}

lr_status sq_end(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing)
{
    lr_status r;
    if (!st)
        return LR_ESTORE;
    r = rc == SQL_ROW || rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, doing);
    sql_reset(st);
    return r;
}

static lr_status end_one(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing,
                         const char *missing, va_list ap)
{
    char msg[300];
    if (!st || rc != SQL_DONE)
        return sq_end(s, st, rc, err, doing);
    vsnprintf(msg, sizeof msg, missing, ap);
    sql_reset(st);
    return lr_fail(err, LR_ENOTFOUND, "%s", msg);
}

lr_status sq_end_one(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing,
                     const char *missing, ...)
{
    va_list ap;
    lr_status r;
    va_start(ap, missing);
    r = end_one(s, st, rc, err, doing, missing, ap);
    va_end(ap);
    return r;
}

/* An integer field of size bytes at p (sq_col 'n'), widened or narrowed. */
static int64_t field_get(const char *p, size_t size)
{
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    switch (size) {
    case sizeof i64: memcpy(&i64, p, size); return i64;
    case sizeof i32: memcpy(&i32, p, size); return i32;
    case sizeof i16: memcpy(&i16, p, size); return i16;
    default: memcpy(&i8, p, sizeof i8); return i8;
    }
}

static void field_set(char *p, size_t size, int64_t v)
{
    int8_t i8 = (int8_t)v;
    int16_t i16 = (int16_t)v;
    int32_t i32 = (int32_t)v;
    switch (size) {
    case sizeof v: memcpy(p, &v, size); break;
    case sizeof i32: memcpy(p, &i32, size); break;
    case sizeof i16: memcpy(p, &i16, size); break;
    default: memcpy(p, &i8, sizeof i8); break;
    }
}

void sq_read(sql_stmt *st, const sq_row *m, void *out)
{
    char *base = out;
    memset(out, 0, m->size);
    for (size_t i = 0; i < m->n; i++) {
        const sq_col *c = &m->cols[i];
        double d;
        if (c->type == 't') {
            sq_copy_col(st, (int)i, base + c->off, c->size);
        } else if (c->type == 'd') {
            d = sql_col_double(st, (int)i);
            memcpy(base + c->off, &d, sizeof d);
        } else if (c->type == 'n') {
            field_set(base + c->off, c->size, sql_col_int64(st, (int)i));
        }
    }
}

void sq_bind_row(sql_stmt *st, const sq_row *m, int at, const void *row)
{
    const char *base = row;
    for (size_t i = 0; i < m->n; i++, at++) {
        const sq_col *c = &m->cols[i];
        double d;
        if (c->type == 't') {
            sql_bind_text(st, at, base + c->off);
        } else if (c->type == 'd') {
            memcpy(&d, base + c->off, sizeof d);
            sql_bind_double(st, at, d);
        } else if (c->type == 'n') {
            sql_bind_int64(st, at, field_get(base + c->off, c->size));
        }
    }
}

int sq_next(sql_stmt *st, const sq_row *m, void *out)
{
    int rc;
    if (!st)
        return SQL_ERROR;
    rc = sql_step(st);
    if (rc == SQL_ROW && m)
        sq_read(st, m, out);
    return rc;
}

lr_status sq_one(sql_store *s, sql_stmt *st, const sq_row *m, void *out, lr_error *err,
                 const char *doing, const char *missing, ...)
{
    va_list ap;
    lr_status r;
    int rc = sq_next(st, m, out);
    va_start(ap, missing);
    r = end_one(s, st, rc, err, doing, missing, ap);
    va_end(ap);
    return r;
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

sql_stmt *sq_stmt_with(sql_store *s, int slot, const char *sql, lr_error *err, const sq_param *ps,
                       size_t n)
{
    sql_stmt *st = sq_stmt(s, slot, sql, err);
    for (size_t i = 0; st && i < n; i++) {
        int at = (int)i + 1;
        if (ps[i].type == 'i')
            sql_bind_int64(st, at, ps[i].i);
        else if (ps[i].type == 'd')
            sql_bind_double(st, at, ps[i].d);
        else
            sql_bind_text(st, at, ps[i].t);
    }
    return st;
}

/* Not snprintf: it was 3 % of an ingest request (every event read back
 * for the day engine copies four texts); cut where a character starts. */
void sq_copy_col(sql_stmt *st, int i, char *dst, size_t dstsz)
{
    const char *t = sql_col_text(st, i);
    text_copy_cut(dst, dstsz, t ? t : "");
}

lr_status sq_run(sql_store *s, sql_stmt *st, lr_error *err, const char *doing)
{
    return sq_end(s, st, sq_next(st, NULL, NULL), err, doing);
}

lr_status sq_run_many(sql_store *s, sql_stmt *st, size_t n, sql_bind_fn bind, sql_row_fn row,
                      void *ctx, lr_error *err, const char *doing)
{
    int rc = SQL_DONE;
    if (!st)
        return LR_ESTORE;
    if (st->drv->run_many) {
        rc = st->drv->run_many(st, n, bind, row, ctx);
        st->bind_failed = 0;
        return rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, doing);
    }
    for (size_t i = 0; i < n && rc == SQL_DONE; i++) {
        sql_reset(st);
        if (bind(ctx, st, i) != 0)
            st->bind_failed = 1;
        while ((rc = sql_step(st)) == SQL_ROW)
            if (row)
                row(ctx, st, i);
    }
    if (rc != SQL_DONE)
        return sq_end(s, st, rc, err, doing);
    sql_reset(st);
    return LR_OK;
}

static void array_put(sq_array *a, const char *s, size_t n)
{
    if (a->oom)
        return;
    if (a->n + n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap : 256;
        char *p;
        while (a->n + n + 2 > cap)
            cap *= 2;
        if (!(p = realloc(a->p, cap))) {
            a->oom = 1;
            return;
        }
        a->p = p;
        a->cap = cap;
    }
    memcpy(a->p + a->n, s, n);
    a->n += n;
}

/* "{" before the first element, "," before the others */
static void array_next(sq_array *a)
{
    array_put(a, a->n ? "," : "{", 1);
}

void sq_array_int(sq_array *a, int64_t v)
{
    char b[24];
    array_next(a);
    array_put(a, b, (size_t)snprintf(b, sizeof b, "%lld", (long long)v));
}

void sq_array_str(sq_array *a, const char *v)
{
    array_next(a);
    array_put(a, "\"", 1);
    for (const char *p = v ? v : ""; *p; p++) {
        size_t run = strcspn(p, "\"\\");
        array_put(a, p, run);
        p += run;
        if (!*p)
            break;
        array_put(a, "\\", 1); /* a quote or a backslash, escaped */
        array_put(a, p, 1);
    }
    array_put(a, "\"", 1);
}

const char *sq_array_text(sq_array *a)
{
    if (a->n == 0)
        array_put(a, "{", 1);
    array_put(a, "}", 1);
    if (a->oom)
        return NULL;
    a->p[a->n] = '\0'; /* array_put keeps room for it */
    a->n--;             /* read again: the same text */
    return a->p;
}

void sq_array_free(sq_array *a)
{
    free(a->p);
    memset(a, 0, sizeof *a);
}

typedef struct param_sets {
    const sq_param *ps;
    size_t per_set;
    sql_row_fn row;
    void *ctx;
} param_sets;

static int bind_set(void *ctx, sql_stmt *st, size_t i)
{
    const param_sets *k = ctx;
    const sq_param *p = k->ps + i * k->per_set;
    int rc = 0;
    for (size_t j = 0; j < k->per_set; j++) {
        int at = (int)j + 1;
        if (p[j].type == 'i')
            rc |= sql_bind_int64(st, at, p[j].i);
        else if (p[j].type == 'd')
            rc |= sql_bind_double(st, at, p[j].d);
        else
            rc |= sql_bind_text(st, at, p[j].t);
    }
    return rc;
}

static void row_of_set(void *ctx, sql_stmt *st, size_t i)
{
    const param_sets *k = ctx;
    k->row(k->ctx, st, i);
}

lr_status sq_run_sets(sql_store *s, sql_stmt *st, const sq_param *ps, size_t per_set, size_t n,
                      sql_row_fn row, void *ctx, lr_error *err, const char *doing)
{
    param_sets k = {ps, per_set, row, ctx};
    return sq_run_many(s, st, n, bind_set, row ? row_of_set : NULL, &k, err, doing);
}

typedef struct rows_by_input {
    sql_row_fn row;
    void *ctx;
    int at;
} rows_by_input;

static void row_by_input(void *ctx, sql_stmt *st, size_t i)
{
    const rows_by_input *k = ctx;
    (void)i;
    k->row(k->ctx, st, (size_t)sql_col_int64(st, k->at) - 1);
}

lr_status sq_run_rows(sql_store *s, sql_stmt *st, const sq_param *ps, size_t k, size_t n,
                      sql_row_fn row, int at, void *ctx, lr_error *err, const char *doing)
{
    sq_array a[16];
    sq_param cols[16];
    rows_by_input r = {row, ctx, at};
    lr_status res = LR_OK;
    if (!s->drv->arrays)
        return sq_run_sets(s, st, ps, k, n, row, ctx, err, doing);
    if (k > sizeof a / sizeof *a) {
        if (st)
            sql_reset(st);
        return lr_fail(err, LR_EINVAL, "%s: too many columns", doing);
    }
    memset(a, 0, sizeof a);
    /* the rows' columns, each an array: one set of k parameters */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) {
            const sq_param *p = &ps[i * k + j];
            if (p->type == 'i')
                sq_array_int(&a[j], p->i);
            else
                sq_array_str(&a[j], p->t);
        }
    for (size_t j = 0; j < k; j++) {
        cols[j] = SQ_TEXT(sq_array_text(&a[j]));
        if (!cols[j].t)
            res = lr_fail(err, LR_ENOMEM, "out of memory");
    }
    if (res == LR_OK)
        res = sq_run_sets(s, st, cols, k, 1, row ? row_by_input : NULL, &r, err, doing);
    else if (st)
        sql_reset(st);
    for (size_t j = 0; j < k; j++)
        sq_array_free(&a[j]);
    return res;
}

lr_status sq_run_id(sql_store *s, sql_stmt *st, int64_t *id, lr_error *err, const char *doing)
{
    int rc = sq_next(st, NULL, NULL);
    if (rc == SQL_ROW)
        *id = sql_col_int64(st, 0);
    if (!st || rc != SQL_DONE)
        return sq_end(s, st, rc, err, doing);
    /* ON CONFLICT DO NOTHING returned no row */
    sql_reset(st);
    return lr_fail(err, LR_EEXIST, "%s: it exists already", doing);
}

lr_status sq_run_new(sql_store *s, sql_stmt *st, lr_error *err, const char *doing)
{
    lr_status r = sq_run(s, st, err, doing);
    if (r == LR_OK && sq_changes(s) == 0)
        return lr_fail(err, LR_EEXIST, "%s: it exists already", doing);
    return r;
}

int64_t sq_changes(sql_store *s)
{
    return s->drv->changes(s->db);
}

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

/* The end of a transaction, however it ended: the large cache of a bulk
 * write that ended inside it is given back (see store_bulk), and the writer
 * gate opens. */
static void tx_over(sql_store *s)
{
    if (s->bulk_over) {
        s->bulk_over = 0;
        s->drv->bulk(s->db, 0);
    }
    gate_leave(s);
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
    tx_over(s);
    for (int i = 0; i < SQ_SLOTS; i++)
        if (s->q[i])
            s->drv->finalize(s->q[i]);
    if (s->db)
        s->drv->close(s->db);
    free(s->touched);
    free(s);
}

/* The savepoint of nesting level depth (2 and more) of a group transaction:
 * SAVEPOINT, RELEASE or ROLLBACK TO, as verb says. */
static lr_status savepoint(sql_store *s, const char *verb, int depth, lr_error *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "%s lr_sp%d", verb, depth);
    return exec(s, sql, err, "keeping a part of the transaction apart");
}

lr_status store_begin(lr_store *base, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st;
    if (s->depth > 0 && s->group) {
        if ((st = savepoint(s, "SAVEPOINT", s->depth + 1, err)) != LR_OK)
            return st;
        s->depth++;
        return LR_OK;
    }
    if (s->depth++ > 0)
        return LR_OK;
    if ((st = gate_enter(s, err)) != LR_OK) {
        s->depth = 0;
        return st;
    }
    if (exec(s, s->drv->begin_sql, err, "starting a transaction") != LR_OK) {
        s->depth = 0;
        tx_over(s);
        return err ? err->code : LR_ESTORE;
    }
    return LR_OK;
}

lr_status store_read_begin(lr_store *base, lr_error *err)
{
    sql_store *s = S(base);
    if (s->depth > 0)
        return lr_fail(err, LR_EINVAL, "a read snapshot cannot start inside a transaction");
    return exec(s, s->drv->read_begin_sql, err, "starting a read snapshot");
}

void store_read_end(lr_store *base)
{
    sql_store *s = S(base);
    s->drv->exec(s->db, "COMMIT");
}

static lr_status bump_one(sql_store *s, int64_t company_id, lr_error *err)
{
    return sq_run(s, stmt_with(s, Q_GENERATION_BUMP, err, SQ_INT(company_id)), err,
                  "bumping the company's data generation");
}

/* Bumps the generation of every company in s->touched (in ascending order:
 * two transactions on PostgreSQL lock their rows in one order) and empties
 * the list. */
static lr_status bump_touched(sql_store *s, lr_error *err)
{
    lr_status r = LR_OK;
    for (size_t i = 0; i < s->ntouched && r == LR_OK; i++)
        r = bump_one(s, s->touched[i], err);
    s->ntouched = 0;
    return r;
}

lr_status sq_wrote(sql_store *s, int64_t company_id, lr_status r, lr_error *err)
{
    size_t i, n = s->ntouched;
    if (r != LR_OK || company_id <= 0)
        return r;
    if (s->depth == 0)
        return bump_one(s, company_id, err);
    for (i = 0; i < n && s->touched[i] < company_id; i++)
        ;
    if (i < n && s->touched[i] == company_id)
        return LR_OK;
    if (n == s->captouched) {
        size_t cap = s->captouched ? 2 * s->captouched : 8;
        int64_t *v = realloc(s->touched, cap * sizeof *v);
        if (!v)
            return lr_fail(err, LR_ENOMEM, "out of memory");
        s->touched = v;
        s->captouched = cap;
    }
    memmove(&s->touched[i + 1], &s->touched[i], (n - i) * sizeof s->touched[0]);
    s->touched[i] = company_id;
    s->ntouched = n + 1;
    return LR_OK;
}

lr_status store_begin_group(lr_store *base, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st;
    if (s->depth > 0)
        return lr_fail(err, LR_EINVAL, "a group transaction inside another");
    s->group_lost = 0;
    if ((st = store_begin(base, err)) == LR_OK)
        s->group = 1;
    return st;
}

int store_group_lost(lr_store *base)
{
    return S(base)->group_lost;
}

lr_status store_commit(lr_store *base, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st;
    if (s->depth == 0)
        return LR_OK;
    if (s->depth > 1 && s->group) {
        if ((st = savepoint(s, "RELEASE", s->depth, err)) != LR_OK)
            return st;
        s->depth--;
        return LR_OK;
    }
    if (--s->depth > 0)
        return LR_OK;
    s->group = 0;
    s->locked_company = 0; /* a transaction lock ends with its transaction */
    if ((st = bump_touched(s, err)) != LR_OK) {
        s->drv->exec(s->db, "ROLLBACK");
        tx_over(s);
        return st;
    }
    st = exec(s, "COMMIT", err, "committing");
    if (st != LR_OK) /* a COMMIT that failed (busy) left it open: nothing of it stays */
        s->drv->exec(s->db, "ROLLBACK");
    tx_over(s);
    return st;
}

/* A bulk write that ends inside a transaction (an ingest request in a
 * group's) keeps its cache until the transaction ends: shrunk under the
 * transaction's dirty pages, the cache spilled some of them to the WAL with
 * every page fetched after (test_ingest_group). */
void store_bulk(lr_store *base, int on)
{
    sql_store *s = S(base);
    if (!on && s->depth > 0) {
        s->bulk_over = 1;
        return;
    }
    s->bulk_over = 0;
    s->drv->bulk(s->db, on);
}

void store_rollback(lr_store *base)
{
    sql_store *s = S(base);
    if (s->depth == 0)
        return;
    if (s->depth > 1 && s->group) {
        /* its part only; a savepoint that cannot be undone undoes it all */
        if (savepoint(s, "ROLLBACK TO", s->depth, NULL) == LR_OK &&
            savepoint(s, "RELEASE", s->depth, NULL) == LR_OK) {
            /* a lock taken inside the savepoint went with it (PostgreSQL
             * releases it): the next writer of that company takes it again */
            if (s->locked_company && s->locked_depth >= s->depth)
                s->locked_company = 0;
            s->depth--;
            return;
        }
    }
    if (s->group) /* a group transaction undone whole: everything before went with it */
        s->group_lost = 1;
    s->depth = 0;
    s->group = 0;
    s->locked_company = 0;
    s->ntouched = 0;
    s->drv->exec(s->db, "ROLLBACK");
    tx_over(s);
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

lr_status store_audit(lr_store *base, int64_t company_id, const char *actor,
                          const char *action, const char *detail, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_AUDIT, err, SQ_INT(clock_now()), SQ_INT(company_id), SQ_TEXT(actor), SQ_TEXT(action), SQ_TEXT(detail ? detail : ""));
    if (!st)
        return LR_ESTORE;
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
    if ((r = sq_run(s, st, err, "waiting for the company's lock")) == LR_OK && s->depth > 0) {
        s->locked_company = company_id;
        s->locked_depth = s->depth;
    }
    return r;
}



/* The driver's check that a migration left no reference without its row
 * (SQLite, whose foreign keys are off while migrations run). */
static lr_status references_kept(sql_store *s, const char *name, lr_error *err)
{
    sql_stmt *st;
    lr_status r = LR_OK;
    int rc;
    if (!s->drv->migration_check)
        return LR_OK;
    if (!(st = s->drv->prepare(s->db, s->drv->migration_check)))
        return sq_db_fail(s, err, "checking a migration's references");
    if ((rc = sql_step(st)) == SQL_ROW)
        r = lr_fail(err, LR_ESTORE, "migration %s left rows of %s whose %s row is missing (rowid %lld)",
                    name, sql_col_text(st, 0), sql_col_text(st, 2), (long long)sql_col_int64(st, 1));
    else if (rc != SQL_DONE)
        r = sq_db_fail(s, err, "checking a migration's references");
    s->drv->finalize(st);
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
            (r = references_kept(s, m->name, err)) != LR_OK ||
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

lr_status store_open(const char *where, lr_store **out, lr_error *err)
{
    const sql_driver *drv = store_is_pg(where) ? &sqldrv_pg : &sqldrv_sqlite;
    sql_store *s = calloc(1, sizeof *s);
    lr_status r;

    *out = NULL;
    if (!s)
        return lr_fail(err, LR_ENOMEM, "out of memory opening the database");
    s->drv = drv;
    text_url_redact(s->base.path, sizeof s->base.path, where); /* for messages */
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
