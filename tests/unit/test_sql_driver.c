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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_failed_binding_fails_the_step),
    };
    return cmocka_run_group_tests_name("sql_driver", tests, NULL, NULL);
}
