/*
 * sqldrv_sqlite — the SQLite driver of the SQL store (see sql_driver.h).
 *
 * One file, WAL journal (readers never wait for the writer), foreign keys
 * on, a busy timeout so concurrent writers queue instead of failing, and
 * synchronous=FULL so that an acknowledged write survives a crash of the
 * process or the machine. Write transactions start IMMEDIATE: SQLite has
 * one writer, so each writer takes the lock before it reads.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_driver.h"

/* SQLite gathers a RETURNING clause's rows in a temporary b-tree, opened
 * and freed on every run (with its allocations, a tenth of a large
 * ingest's time). An INSERT that only returns the rowid it made runs
 * without the clause instead: its one row is sqlite3_last_insert_rowid,
 * when it inserted one. Not for an upsert (DO UPDATE): an updated row
 * leaves that rowid stale. */
#define RETURNING_ID " RETURNING id"

typedef struct lite_stmt {
    sql_stmt base;
    sqlite3_stmt *st;
    int rowid_row; /* runs as an INSERT ... RETURNING id, without the clause */
    int ran;       /* since the last reset (rowid_row) */
    int64_t rowid; /* the row it gave (rowid_row) */
} lite_stmt;

#define LS(st) ((lite_stmt *)(st))
#define L(st) (LS(st)->st)

/* Whether sql is an INSERT of one row that returns only the rowid it
 * makes: not an upsert (an updated row leaves the rowid stale) nor an
 * INSERT ... SELECT (several rows, one rowid), in any case or spacing. A
 * column named like "updated_at" only costs the emulation, never a
 * wrong id. */
static int returns_rowid(const char *sql, size_t n)
{
    size_t k = sizeof RETURNING_ID - 1;
    return strncmp(sql, "INSERT ", 7) == 0 && n > k && strcmp(sql + n - k, RETURNING_ID) == 0 &&
           !strcasestr(sql, "update") && !strcasestr(sql, "select");
}

static lr_status lite_open(const char *path, sql_conn **out, lr_error *err)
{
    sqlite3 *db = NULL;
    *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        lr_status r = lr_fail(err, LR_EIO, "cannot open database %s: %s", path,
                              db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return r;
    }
    sqlite3_busy_timeout(db, 10000);
    /* temp_store: SQLite's temporary files stay in memory: a statement's
     * own undo journal (every insert into a table with a foreign key has
     * one; on disk it was half of a large ingest's writes), and sorts and
     * temporary tables too, which the store keeps small (bounded pages,
     * indexed reads) */
    if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
                         "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        lr_status r = lr_fail(err, LR_EIO, "cannot configure database %s: %s", path,
                              sqlite3_errmsg(db));
        sqlite3_close(db);
        return r;
    }
    *out = (sql_conn *)db;
    return LR_OK;
}

static void lite_close(sql_conn *c)
{
    sqlite3_close((sqlite3 *)c);
}

static sql_stmt *lite_prepare(sql_conn *c, const char *sql)
{
    lite_stmt *s = calloc(1, sizeof *s);
    size_t n = strlen(sql);
    if (!s)
        return NULL;
    s->base.drv = &sqldrv_sqlite;
    if ((s->rowid_row = returns_rowid(sql, n)))
        n -= sizeof RETURNING_ID - 1;
    if (sqlite3_prepare_v3((sqlite3 *)c, sql, (int)n, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) !=
        SQLITE_OK) {
        sqlite3_finalize(s->st);
        free(s);
        return NULL;
    }
    return &s->base;
}

static void lite_finalize(sql_stmt *st)
{
    sqlite3_finalize(L(st));
    free(st);
}

static void lite_reset(sql_stmt *st)
{
    LS(st)->ran = 0;
    sqlite3_reset(L(st));
    sqlite3_clear_bindings(L(st));
}

/* SQLite's result as the driver's; the reason stays on the connection
 * (sqlite3_errmsg), where drv->fail reads it. */
static int bound(int rc)
{
    return rc == SQLITE_OK ? 0 : -1;
}

static int lite_bind_int64(sql_stmt *st, int i, int64_t v)
{
    return bound(sqlite3_bind_int64(L(st), i, (sqlite3_int64)v));
}

static int lite_bind_double(sql_stmt *st, int i, double v)
{
    return bound(sqlite3_bind_double(L(st), i, v));
}

static int lite_bind_text(sql_stmt *st, int i, const char *v)
{
    return bound(sqlite3_bind_text(L(st), i, v, -1, SQLITE_STATIC));
}

static int lite_bind_blob(sql_stmt *st, int i, const void *v, size_t n)
{
    return bound(sqlite3_bind_blob64(L(st), i, v, (sqlite3_uint64)n, SQLITE_STATIC));
}

static int lite_step(sql_stmt *st)
{
    lite_stmt *s = LS(st);
    int rc;
    if (s->rowid_row && s->ran) /* its one row was read: the end */
        return SQL_DONE;
    rc = sqlite3_step(s->st);
    if (s->rowid_row && rc == SQLITE_DONE) {
        sqlite3 *db = sqlite3_db_handle(s->st);
        s->ran = 1;
        if (sqlite3_changes(db) == 0) /* ON CONFLICT DO NOTHING: no row */
            return SQL_DONE;
        s->rowid = sqlite3_last_insert_rowid(db);
        return SQL_ROW;
    }
    return rc == SQLITE_ROW ? SQL_ROW : rc == SQLITE_DONE ? SQL_DONE : SQL_ERROR;
}

static int64_t lite_col_int64(sql_stmt *st, int i)
{
    if (LS(st)->rowid_row)
        return i == 0 ? LS(st)->rowid : 0;
    return sqlite3_column_int64(L(st), i);
}

static double lite_col_double(sql_stmt *st, int i)
{
    return sqlite3_column_double(L(st), i);
}

static const char *lite_col_text(sql_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(L(st), i);
}

static const void *lite_col_blob(sql_stmt *st, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(L(st), i);
    *n = (size_t)sqlite3_column_bytes(L(st), i);
    return p;
}

static int64_t lite_changes(sql_conn *c)
{
    return sqlite3_changes((sqlite3 *)c);
}

static int lite_exec(sql_conn *c, const char *sql)
{
    return sqlite3_exec((sqlite3 *)c, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static lr_status lite_fail(sql_conn *c, lr_error *err, const char *doing, const char *where)
{
    sqlite3 *db = (sqlite3 *)c;
    int rc = sqlite3_extended_errcode(db);
    lr_status st = LR_ESTORE;
    /* only a unique key means "exists"; a foreign key, check or trigger
     * failure is an error the caller must not mistake for a duplicate */
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        st = LR_EEXIST;
    else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        st = LR_EBUSY;
    else if ((rc & 0xff) == SQLITE_FULL ||
             ((rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno(db) == ENOSPC))
        return lr_fail(err, LR_EFULL,
                       "storage full while %s (%s): nothing of it was stored; it goes on by "
                       "itself once there is space",
                       doing, where);
    return lr_fail(err, st, "database error while %s: %s (%s)", doing, sqlite3_errmsg(db), where);
}

/* BEGIN IMMEDIATE in each migration already serializes them. Foreign
 * keys are off while migrations run (the pragma does nothing inside a
 * transaction): a table that others refer to is rebuilt by copying it and
 * renaming the copy, which its dropping would refuse with them on (0023).
 * migration_check checks every reference before each commit instead. */
static int lite_migration_lock(sql_conn *c, int on)
{
    return sqlite3_exec((sqlite3 *)c, on ? "PRAGMA foreign_keys = OFF" : "PRAGMA foreign_keys = ON",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

/* An ingest run gets a 64 MiB page cache instead of SQLite's 2 MiB, enough
 * for the largest request the API takes (100,000 events) to write no page
 * to the WAL before its commit: with 16 MiB a 100,000-row LanScope file
 * spilled 7,574 of its 11,142 pages (SQLITE_DBSTATUS_CACHE_SPILL), with 2
 * MiB a 1,000,000-event file took 40.8 s instead of 31.9. A larger file
 * spills whatever the cache. One connection writes at a time (the writer
 * gate); every connection having it kept loginrecd at 140 MiB after one
 * 日別データ page instead of 35, so the cache shrinks back when the run
 * (or the transaction it ran in) is over. */
static void lite_bulk(sql_conn *c, int on)
{
    sqlite3_exec((sqlite3 *)c, on ? "PRAGMA cache_size = -65536" : "PRAGMA cache_size = -2000",
                 NULL, NULL, NULL);
}

const sql_driver sqldrv_sqlite = {
    .name = "sqlite",
    .shared = 0,
    .migrations = lr_sqlite_migrations,
    .nmigrations = &lr_sqlite_migration_count,
    .begin_sql = "BEGIN IMMEDIATE",
    .read_begin_sql = "BEGIN", /* deferred: the snapshot is taken at its first read */
    .open = lite_open,
    .close = lite_close,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .reset = lite_reset,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_text = lite_bind_text,
    .bind_blob = lite_bind_blob,
    .step = lite_step,
    .col_int64 = lite_col_int64,
    .col_double = lite_col_double,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .changes = lite_changes,
    .exec = lite_exec,
    .fail = lite_fail,
    .migration_lock = lite_migration_lock,
    .migration_check = "PRAGMA foreign_key_check",
    .bulk = lite_bulk,
};
