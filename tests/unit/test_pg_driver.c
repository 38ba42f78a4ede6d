/*
 * test_pg_driver — the PostgreSQL driver of the SQL store (sqldrv_pg.c) on
 * a database of the test cluster (label postgres only): the store's SQL
 * rewritten for PostgreSQL, the session's statement and lock timeouts
 * (LOGINREC_PG_STATEMENT_TIMEOUT_MS), errors mapped to the store's codes,
 * statements prepared on the server when run again, and the connection
 * reset after the server ends it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "fixture.h"
#include "store/sql_driver.h"

typedef struct drv_fx {
    char path[512]; /* the database's URL */
    lr_store *s;    /* keeps the migrated database until the teardown */
} drv_fx;

static int setup(void **state)
{
    drv_fx *f = calloc(1, sizeof *f);
    if (!f || !(f->s = fixture_store_open("pgdrv", f->path, sizeof f->path))) {
        free(f);
        return -1;
    }
    fixture_sql(f->path, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT);"
                         "CREATE INDEX t_name ON t(name)");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    drv_fx *f = *state;
    unsetenv("LOGINREC_PG_STATEMENT_TIMEOUT_MS");
    fixture_store_close(f->s, f->path);
    free(f);
    return 0;
}

/* A driver connection to f's database, opened with
 * LOGINREC_PG_STATEMENT_TIMEOUT_MS set to timeout_ms (NULL: unset). */
static sql_conn *conn(drv_fx *f, const char *timeout_ms)
{
    sql_conn *c;
    lr_error err;
    if (timeout_ms)
        setenv("LOGINREC_PG_STATEMENT_TIMEOUT_MS", timeout_ms, 1);
    else
        unsetenv("LOGINREC_PG_STATEMENT_TIMEOUT_MS");
    if (sqldrv_pg.open(f->path, &c, &err) != LR_OK)
        fail_msg("open: %s", err.message);
    return c;
}

/* The first column of sql's first row, copied to out; the step's result. */
static int one(sql_conn *c, const char *sql, char *out, size_t outsz)
{
    sql_stmt *st = sqldrv_pg.prepare(c, sql);
    int rc;
    assert_non_null(st);
    rc = sql_step(st);
    if (rc == SQL_ROW)
        snprintf(out, outsz, "%s", sql_col_text(st, 0) ? sql_col_text(st, 0) : "(null)");
    sqldrv_pg.finalize(st);
    return rc;
}

/* The connection's last error as the store's code (cmocka has a macro
 * named fail). */
static lr_status failure(sql_conn *c, lr_error *err, const char *doing)
{
    return (sqldrv_pg.fail)(c, err, doing, "test");
}

static void store_sql_is_rewritten(void **state)
{
    drv_fx *f = *state;
    sql_conn *c = conn(f, NULL);
    sql_stmt *st;
    char v[64];

    /* ?N as $N in any order, not inside quotes; typed binds */
    st = sqldrv_pg.prepare(c, "SELECT ?2 || '-?1-' || ?1, ?3 + 1, ?4 * 2");
    assert_non_null(st);
    sql_bind_text(st, 1, "a");
    sql_bind_text(st, 2, "b");
    sql_bind_int64(st, 3, 41);
    sql_bind_double(st, 4, 1.25);
    assert_int_equal(sql_step(st), SQL_ROW);
    assert_string_equal(sql_col_text(st, 0), "b-?1-a");
    assert_int_equal(sql_col_int64(st, 1), 42);
    assert_true(sql_col_double(st, 2) == 2.5);
    assert_int_equal(sql_step(st), SQL_DONE);
    /* run again with other values; an unbound parameter is NULL */
    sql_reset(st);
    sql_bind_text(st, 2, "x");
    assert_int_equal(sql_step(st), SQL_ROW);
    assert_null(sql_col_text(st, 0));
    sqldrv_pg.finalize(st);

    /* SQLite's INDEXED BY is dropped; a "pg:" comment becomes its text */
    assert_int_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (1, 'one'), (2, 'two')"), 0);
    assert_int_equal(one(c, "SELECT count(*) FROM t INDEXED BY t_name WHERE name = 'one'", v,
                         sizeof v),
                     SQL_ROW);
    assert_string_equal(v, "1");
    assert_int_equal(one(c, "SELECT 1 /*pg: + 10 */", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "11");

    /* blobs go and come back as bytes, NULs included */
    st = sqldrv_pg.prepare(c, "SELECT ?1::bytea");
    sql_bind_blob(st, 1, "a\0b", 3);
    assert_int_equal(sql_step(st), SQL_ROW);
    {
        size_t n;
        const char *b = sql_col_blob(st, 0, &n);
        assert_int_equal(n, 3);
        assert_memory_equal(b, "a\0b", 3);
    }
    sqldrv_pg.finalize(st);
    sqldrv_pg.close(c);
}

static void errors_map_to_store_codes(void **state)
{
    drv_fx *f = *state;
    sql_conn *c = conn(f, NULL);
    lr_error err;
    char v[64];
    assert_int_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (1, 'one')"), 0);
    assert_int_not_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (1, 'again')"), 0);
    assert_int_equal(failure(c, &err, "adding"), LR_EEXIST);
    assert_non_null(strstr(err.message, "adding"));
    assert_int_equal(one(c, "SELECT nope FROM t", v, sizeof v), SQL_ERROR);
    assert_int_equal(failure(c, &err, "reading"), LR_ESTORE);
    assert_non_null(strstr(err.message, "nope"));
    sqldrv_pg.close(c);
}

static void timeout_setting(void **state)
{
    static const struct {
        const char *env, *want;
    } cases[] = {
        {NULL, "30s"},      /* the default */
        {"250", "250ms"},
        {"abc", "30s"},     /* not a number: the default, never "no limit" */
        {"0", "30s"},       /* 0 would switch PostgreSQL's timeout off */
        {"-5", "30s"},
        {"99999999999", "30s"},
    };
    drv_fx *f = *state;
    char v[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sql_conn *c;
        c = conn(f, cases[i].env);
        assert_int_equal(one(c, "SHOW statement_timeout", v, sizeof v), SQL_ROW);
        if (strcmp(v, cases[i].want) != 0)
            fail_msg("LOGINREC_PG_STATEMENT_TIMEOUT_MS=%s: statement_timeout %s, want %s",
                     cases[i].env ? cases[i].env : "(unset)", v, cases[i].want);
        assert_int_equal(one(c, "SHOW lock_timeout", v, sizeof v), SQL_ROW);
        assert_string_equal(v, cases[i].want);
        sqldrv_pg.close(c);
    }
}

static void slow_statement_is_busy(void **state)
{
    drv_fx *f = *state;
    sql_conn *c;
    lr_error err;
    char v[64];
    c = conn(f, "200");
    /* cancelled by the server long before the sleep ends */
    assert_int_equal(one(c, "SELECT pg_sleep(20)", v, sizeof v), SQL_ERROR);
    assert_int_equal(failure(c, &err, "waiting"), LR_EBUSY);
    assert_non_null(strstr(err.message, "statement timeout"));
    /* the connection is still good */
    assert_int_equal(one(c, "SELECT 7", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "7");
    sqldrv_pg.close(c);
}

static void lock_wait_is_busy(void **state)
{
    drv_fx *f = *state;
    PGconn *holder = PQconnectdb(f->path);
    sql_conn *c;
    lr_error err;
    PGresult *r;
    c = conn(f, "200");
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    r = PQexec(holder, "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    assert_int_not_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (5, 'five')"), 0);
    assert_int_equal(failure(c, &err, "adding"), LR_EBUSY);
    assert_non_null(strstr(err.message, "timeout")); /* lock or statement: both 200 ms */
    /* once the lock is gone the same write goes through */
    PQclear(PQexec(holder, "COMMIT"));
    assert_int_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (5, 'five')"), 0);
    PQfinish(holder);
    sqldrv_pg.close(c);
}

/* Ends c's server process from another connection, as a server restart
 * does. */
static void kill_backend(drv_fx *f, sql_conn *c)
{
    char pid[32], sql[80];
    assert_int_equal(one(c, "SELECT pg_backend_pid()", pid, sizeof pid), SQL_ROW);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%s)", pid);
    fixture_sql(f->path, sql);
}

static void reconnects_after_the_server_ends_the_session(void **state)
{
    drv_fx *f = *state;
    sql_conn *c;
    lr_error err;
    char v[64];
    c = conn(f, "250");

    /* outside a transaction: the statement that meets the closed
     * connection fails as busy; the next one reconnects, with the
     * session's settings again */
    kill_backend(f, c);
    assert_int_equal(one(c, "SELECT 1", v, sizeof v), SQL_ERROR);
    assert_int_equal(failure(c, &err, "reading"), LR_EBUSY);
    assert_int_equal(one(c, "SHOW statement_timeout", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "250ms");

    /* inside a transaction: no silent reconnect (its work would be lost
     * half-way); it fails until the caller rolls back */
    assert_int_equal(sqldrv_pg.exec(c, sqldrv_pg.begin_sql), 0);
    assert_int_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (9, 'nine')"), 0);
    kill_backend(f, c);
    assert_int_not_equal(sqldrv_pg.exec(c, "INSERT INTO t VALUES (10, 'ten')"), 0);
    assert_int_equal(failure(c, &err, "adding"), LR_EBUSY);
    assert_int_equal(one(c, "SELECT 1", v, sizeof v), SQL_ERROR);
    assert_int_equal(sqldrv_pg.exec(c, "ROLLBACK"), 0);
    assert_int_equal(one(c, "SELECT count(*) FROM t", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "0");
    sqldrv_pg.close(c);
}

/* Runs st (SELECT ?1 + 1) with v; its one value. */
static long long run_plus_one(sql_stmt *st, long long v)
{
    long long r;
    sql_reset(st);
    sql_bind_int64(st, 1, v);
    if (sql_step(st) != SQL_ROW)
        return -1;
    r = sql_col_int64(st, 0);
    assert_int_equal(sql_step(st), SQL_DONE);
    return r;
}

static void statements_run_again_are_prepared(void **state)
{
    drv_fx *f = *state;
    sql_conn *c = conn(f, NULL);
    sql_stmt *st = sqldrv_pg.prepare(c, "SELECT ?1 + 1"), *dyn;
    lr_error err;
    char v[64];
    assert_non_null(st);
    /* a statement run once (the store's one-off queries) is not kept */
    assert_int_equal(run_plus_one(st, 1), 2);
    assert_int_equal(one(c, "SELECT count(*) FROM pg_prepared_statements", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "0");
    /* run again: prepared once, then reused with new values */
    assert_int_equal(run_plus_one(st, 2), 3);
    assert_int_equal(run_plus_one(st, 41), 42);
    assert_int_equal(one(c, "SELECT count(*) FROM pg_prepared_statements", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "1");
    /* a NULL where an integer went before */
    sql_reset(st);
    assert_int_equal(sql_step(st), SQL_ROW);
    assert_null(sql_col_text(st, 0));
    /* a second statement gets a name of its own */
    dyn = sqldrv_pg.prepare(c, "SELECT ?1 || 'x'");
    sql_bind_text(dyn, 1, "a");
    assert_int_equal(sql_step(dyn), SQL_ROW);
    sql_reset(dyn);
    sql_bind_text(dyn, 1, "b");
    assert_int_equal(sql_step(dyn), SQL_ROW);
    assert_string_equal(sql_col_text(dyn, 0), "bx");
    sqldrv_pg.finalize(dyn);
    /* after a reconnect the new session prepares it again */
    kill_backend(f, c);
    assert_int_equal(run_plus_one(st, 1), -1);
    assert_int_equal(failure(c, &err, "reading"), LR_EBUSY);
    assert_int_equal(run_plus_one(st, 9), 10);
    assert_int_equal(run_plus_one(st, 10), 11);
    /* finalizing gives the server's copy back */
    sqldrv_pg.finalize(st);
    assert_int_equal(one(c, "SELECT count(*) FROM pg_prepared_statements", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "0");
    sqldrv_pg.close(c);
}

/* run_many: each set's rows to its own index; a set whose insert did
 * nothing has none. */
typedef struct many {
    int64_t ids[700];
    int rows[700];
    size_t stop_at; /* a set whose binding fails (0: none) */
} many;

static int bind_pair(void *ctx, sql_stmt *st, size_t i)
{
    many *m = ctx;
    if (m->stop_at && i == m->stop_at)
        return -1;
    sql_bind_int64(st, 1, m->ids[i]);
    return sql_bind_text(st, 2, "n");
}

static void count_row(void *ctx, sql_stmt *st, size_t i)
{
    many *m = ctx;
    assert_int_equal(sql_col_int64(st, 0), m->ids[i]);
    m->rows[i]++;
}

static void many_sets_run_in_one_pipeline(void **state)
{
    drv_fx *f = *state;
    sql_conn *c = conn(f, NULL);
    sql_stmt *ins = sqldrv_pg.prepare(c, "INSERT INTO t VALUES (?1, ?2) ON CONFLICT DO NOTHING "
                                         "RETURNING id"),
             *plain = sqldrv_pg.prepare(c, "INSERT INTO t VALUES (?1, ?2)");
    many *m = calloc(1, sizeof *m);
    lr_error err;
    char v[64];
    assert_non_null(m);
    /* more sets than one sync holds; set 300 repeats set 5 */
    for (size_t i = 0; i < 600; i++)
        m->ids[i] = 1000 + (int64_t)i;
    m->ids[300] = 1005;
    assert_int_equal(sqldrv_pg.exec(c, "BEGIN"), 0);
    assert_int_equal(sqldrv_pg.run_many(ins, 600, bind_pair, count_row, m), SQL_DONE);
    for (size_t i = 0; i < 600; i++)
        assert_int_equal(m->rows[i], i == 300 ? 0 : 1);
    assert_int_equal(sqldrv_pg.changes(c), 599);
    assert_int_equal(sqldrv_pg.exec(c, "COMMIT"), 0);
    assert_int_equal(one(c, "SELECT count(*) FROM t WHERE id >= 1000", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "599");
    /* a unique key in set 2 fails the run and its transaction: nothing stays */
    memset(m->rows, 0, sizeof m->rows);
    m->ids[0] = 1, m->ids[1] = 2, m->ids[2] = 1000, m->ids[3] = 3;
    assert_int_equal(sqldrv_pg.exec(c, "BEGIN"), 0);
    assert_int_equal(sqldrv_pg.run_many(plain, 4, bind_pair, NULL, m), SQL_ERROR);
    assert_int_equal(failure(c, &err, "inserting"), LR_EEXIST);
    assert_int_equal(sqldrv_pg.exec(c, "ROLLBACK"), 0);
    assert_int_equal(one(c, "SELECT count(*) FROM t WHERE id < 1000", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "0");
    /* a set that cannot be bound stops the run; the connection goes on */
    m->stop_at = 2;
    assert_int_equal(sqldrv_pg.exec(c, "BEGIN"), 0);
    assert_int_equal(sqldrv_pg.run_many(plain, 4, bind_pair, NULL, m), SQL_ERROR);
    assert_int_equal(sqldrv_pg.exec(c, "ROLLBACK"), 0);
    assert_int_equal(one(c, "SELECT count(*) FROM t WHERE id < 1000", v, sizeof v), SQL_ROW);
    assert_string_equal(v, "0");
    /* and the statements run alone afterwards */
    sql_bind_int64(plain, 1, 7);
    sql_bind_text(plain, 2, "seven");
    assert_int_equal(sql_step(plain), SQL_DONE);
    sqldrv_pg.finalize(ins);
    sqldrv_pg.finalize(plain);
    free(m);
    sqldrv_pg.close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_sql_is_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(errors_map_to_store_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(slow_statement_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(lock_wait_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(reconnects_after_the_server_ends_the_session, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(statements_run_again_are_prepared, setup, teardown),
        cmocka_unit_test_setup_teardown(many_sets_run_in_one_pipeline, setup, teardown),
    };
    if (!fixture_pg()) {
        fprintf(stderr, "test_pg_driver: runs on PostgreSQL only (LR_TEST_BACKEND=postgres)\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
