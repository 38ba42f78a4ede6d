/*
 * test_migrations — a database made by an older loginrec, migrated by
 * this one (SQLite): migration 0023 rebuilds the outbox, which delivery
 * attempts refer to, without its idem_key. Every row and every reference
 * survives, the foreign keys are on again afterwards, the rebuilt table
 * refuses what idem_key refused; and a database whose references were
 * already broken is not migrated at all, with the table named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/migrations.h"
#include "store/sql_internal.h"

#define BEFORE 22 /* the version made by the loginrec before 0023 */

static void run(sql_conn *c, const char *sql)
{
    if (sqldrv_sqlite.exec(c, sql) != 0)
        fail_msg("failed: %s", sql);
}

/* The text of one row of a query on c, "" when none. */
static void one(sql_conn *c, const char *sql, char *out, size_t outsz)
{
    sql_stmt *st = sqldrv_sqlite.prepare(c, sql);
    if (!st)
        fail_msg("cannot prepare: %s", sql);
    out[0] = '\0';
    if (sql_step(st) == SQL_ROW && sql_col_text(st, 0))
        snprintf(out, outsz, "%s", sql_col_text(st, 0));
    sqldrv_sqlite.finalize(st);
}

/* A database at version BEFORE, migrated the way that loginrec did it
 * (foreign keys on), with a company, an employee and two punches. */
static sql_conn *old_database(char *path, size_t pathsz, const char *name)
{
    const char *tmp = getenv("LR_TEST_TMP");
    sql_conn *c;
    lr_error err;
    char rec[256];
    snprintf(path, pathsz, "%s/migrations_%s.db", tmp ? tmp : "/tmp", name);
    unlink(path);
    assert_int_equal(sqldrv_sqlite.open(path, &c, &err), LR_OK);
    run(c, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "applied_at BIGINT NOT NULL)");
    for (int i = 0; i < lr_sqlite_migration_count; i++) {
        const lr_migration *m = &lr_sqlite_migrations[i];
        if (m->version > BEFORE)
            break;
        run(c, "BEGIN IMMEDIATE");
        run(c, m->sql);
        snprintf(rec, sizeof rec, "INSERT INTO schema_migrations VALUES (%d, '%s', 1)",
                 m->version, m->name);
        run(c, rec);
        run(c, "COMMIT");
    }
    run(c, "INSERT INTO companies (id, code, name, ingest_token_hash, created_at) VALUES "
           "(1, 'ACM', 'Acme', 'h', 1)");
    run(c, "INSERT INTO employees (id, company_id, code, last_name, first_name) VALUES "
           "(1, 1, '0001', 'Yamada', 'Taro')");
    run(c, "INSERT INTO punches (id, company_id, employee_id, work_day, kind, ts_utc, state, "
           "created_at) VALUES (1, 1, 1, '2026-12-01', 1, 100, 'retracted', 1), "
           "(2, 1, 1, '2026-12-01', 2, 200, 'active', 1)");
    return c;
}

static void a_rebuilt_outbox_keeps_its_rows_and_references(void **state)
{
    char path[512], got[1024];
    sql_conn *c = old_database(path, sizeof path, "kept");
    lr_store *s;
    lr_error err;
    store_outbox_new again = {1, 1, "retract", 0};
    const char *rows = "SELECT group_concat(r, ';') FROM (SELECT id || ',' || company_id || ',' "
                       "|| punch_id || ',' || action || ',' || state || ',' || attempts || ',' || "
                       "result || ',' || reason || ',' || COALESCE(done_at, '-') || ',' || "
                       "lease_owner || ',' || lease_until || ',' || uncertain AS r FROM outbox "
                       "ORDER BY id)";
    (void)state;
    run(c, "INSERT INTO outbox (id, company_id, punch_id, action, idem_key, state, attempts, "
           "next_attempt_at, created_at, result, reason, done_at) VALUES "
           "(10, 1, 1, 'add', '1/2026-12-01/1/100/1', 'done', 1, 1, 1, 'sent', 'sent', 5)");
    run(c, "INSERT INTO outbox (id, company_id, punch_id, action, idem_key, state, attempts, "
           "next_attempt_at, created_at, lease_owner, lease_until) VALUES "
           "(11, 1, 1, 'retract', 'retract/1', 'sending', 1, 1, 1, 'i1', 500), "
           "(12, 1, 2, 'add', '1/2026-12-01/2/200/2', 'pending', 0, 1, 1, '', 0)");
    run(c, "INSERT INTO delivery_attempts (outbox_id, at, http_status, outcome) VALUES "
           "(10, 2, 200, 'sent'), (11, 3, NULL, 'timeout')");
    sqldrv_sqlite.close(c);

    assert_int_equal(store_open(path, &s, &err), LR_OK);
    assert_int_equal(store_schema_version(s), lr_sqlite_migrations[lr_sqlite_migration_count - 1].version);
    c = S(s)->db;
    one(c, rows, got, sizeof got);
    assert_string_equal(got, "10,1,1,add,done,1,sent,sent,5,,0,0;"
                             "11,1,1,retract,sending,1,,,-,i1,500,0;"
                             "12,1,2,add,pending,0,,,-,,0,0");
    one(c, "SELECT group_concat(a.outbox_id || ':' || o.action || ':' || a.outcome, ' ') FROM "
           "delivery_attempts a JOIN outbox o ON o.id = a.outbox_id",
        got, sizeof got);
    assert_string_equal(got, "10:add:sent 11:retract:timeout");
    one(c, "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'idem_key'", got,
        sizeof got);
    assert_string_equal(got, "0");
    one(c, "SELECT count(*) FROM pragma_foreign_key_check", got, sizeof got);
    assert_string_equal(got, "0");
    one(c, "PRAGMA integrity_check", got, sizeof got);
    assert_string_equal(got, "ok");
    /* the store's own connection has its foreign keys back */
    one(c, "PRAGMA foreign_keys", got, sizeof got);
    assert_string_equal(got, "1");
    assert_int_not_equal(sqldrv_sqlite.exec(c, "INSERT INTO delivery_attempts (outbox_id, at) "
                                               "VALUES (99, 1)"),
                         0);
    /* the rebuilt table's key refuses a second retraction of punch 1, as
     * idem_key did ("retract/1"), and the enqueue takes it as done */
    assert_int_equal(store_outbox_enqueue_all(s, &again, 1, &err), LR_OK);
    one(c, "SELECT count(*) FROM outbox WHERE punch_id = 1 AND action = 'retract'", got,
        sizeof got);
    assert_string_equal(got, "1");
    store_close(s);
    unlink(path);
}

static void broken_references_stop_the_migration(void **state)
{
    char path[512], got[256];
    sql_conn *c = old_database(path, sizeof path, "broken");
    lr_store *s = NULL;
    lr_error err;
    (void)state;
    /* a row whose punch is gone: written behind loginrec's back */
    run(c, "PRAGMA foreign_keys = OFF");
    run(c, "INSERT INTO outbox (id, company_id, punch_id, action, idem_key, next_attempt_at, "
           "created_at) VALUES (20, 1, 99, 'add', 'k', 1, 1)");
    sqldrv_sqlite.close(c);

    assert_int_not_equal(store_open(path, &s, &err), LR_OK);
    assert_null(s);
    if (!strstr(err.message, "0023") || !strstr(err.message, "outbox") || !strstr(err.message, "punches"))
        fail_msg("the error does not say which migration and table: %s", err.message);
    /* nothing of 0023 is left: the old table, its rows, the old version */
    assert_int_equal(sqldrv_sqlite.open(path, &c, &err), LR_OK);
    one(c, "SELECT max(version) FROM schema_migrations", got, sizeof got);
    assert_string_equal(got, "22"); /* BEFORE */
    one(c, "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'idem_key'", got,
        sizeof got);
    assert_string_equal(got, "1");
    one(c, "SELECT group_concat(id) FROM outbox", got, sizeof got);
    assert_string_equal(got, "20");
    sqldrv_sqlite.close(c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_rebuilt_outbox_keeps_its_rows_and_references),
        cmocka_unit_test(broken_references_stop_the_migration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
