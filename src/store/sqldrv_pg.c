/*
 * sqldrv_pg — the PostgreSQL driver of the SQL store (libpq; see
 * sql_driver.h). Selected by a postgres:// or postgresql:// URL.
 *
 * - The store's ?N parameters become $N, SQLite's "INDEXED BY name" hints
 *   are dropped and a comment beginning "pg:" becomes its text, once per
 *   statement.
 * - A statement's first run is one PQexecParams: integers go as int8,
 *   reals as float8, blobs as binary bytea, text as "unknown" (the server
 *   takes the type its place in the statement wants). A statement run
 *   again (the store's slots, kept for the connection's life) is prepared
 *   on the server with the types of that run, and runs as PQexecPrepared
 *   from then on: parsed and planned once per connection, not per run.
 *   Results come back whole, so a caller may run other statements while it
 *   reads the rows.
 * - Each connection sets a statement timeout (LOGINREC_PG_STATEMENT_TIMEOUT_MS,
 *   1 to 3600000, default 30000) and a lock timeout of the same length.
 * - A lost connection is reset before the next statement, but never inside
 *   a transaction: that transaction has failed and the caller rolls back.
 * - Migrations run under a session advisory lock, so instances starting
 *   together apply each migration once.
 */
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_driver.h"
#include "util/env.h"

/* The advisory lock key migrations run under ("lr" "mg"). */
#define MIGRATION_LOCK 0x6c726d67

struct sql_conn {
    PGconn *pg;
    int in_tx;           /* a transaction is open on this connection */
    int broken;          /* a pipeline could not be ended: reset before any use */
    unsigned gen;        /* which session: counts (re)connects; a prepared
                          * statement belongs to one session */
    unsigned names;      /* prepared statements named so far */
    int64_t changes;     /* rows the last write changed */
    char sqlstate[6];    /* of the last error; "" when none */
    char message[512];   /* of the last error */
};

typedef struct pg_stmt {
    sql_stmt base;
    sql_conn *c;
    char *sql;    /* with $N */
    int nparams;  /* the highest $N */
    /* what PQexecParams takes, a slot per parameter */
    const char **values; /* NULL: SQL NULL */
    int *lengths, *formats;
    Oid *types;   /* 0: the type the statement gives the parameter */
    Oid *unbound; /* a reset's type: 0, or text where the statement never
                   * names the parameter (the server wants a type all the
                   * same) */
    char (*num)[32]; /* an integer's or real's text */
    PGresult *res;
    int runs;            /* times run */
    unsigned prepared;   /* the session (c->gen) it is prepared in; 0: none */
    char name[16];       /* its name on the server when prepared */
    int row;             /* the current row; -1 before the first */
    unsigned char *blob; /* the last column read as a blob */
} pg_stmt;

#define P(st) ((pg_stmt *)(st))

enum { OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701 };

static void set_error(sql_conn *c, const char *sqlstate, const char *message)
{
    size_t n;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", sqlstate ? sqlstate : "");
    snprintf(c->message, sizeof c->message, "%s", message ? message : "unknown error");
    n = strlen(c->message);
    while (n > 0 && (c->message[n - 1] == '\n' || c->message[n - 1] == ' '))
        c->message[--n] = '\0';
}

/* Keeps the result's error; returns 0 when res is a success. */
static int check(sql_conn *c, PGresult *res)
{
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
        c->sqlstate[0] = '\0';
        return 0;
    }
    if (res)
        set_error(c, PQresultErrorField(res, PG_DIAG_SQLSTATE), PQresultErrorMessage(res));
    else
        set_error(c, PQstatus(c->pg) == CONNECTION_BAD ? "08006" : "", PQerrorMessage(c->pg));
    return -1;
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs ("already exists, skipping") are not for the log */
}

/* Session settings, after every (re)connect. */
static int configure(sql_conn *c)
{
    /* 0 would mean "no limit" to PostgreSQL: never from a typo */
    long ms = env_long("LOGINREC_PG_STATEMENT_TIMEOUT_MS", 30000, 1, 3600000);
    char sql[200];
    PGresult *res;
    int rc;
    PQsetNoticeProcessor(c->pg, quiet, NULL);
    snprintf(sql, sizeof sql,
             "SET statement_timeout = %ld; SET lock_timeout = %ld; SET client_min_messages = "
             "warning; SET TIME ZONE 'UTC'",
             ms, ms);
    res = PQexec(c->pg, sql);
    rc = check(c, res);
    PQclear(res);
    return rc;
}

/* The connection, reset first when it was lost outside a transaction. */
static int usable(sql_conn *c)
{
    if (PQstatus(c->pg) == CONNECTION_OK && !c->broken)
        return 0;
    if (c->in_tx) {
        set_error(c, "08006", "the connection to PostgreSQL was lost during a transaction");
        return -1;
    }
    PQreset(c->pg);
    c->broken = 0;
    c->gen++; /* the server forgot its prepared statements */
    if (PQstatus(c->pg) != CONNECTION_OK) {
        set_error(c, "08006", PQerrorMessage(c->pg));
        return -1;
    }
    return configure(c);
}

static void pg_close(sql_conn *c)
{
    PQfinish(c->pg);
    free(c);
}

static lr_status pg_open(const char *url, sql_conn **out, lr_error *err)
{
    sql_conn *c = calloc(1, sizeof *c);
    lr_status r;
    *out = NULL;
    if (!c)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    c->pg = PQconnectdb(url);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        set_error(c, "", c->pg ? PQerrorMessage(c->pg) : "out of memory");
        r = lr_fail(err, LR_EIO, "cannot connect to PostgreSQL: %s", c->message);
    } else if (configure(c) != 0) {
        r = lr_fail(err, LR_ESTORE, "cannot configure the PostgreSQL session: %s", c->message);
    } else {
        c->gen = 1;
        *out = c;
        return LR_OK;
    }
    pg_close(c);
    return r;
}

/* sql with ?N as $N and "INDEXED BY name " dropped, outside quotes; *max
 * gets the highest N, used[N-1] marks each N seen (used has a slot per
 * character of sql, as N never exceeds that in the store's SQL). NULL when
 * out of memory or for an N out of range. */
static char *translate(const char *sql, unsigned char *used, int *max)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1), *o = out;
    int quoted = 0, in_pg = 0;
    *max = 0;
    if (!out)
        return NULL;
    for (const char *p = sql; *p;) {
        if (*p == '\'') {
            quoted = !quoted;
            *o++ = *p++;
        } else if (!quoted && *p == '?' && p[1] >= '0' && p[1] <= '9') {
            long k = strtol(p + 1, (char **)&p, 10);
            if (k < 1 || (size_t)k > n) {
                free(out);
                return NULL;
            }
            used[k - 1] = 1;
            if (k > *max)
                *max = (int)k;
            /* "$N" is as long as "?N" */
            o += snprintf(o, (size_t)(out + n + 1 - o), "$%ld", k);
        } else if (!quoted && strncmp(p, "/*pg: ", 6) == 0) {
            p += 6; /* PostgreSQL's part of the statement: kept, uncommented */
            in_pg = 1;
        } else if (in_pg && strncmp(p, " */", 3) == 0) {
            p += 3;
            in_pg = 0;
        } else if (!quoted && strncmp(p, "INDEXED BY ", 11) == 0) {
            p += 11;
            while (*p && *p != ' ')
                p++;
            if (*p == ' ')
                p++;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static void pg_reset(sql_stmt *st);
static void pg_finalize(sql_stmt *st);

static sql_stmt *pg_prepare(sql_conn *c, const char *sql)
{
    pg_stmt *s = calloc(1, sizeof *s);
    unsigned char *used = calloc(strlen(sql) + 1, 1);
    size_t k;
    if (!s || !used || !(s->sql = translate(sql, used, &s->nparams)))
        goto fail;
    s->base.drv = &sqldrv_pg;
    s->c = c;
    k = (size_t)s->nparams + 1;
    s->values = calloc(k, sizeof *s->values);
    s->lengths = calloc(k, sizeof *s->lengths);
    s->formats = calloc(k, sizeof *s->formats);
    s->types = calloc(k, sizeof *s->types);
    s->unbound = calloc(k, sizeof *s->unbound);
    s->num = calloc(k, sizeof *s->num);
    if (!s->values || !s->lengths || !s->formats || !s->types || !s->unbound || !s->num)
        goto fail;
    for (int i = 0; i < s->nparams; i++)
        s->unbound[i] = used[i] ? 0 : OID_TEXT;
    free(used);
    pg_reset(&s->base);
    return &s->base;
fail:
    set_error(c, "", "out of memory, or a parameter number out of range");
    free(used);
    if (s)
        pg_finalize(&s->base);
    return NULL;
}

static void pg_reset(sql_stmt *st)
{
    pg_stmt *s = P(st);
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    PQfreemem(s->blob);
    s->blob = NULL;
    for (int i = 0; i < s->nparams; i++) {
        s->values[i] = NULL;
        s->lengths[i] = s->formats[i] = 0;
        s->types[i] = s->unbound[i];
    }
}

static void pg_finalize(sql_stmt *st)
{
    pg_stmt *s = P(st);
    if (s->prepared == s->c->gen && PQstatus(s->c->pg) == CONNECTION_OK) {
        char sql[40];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(s->c->pg, sql));
    }
    PQclear(s->res);
    PQfreemem(s->blob);
    free(s->sql);
    free(s->values);
    free(s->lengths);
    free(s->formats);
    free(s->types);
    free(s->unbound);
    free(s->num);
    free(s);
}

/* Parameter i's slot (0-based) with its type (text where the statement
 * never names it) and format set; -1 when the statement has no such
 * parameter. */
static int param(sql_stmt *st, int i, Oid type, int format)
{
    pg_stmt *s = P(st);
    if (i < 1 || i > s->nparams)
        return -1;
    s->types[i - 1] = s->unbound[i - 1] ? s->unbound[i - 1] : type;
    s->formats[i - 1] = format;
    return i - 1;
}

static int pg_bind_int64(sql_stmt *st, int i, int64_t v)
{
    int k = param(st, i, OID_INT8, 0);
    if (k < 0)
        return -1;
    snprintf(P(st)->num[k], sizeof P(st)->num[k], "%lld", (long long)v);
    P(st)->values[k] = P(st)->num[k];
    return 0;
}

static int pg_bind_double(sql_stmt *st, int i, double v)
{
    int k = param(st, i, OID_FLOAT8, 0);
    if (k < 0)
        return -1;
    snprintf(P(st)->num[k], sizeof P(st)->num[k], "%.17g", v);
    P(st)->values[k] = P(st)->num[k];
    return 0;
}

static int pg_bind_text(sql_stmt *st, int i, const char *v)
{
    int k = param(st, i, 0, 0);
    if (k < 0)
        return -1;
    P(st)->values[k] = v;
    return 0;
}

static int pg_bind_blob(sql_stmt *st, int i, const void *v, size_t n)
{
    int k = param(st, i, OID_BYTEA, 1);
    if (k < 0 || n > INT_MAX)
        return -1;
    P(st)->values[k] = n ? v : "";
    P(st)->lengths[k] = (int)n;
    return 0;
}

/* Prepares s on the server, named, with this run's parameter types. */
static int prepare(pg_stmt *s)
{
    PGresult *res;
    int rc;
    snprintf(s->name, sizeof s->name, "lr%u", ++s->c->names);
    res = PQprepare(s->c->pg, s->name, s->sql, s->nparams, s->types);
    rc = check(s->c, res);
    PQclear(res);
    if (rc == 0)
        s->prepared = s->c->gen;
    return rc;
}

static int run(pg_stmt *s)
{
    const char *t;
    if (usable(s->c) != 0)
        return -1;
    if (s->runs++ > 0 && s->prepared != s->c->gen && prepare(s) != 0)
        return -1;
    if (s->prepared == s->c->gen)
        s->res = PQexecPrepared(s->c->pg, s->name, s->nparams, s->values, s->lengths,
                                s->formats, 0);
    else
        s->res = PQexecParams(s->c->pg, s->sql, s->nparams, s->types, s->values, s->lengths,
                              s->formats, 0);
    if (check(s->c, s->res) != 0)
        return -1;
    t = PQcmdTuples(s->res);
    s->c->changes = t && *t ? strtoll(t, NULL, 10) : 0;
    return 0;
}

static int pg_step(sql_stmt *st)
{
    pg_stmt *s = P(st);
    if (!s->res && run(s) != 0)
        return SQL_ERROR;
    if (PQresultStatus(s->res) != PGRES_TUPLES_OK)
        return SQL_DONE;
    return ++s->row < PQntuples(s->res) ? SQL_ROW : SQL_DONE;
}

static const char *value(sql_stmt *st, int i)
{
    pg_stmt *s = P(st);
    if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || i >= PQnfields(s->res) ||
        PQgetisnull(s->res, s->row, i))
        return NULL;
    return PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int64(sql_stmt *st, int i)
{
    const char *v = value(st, i);
    if (!v)
        return 0;
    if (v[0] == 't' && !v[1])
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    return strtoll(v, NULL, 10);
}

static double pg_col_double(sql_stmt *st, int i)
{
    const char *v = value(st, i);
    return v ? strtod(v, NULL) : 0;
}

static const char *pg_col_text(sql_stmt *st, int i)
{
    return value(st, i);
}

static const void *pg_col_blob(sql_stmt *st, int i, size_t *n)
{
    pg_stmt *s = P(st);
    const char *v = value(st, i);
    *n = 0;
    PQfreemem(s->blob);
    s->blob = NULL;
    if (!v)
        return NULL;
    s->blob = PQunescapeBytea((const unsigned char *)v, n);
    return s->blob;
}

static int64_t pg_changes(sql_conn *c)
{
    return c->changes;
}

static int starts(const char *sql, const char *word)
{
    return strncmp(sql, word, strlen(word)) == 0;
}

static int pg_exec(sql_conn *c, const char *sql)
{
    PGresult *res;
    int rc;
    if (starts(sql, "ROLLBACK") && (PQstatus(c->pg) != CONNECTION_OK || c->broken)) {
        /* nothing to roll back on a lost connection; one stuck in a
         * pipeline is dropped, and its transaction with it */
        c->in_tx = 0;
        if (c->broken) {
            PQreset(c->pg);
            c->broken = 0;
            c->gen++;
            if (PQstatus(c->pg) == CONNECTION_OK)
                configure(c);
        }
        return 0;
    }
    if (usable(c) != 0)
        return -1;
    res = PQexec(c->pg, sql);
    rc = check(c, res);
    PQclear(res);
    if (starts(sql, "BEGIN"))
        c->in_tx = rc == 0;
    else if (starts(sql, "COMMIT") || starts(sql, "ROLLBACK"))
        c->in_tx = 0;
    return rc;
}

static lr_status pg_fail(sql_conn *c, lr_error *err, const char *doing, const char *where)
{
    const char *s = c->sqlstate;
    lr_status st = LR_ESTORE;
    if (strcmp(s, "23505") == 0)
        st = LR_EEXIST;
    else if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strcmp(s, "55P03") == 0 ||
             strcmp(s, "57014") == 0 || strcmp(s, "53300") == 0 || strncmp(s, "08", 2) == 0 ||
             strcmp(s, "57P01") == 0 || PQstatus(c->pg) == CONNECTION_BAD)
        st = LR_EBUSY; /* conflict, timeout or lost connection: try again later */
    else if (strcmp(s, "53100") == 0) /* disk_full */
        return lr_fail(err, LR_EFULL,
                       "storage full while %s (%s): nothing of it was stored; it goes on by "
                       "itself once there is space",
                       doing, where);
    return lr_fail(err, st, "database error while %s: %s (%s)", doing, c->message, where);
}

static int pg_migration_lock(sql_conn *c, int on)
{
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_%slock(%d)", on ? "" : "un", MIGRATION_LOCK);
    return pg_exec(c, sql);
}

static void pg_bulk(sql_conn *c, int on)
{
    (void)c;
    (void)on;
}

/* Reads the answers of sets [i0, i1) and the sync after them: each set's
 * result (its rows to row), then NULL. 0, or -1 after the first error
 * (the sets after it are aborted by the server, and read all the same). */
static int read_pipeline(pg_stmt *s, size_t i0, size_t i1, sql_row_fn row, void *ctx)
{
    int rc = 0;
    PGresult *res;
    for (size_t i = i0; i < i1; i++) {
        while ((res = PQgetResult(s->c->pg)) != NULL) {
            ExecStatusType t = PQresultStatus(res);
            if (t == PGRES_PIPELINE_ABORTED) {
                if (rc == 0) /* aborted by an error that reached us already, or not at all */
                    set_error(s->c, "25P02", "a statement of the pipeline failed");
                rc = -1;
            } else if (check(s->c, res) != 0) {
                rc = -1;
            } else if (rc == 0) {
                const char *n = PQcmdTuples(res);
                s->c->changes += n && *n ? strtoll(n, NULL, 10) : 0;
                s->res = res;
                for (s->row = 0; row && s->row < PQntuples(res); s->row++)
                    row(ctx, &s->base, i);
                s->res = NULL;
            }
            PQclear(res);
        }
    }
    /* the sync's own result ends the pipeline's answers */
    res = PQgetResult(s->c->pg);
    if ((!res || PQresultStatus(res) != PGRES_PIPELINE_SYNC) && rc == 0) {
        if (check(s->c, res) == 0)
            set_error(s->c, "", "a pipeline's answers ended without its sync");
        rc = -1;
    }
    PQclear(res);
    s->row = -1;
    return rc;
}

static int pg_run_many(sql_stmt *st, size_t n, sql_bind_fn bind, sql_row_fn row, void *ctx)
{
    pg_stmt *s = P(st);
    int rc = 0;
    size_t sent = 0, done = 0;
    if (n == 0)
        return SQL_DONE;
    if (usable(s->c) != 0)
        return SQL_ERROR;
    /* prepared once per session, with the types of the first set */
    pg_reset(st);
    if (bind(ctx, st, 0) != 0 || st->bind_failed) {
        set_error(s->c, "", "a parameter could not be bound");
        pg_reset(st);
        return SQL_ERROR;
    }
    if (s->prepared != s->c->gen && prepare(s) != 0) {
        pg_reset(st);
        return SQL_ERROR;
    }
    if (PQenterPipelineMode(s->c->pg) != 1) {
        set_error(s->c, "", PQerrorMessage(s->c->pg));
        pg_reset(st);
        return SQL_ERROR;
    }
    s->c->changes = 0;
    while (done < n && rc == 0) {
        size_t end = n - done > SQL_PIPELINE ? done + SQL_PIPELINE : n;
        for (; sent < end; sent++) {
            if (sent > 0) {
                pg_reset(st);
                if (bind(ctx, st, sent) != 0 || st->bind_failed) {
                    set_error(s->c, "", "a parameter could not be bound");
                    rc = -1;
                    break;
                }
            }
            if (PQsendQueryPrepared(s->c->pg, s->name, s->nparams, s->values, s->lengths,
                                    s->formats, 0) != 1) {
                set_error(s->c, PQstatus(s->c->pg) == CONNECTION_BAD ? "08006" : "",
                          PQerrorMessage(s->c->pg));
                rc = -1;
                break;
            }
        }
        if (PQpipelineSync(s->c->pg) != 1) {
            set_error(s->c, "08006", PQerrorMessage(s->c->pg));
            rc = -1;
            break; /* the connection is gone: nothing to read */
        }
        if (read_pipeline(s, done, sent, row, ctx) != 0)
            rc = -1;
        done = sent;
    }
    if (PQexitPipelineMode(s->c->pg) != 1) {
        if (rc == 0)
            set_error(s->c, "", PQerrorMessage(s->c->pg));
        rc = -1;
        /* answers left unread: no statement may run on it until it is
         * reset (its transaction is lost: the caller rolls back) */
        if (PQpipelineStatus(s->c->pg) != PQ_PIPELINE_OFF)
            s->c->broken = 1;
    }
    pg_reset(st);
    return rc == 0 ? SQL_DONE : SQL_ERROR;
}

const sql_driver sqldrv_pg = {
    .name = "postgresql",
    .shared = 1,
    .arrays = 1,
    .migrations = lr_postgres_migrations,
    .nmigrations = &lr_postgres_migration_count,
    .begin_sql = "BEGIN",
    .read_begin_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .changes = pg_changes,
    .exec = pg_exec,
    .fail = pg_fail,
    .migration_lock = pg_migration_lock,
    .bulk = pg_bulk,
    .run_many = pg_run_many,
};
