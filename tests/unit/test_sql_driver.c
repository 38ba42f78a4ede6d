/*
 * test_sql_driver — every binding is checked: a parameter the statement
 * does not have is refused by the binder (-1), and the statement's next
 * step fails (SQL_ERROR) instead of running with it NULL; a reset clears
 * it. On both drivers (PostgreSQL with LR_TEST_BACKEND=postgres).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "store/sql_driver.h"

static void a_failed_binding_fails_the_step(void **state)
{
    char path[512];
    lr_store *s = fixture_store_open("sqldrv", path, sizeof path);
    const sql_driver *drv = fixture_pg() ? &sqldrv_pg : &sqldrv_sqlite;
    sql_conn *c = NULL;
    sql_stmt *st;
    lr_error err;
    (void)state;
    assert_non_null(s);
    assert_int_equal(drv->open(path, &c, &err), LR_OK);
    st = drv->prepare(c, "SELECT CAST(?1 AS BIGINT) + 1");
    assert_non_null(st);
    /* no ?2 in it */
    assert_int_equal(sql_bind_int64(st, 1, 41), 0);
    assert_int_equal(sql_bind_int64(st, 2, 7), -1);
    assert_int_equal(sql_step(st), SQL_ERROR);
    /* a reset starts clean */
    sql_reset(st);
    assert_int_equal(sql_bind_int64(st, 1, 41), 0);
    assert_int_equal(sql_step(st), SQL_ROW);
    assert_int_equal(sql_col_int64(st, 0), 42);
    drv->finalize(st);
    drv->close(c);
    fixture_store_close(s, path);
}

/* One step of an INSERT ... RETURNING id with k bound: its id, or 0 when
 * it gave no row; -1 on an error. The row is the statement's only one. */
static int64_t insert_id(sql_stmt *st, const char *k)
{
    int rc;
    int64_t id = 0;
    sql_reset(st);
    assert_int_equal(sql_bind_text(st, 1, k), 0);
    rc = sql_step(st);
    if (rc == SQL_ERROR)
        return -1;
    if (rc == SQL_ROW) {
        id = sql_col_int64(st, 0);
        assert_int_equal(sql_step(st), SQL_DONE);
    }
    return id;
}

/* The SQLite driver runs an INSERT ... RETURNING id without the clause
 * and answers the rowid itself (sql_driver.h): the same answers as
 * PostgreSQL's RETURNING, a duplicate giving no row and an upsert the row
 * it updated, never the last one inserted. */
static void an_insert_returns_the_id_it_made(void **state)
{
    char path[512];
    lr_store *s = fixture_store_open("sqldrv_id", path, sizeof path);
    const sql_driver *drv = fixture_pg() ? &sqldrv_pg : &sqldrv_sqlite;
    sql_conn *c = NULL;
    sql_stmt *add, *upsert, *plain, *lower, *many;
    lr_error err;
    int64_t a, b;
    (void)state;
    assert_non_null(s);
    assert_int_equal(drv->open(path, &c, &err), LR_OK);
    assert_int_equal(drv->exec(c, fixture_pg() ? "CREATE TEMP TABLE t (id BIGSERIAL PRIMARY KEY, "
                                                 "k TEXT NOT NULL UNIQUE)"
                                               : "CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, "
                                                 "k TEXT NOT NULL UNIQUE)"),
                     0);
    add = drv->prepare(c, "INSERT INTO t (k) VALUES (?1) ON CONFLICT DO NOTHING RETURNING id");
    upsert = drv->prepare(c, "INSERT INTO t (k) VALUES (?1) ON CONFLICT (k) DO UPDATE SET k = "
                             "excluded.k RETURNING id");
    plain = drv->prepare(c, "INSERT INTO t (k) VALUES (?1) RETURNING id");
    lower = drv->prepare(c, "INSERT INTO t (k) VALUES (?1) ON CONFLICT (k) do\n  update SET k = "
                            "excluded.k RETURNING id");
    many = drv->prepare(c, "INSERT INTO t (k) SELECT ?1 || n FROM (SELECT 1 AS n UNION ALL "
                           "SELECT 2) AS two RETURNING id");
    assert_non_null(add);
    assert_non_null(upsert);
    assert_non_null(plain);
    a = insert_id(add, "a");
    assert_true(a > 0);
    assert_int_equal(insert_id(add, "a"), 0); /* a duplicate: no row */
    b = insert_id(add, "b");
    assert_true(b > a);
    assert_int_equal(insert_id(upsert, "a"), a); /* the row updated, not b */
    assert_true(insert_id(upsert, "c") > b);
    assert_int_equal(insert_id(plain, "b"), -1); /* the unique key, an error */
    assert_true(insert_id(plain, "d") > b);
    /* an upsert written in lower case, over lines: still the row updated */
    assert_non_null(lower);
    assert_int_equal(insert_id(lower, "a"), a);
    /* an INSERT ... SELECT gives a row per row made */
    assert_non_null(many);
    sql_reset(many);
    assert_int_equal(sql_bind_text(many, 1, "m"), 0);
    assert_int_equal(sql_step(many), SQL_ROW);
    assert_int_equal(sql_step(many), SQL_ROW);
    assert_int_equal(sql_step(many), SQL_DONE);
    if (!fixture_pg()) { /* a statement's undo journal stays in memory */
        sql_stmt *q = drv->prepare(c, "PRAGMA temp_store");
        assert_int_equal(sql_step(q), SQL_ROW);
        assert_int_equal(sql_col_int64(q, 0), 2);
        drv->finalize(q);
    }
    drv->finalize(add);
    drv->finalize(upsert);
    drv->finalize(plain);
    drv->finalize(lower);
    drv->finalize(many);
    drv->close(c);
    fixture_store_close(s, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_failed_binding_fails_the_step),
        cmocka_unit_test(an_insert_returns_the_id_it_made),
    };
    return cmocka_run_group_tests_name("sql_driver", tests, NULL, NULL);
}
