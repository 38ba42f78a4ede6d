/*
 * sql_driver — what the SQL store (store_sql*.c) needs of a database: a
 * connection, statements with numbered parameters (?1, ?2, ... as written in
 * the store's SQL), rows read one at a time, and errors mapped to the
 * store's codes. Two drivers fill it: SQLite (sqldrv_sqlite.c) and
 * PostgreSQL through libpq (sqldrv_pg.c). Not for use outside src/store/.
 *
 * The SQL the store writes is the common dialect of both: COALESCE, CASE,
 * ON CONFLICT ... DO, RETURNING. A driver may rewrite what it must: the
 * PostgreSQL driver turns ?N into $N, drops SQLite's INDEXED BY hints and
 * uncomments PostgreSQL-only parts written as comments beginning "pg:"
 * (FOR UPDATE SKIP LOCKED, advisory locks), which SQLite ignores. The
 * SQLite driver runs an INSERT ending in "RETURNING id" (not an upsert)
 * without the clause and gives the rowid it made as the row.
 */
#ifndef LR_STORE_SQL_DRIVER_H
#define LR_STORE_SQL_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "store/migrations.h"
#include "util/status.h"

/* What a step gave: a row, the end, or an error (read with drv->fail). */
enum { SQL_DONE = 0, SQL_ROW = 1, SQL_ERROR = 2 };

typedef struct sql_conn sql_conn;
typedef struct sql_driver sql_driver;
typedef struct sql_stmt sql_stmt;

/* run_many's callbacks: bind binds parameter set i (0, or -1 to stop with
 * SQL_ERROR); row is told each row set i returned. */
typedef int (*sql_bind_fn)(void *ctx, sql_stmt *st, size_t i);
typedef void (*sql_row_fn)(void *ctx, sql_stmt *st, size_t i);

/* A statement; each driver's own struct starts with this. */
struct sql_stmt {
    const sql_driver *drv;
    /* a parameter could not be bound since the last reset: the next step
     * fails instead of running with it NULL */
    int bind_failed;
};

struct sql_driver {
    const char *name;                 /* "sqlite" or "postgresql" */
    int shared;                       /* several processes may use one database */
    /* takes a set of rows as array parameters ('{1,2}'::bigint[], unnest):
     * the store then writes and reads many rows with one statement, not
     * one statement a row (PostgreSQL) */
    int arrays;
    const lr_migration *migrations;   /* this dialect's schema, oldest first */
    const int *nmigrations;
    const char *begin_sql;            /* how a write transaction starts */
    const char *read_begin_sql;       /* how a read-only snapshot starts (no writer lock) */

    lr_status (*open)(const char *where, sql_conn **out, lr_error *err);
    void (*close)(sql_conn *c);
    /* A statement of sql; NULL on failure (drv->fail tells why). */
    sql_stmt *(*prepare)(sql_conn *c, const char *sql);
    void (*finalize)(sql_stmt *st);
    /* Ready to run again; bindings cleared (unbound parameters are NULL). */
    void (*reset)(sql_stmt *st);
    /* Binders: 0, or -1 when parameter i could not take v (no such
     * parameter, too big, out of memory). */
    int (*bind_int64)(sql_stmt *st, int i, int64_t v);
    int (*bind_double)(sql_stmt *st, int i, double v);
    /* v must stay valid until the statement is reset. */
    int (*bind_text)(sql_stmt *st, int i, const char *v);
    int (*bind_blob)(sql_stmt *st, int i, const void *v, size_t n);
    int (*step)(sql_stmt *st);
    int64_t (*col_int64)(sql_stmt *st, int i); /* booleans read as 0 / 1 */
    double (*col_double)(sql_stmt *st, int i);
    const char *(*col_text)(sql_stmt *st, int i); /* NULL for SQL NULL */
    const void *(*col_blob)(sql_stmt *st, int i, size_t *n);
    /* Rows changed by the connection's last INSERT / UPDATE / DELETE. */
    int64_t (*changes)(sql_conn *c);
    /* Runs statements that return nothing (several, ;-separated). */
    int (*exec)(sql_conn *c, const char *sql);
    /* The connection's last error as the store's code in err:
     * LR_EEXIST for a unique key, LR_EBUSY for a lock, a conflict, a
     * timeout or a lost connection, else LR_ESTORE. */
    lr_status (*fail)(sql_conn *c, lr_error *err, const char *doing, const char *where);
    /* Holds (on) or releases (off) the database-wide lock migrations run
     * under, so that instances starting together do not race. SQLite's
     * also turns foreign keys off meanwhile, so that a migration can
     * rebuild a table other tables refer to (SQLite's documented way). */
    int (*migration_lock)(sql_conn *c, int on);
    /* A query each migration runs before its commit: any row it returns
     * (a reference left without its row) fails the migration. NULL for a
     * database that checks references itself. */
    const char *migration_check;
    /* A large write is ahead (on) or over (off); may use more memory. */
    void (*bulk)(sql_conn *c, int on);
    /* Runs st once per parameter set 0..n-1 in as few round trips as the
     * database allows: PostgreSQL sends them as one pipeline (a sync every
     * SQL_PIPELINE sets) and reads the answers after; NULL for a database
     * in the process (SQLite), where the store runs them one after another
     * (sq_run_many). SQL_DONE, or SQL_ERROR (fail tells why). st is reset
     * after. Inside a transaction (the store's use): outside one, each
     * sync would commit the sets before it. */
    int (*run_many)(sql_stmt *st, size_t n, sql_bind_fn bind, sql_row_fn row, void *ctx);
};

/* Parameter sets a pipeline sends before it waits for their answers. */
#define SQL_PIPELINE 256

extern const sql_driver sqldrv_sqlite;
extern const sql_driver sqldrv_pg;

/* Binding: each binder's result is kept on the statement (a failed one
 * makes the statement's next step SQL_ERROR), so every binding is checked
 * where the statement runs, which already handles its errors; the result
 * is returned too for a caller that wants to stop at once. */
static inline int sql_bound(sql_stmt *st, int rc)
{
    if (rc != 0)
        st->bind_failed = 1;
    return rc;
}
static inline int sql_bind_int64(sql_stmt *st, int i, int64_t v)
{
    return sql_bound(st, st->drv->bind_int64(st, i, v));
}
static inline int sql_bind_double(sql_stmt *st, int i, double v)
{
    return sql_bound(st, st->drv->bind_double(st, i, v));
}
static inline int sql_bind_text(sql_stmt *st, int i, const char *v)
{
    return sql_bound(st, st->drv->bind_text(st, i, v));
}
static inline int sql_bind_blob(sql_stmt *st, int i, const void *v, size_t n)
{
    return sql_bound(st, st->drv->bind_blob(st, i, v, n));
}
static inline int sql_step(sql_stmt *st)
{
    return st->bind_failed ? SQL_ERROR : st->drv->step(st);
}
static inline void sql_reset(sql_stmt *st)
{
    st->bind_failed = 0;
    st->drv->reset(st);
}
static inline int64_t sql_col_int64(sql_stmt *st, int i)
{
    return st->drv->col_int64(st, i);
}
/* A column that fits an int (flags, kinds, counts, booleans). */
static inline int sql_col_int(sql_stmt *st, int i)
{
    return (int)st->drv->col_int64(st, i);
}
static inline double sql_col_double(sql_stmt *st, int i)
{
    return st->drv->col_double(st, i);
}
static inline const char *sql_col_text(sql_stmt *st, int i)
{
    return st->drv->col_text(st, i);
}
static inline const void *sql_col_blob(sql_stmt *st, int i, size_t *n)
{
    return st->drv->col_blob(st, i, n);
}

#endif
