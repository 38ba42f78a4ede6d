/*
 * test_query_plans — the two tables every event and every punch write
 * (log_events, outbox): each statement of the store that reads one of
 * them, the log view's in each of its filters included, asked of SQLite
 * with EXPLAIN QUERY PLAN on a migrated database. None walks the whole
 * table; one that names accounts finds its events by account (walking a
 * company's events by time instead took ログ表示 0.9 s at 1,000,000
 * events once 0020 dropped the index SQLite had used); and every index the table keeps serves at least one of them (an
 * index no query needs costs every insert and goes; issue 24). The
 * statements written for PostgreSQL's arrays are PostgreSQL's own and not
 * asked. And no table's CHECK has a list (x IN ('a', 'b', 'c')): SQLite
 * builds a temporary table of it for every row written (migration 0021);
 * the rewritten ones refuse what they refused.
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

#include "store/sql_internal.h"

extern const sq_texts sq_texts_SQ_EVENTS_BASE, sq_texts_SQ_PAGES_BASE, sq_texts_SQ_PC_BASE,
    sq_texts_SQ_PEOPLE_BASE, sq_texts_SQ_PUNCHES_BASE, sq_texts_SQ_DIVERGENCE_BASE,
    sq_texts_SQ_OVERTIME_BASE, sq_texts_SQ_OUTBOX_BASE, sq_texts_SQ_SOURCES_BASE,
    sq_texts_SQ_COMPANIES_BASE, sq_texts_SQ_PURGE_BASE, sq_texts_SQ_CHAIN_BASE;

/* A table, the aliases the store's SQL gives it, its indexes, and how
 * many plans used each. */
typedef struct used {
    const char *table;
    const char *aliases[4];
    char names[16][64];
    char cols[16][200]; /* its columns, comma-separated; "" for a partial index */
    int hits[16];
    size_t n;
} used;

/* Whether the plan's line d is a `how` ("SCAN ": a walk of the whole
 * table, "SEARCH ": through an index) of u's table. */
static int on_table(const used *u, const char *d, const char *how)
{
    const char *names[5] = {u->table, u->aliases[0], u->aliases[1], u->aliases[2], u->aliases[3]};
    size_t h = strlen(how);
    for (int i = 0; i < 5 && names[i]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(d, how, h) == 0 && strncmp(d + h, names[i], n) == 0 &&
            (d[h + n] == '\0' || d[h + n] == ' '))
            return 1;
    }
    return 0;
}

/* Asks sql's plan: fails on a whole-table walk of u's table (by its
 * aliases too), counts the indexes it used. */
static void check_plan(sql_conn *c, const char *sql, used *u)
{
    size_t n = strlen(sql) + 32;
    char *q = malloc(n);
    sql_stmt *st;
    int rc;
    assert_non_null(q);
    snprintf(q, n, "EXPLAIN QUERY PLAN %s", sql);
    int by_account = strcmp(u->table, "log_events") == 0 &&
                     (strstr(sql, "account IN (") || strstr(sql, "account = ?"));
    st = sqldrv_sqlite.prepare(c, q);
    if (!st)
        fail_msg("cannot ask the plan of: %s", sql);
    while ((rc = sql_step(st)) == SQL_ROW) {
        const char *d = sql_col_text(st, 3);
        if (on_table(u, d, "SCAN "))
            fail_msg("walks %s: %s\n  in: %s", u->table, d, sql);
        if (by_account && on_table(u, d, "SEARCH ") && strstr(d, "account=?"))
            by_account = 0; /* found by account */
        for (size_t i = 0; i < u->n; i++) {
            const char *at = strstr(d, u->names[i]);
            size_t len = strlen(u->names[i]);
            if (at && (at[len] == '\0' || at[len] == ' '))
                u->hits[i]++;
        }
    }
    assert_int_equal(rc, SQL_DONE);
    if (by_account)
        fail_msg("names accounts but does not find its events by account\n  in: %s", sql);
    sqldrv_sqlite.finalize(st);
    free(q);
}

static const sq_texts *const files[] = {
    &sq_texts_SQ_EVENTS_BASE,     &sq_texts_SQ_PAGES_BASE,    &sq_texts_SQ_PC_BASE,
    &sq_texts_SQ_PEOPLE_BASE,     &sq_texts_SQ_PUNCHES_BASE,  &sq_texts_SQ_DIVERGENCE_BASE,
    &sq_texts_SQ_OVERTIME_BASE,   &sq_texts_SQ_OUTBOX_BASE,   &sq_texts_SQ_SOURCES_BASE,
    &sq_texts_SQ_COMPANIES_BASE,  &sq_texts_SQ_PURGE_BASE,    &sq_texts_SQ_CHAIN_BASE};

/* A migrated database's connection (SQLite), and u's indexes read from it. */
static sql_conn *open_db(used *u, char *path, size_t pathsz)
{
    const char *tmp = getenv("LR_TEST_TMP");
    char q[600];
    lr_store *s;
    sql_conn *c;
    sql_stmt *st;
    lr_error err;
    snprintf(path, pathsz, "%s/query_plans_%s.db", tmp ? tmp : "/tmp", u->table);
    unlink(path);
    assert_int_equal(store_open(path, &s, &err), LR_OK);
    store_close(s);
    assert_int_equal(sqldrv_sqlite.open(path, &c, &err), LR_OK);
    snprintf(q, sizeof q,
             "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '%s' ORDER BY name",
             u->table);
    st = sqldrv_sqlite.prepare(c, q);
    assert_non_null(st);
    while (sql_step(st) == SQL_ROW && u->n < 16)
        snprintf(u->names[u->n++], sizeof u->names[0], "%s", sql_col_text(st, 0));
    sqldrv_sqlite.finalize(st);
    assert_true(u->n >= 1);
    for (size_t i = 0; i < u->n; i++) {
        snprintf(q, sizeof q,
                 "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info('%s') "
                 "ORDER BY seqno) WHERE NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = "
                 "'%s' AND sql LIKE '%% WHERE %%')",
                 u->names[i], u->names[i]);
        st = sqldrv_sqlite.prepare(c, q);
        assert_non_null(st);
        assert_int_equal(sql_step(st), SQL_ROW);
        snprintf(u->cols[i], sizeof u->cols[0], "%s",
                 sql_col_text(st, 0) ? sql_col_text(st, 0) : "");
        sqldrv_sqlite.finalize(st);
    }
    return c;
}

/* Asks every statement that reads u's table (not only writes it); returns
 * how many. */
static size_t check_statements(sql_conn *c, used *u)
{
    size_t asked = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++)
        for (size_t i = 0; i < files[f]->n; i++) {
            const char *sql = files[f]->v[i];
            if (!strstr(sql, u->table) || strstr(sql, "::") ||
                (strncmp(sql, "INSERT", 6) == 0 && !strstr(sql, "SELECT")))
                continue; /* no read of it, or PostgreSQL's own */
            check_plan(c, sql, u);
            asked++;
        }
    return asked;
}

/* Every index serves a read; a UNIQUE constraint's own (SQLite names it
 * sqlite_autoindex_...) is there for what it refuses. And none is the
 * first columns of another (that one serves its reads as well). */
static void every_index_used(const used *u)
{
    for (size_t i = 0; i < u->n; i++)
        for (size_t j = 0; j < u->n; j++) {
            size_t n = strlen(u->cols[i]);
            if (i != j && n && strncmp(u->cols[j], u->cols[i], n) == 0 &&
                (u->cols[j][n] == ',' || u->cols[j][n] == '\0') &&
                strncmp(u->names[i], "sqlite_autoindex_", 17) != 0)
                fail_msg("the index %s (%s) of %s repeats the first columns of %s (%s)",
                         u->names[i], u->cols[i], u->table, u->names[j], u->cols[j]);
        }
    for (size_t i = 0; i < u->n; i++)
        if (u->hits[i] == 0 && strncmp(u->names[i], "sqlite_autoindex_", 17) != 0)
            fail_msg("no query uses the index %s of %s", u->names[i], u->table);
}

static void events_queries_and_indexes(void **state)
{
    char path[512];
    used u = {.table = "log_events", .aliases = {"e"}};
    sql_conn *c = open_db(&u, path, sizeof path);
    size_t asked = check_statements(c, &u);
    static const char *const accounts[] = {"a", "b"};
    lr_event_query qs[] = {
        {0, 0, NULL, 0, 0, NULL, NULL, 0, 0, 100},
        {0, 0, NULL, 0, 0, "lanscope", NULL, 0, 0, 100},
        {0, 0, NULL, 0, 0, NULL, "other", 0, 0, 100},
        {0, 0, NULL, 0, 0, NULL, "logon", 5, 9, 100},
        {0, 0, accounts, 2, 7, NULL, NULL, 0, 0, 100},
        {0, 0, accounts, 1, 7, NULL, NULL, 0, 0, 100}, /* an employee with one link */
        {0, 0, accounts, 1, 0, NULL, NULL, 5, 9, 100}, /* a PC user name, a later page */
    };
    (void)state;
    /* the log view in each of its filters */
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        lr_buf b;
        buf_init(&b, 1 << 16);
        assert_int_equal(sq_events_page_sql(&qs[i], &b), LR_OK);
        check_plan(c, buf_str(&b), &u);
        buf_free(&b);
        asked++;
    }
    assert_true(asked >= 8);
    every_index_used(&u);
    sqldrv_sqlite.close(c);
    unlink(path);
}

static void outbox_queries_and_indexes(void **state)
{
    char path[512];
    used u = {.table = "outbox", .aliases = {"o", "o2"}};
    sql_conn *c = open_db(&u, path, sizeof path);
    (void)state;
    assert_true(check_statements(c, &u) >= 6);
    every_index_used(&u);
    sqldrv_sqlite.close(c);
    unlink(path);
}

/* A purge (store_sql_purge.c) finds every row it reads or removes by an
 * index: a company's punches of every state by day, a row's attempts, the
 * rows that name a purged punch (which the foreign keys look for too: a
 * walk of the table for each punch removed, without one). */
static void punches_and_attempts_queries_and_indexes(void **state)
{
    static const char *const tables[] = {"punches",     "delivery_attempts", "event_flags",
                                         "win_records", "unix_records",      "kot_records",
                                         "divergences"};
    (void)state;
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char path[512];
        used u = {.table = tables[i], .aliases = {"p", "d"}};
        sql_conn *c = open_db(&u, path, sizeof path);
        assert_true(check_statements(c, &u) >= 1);
        every_index_used(&u);
        sqldrv_sqlite.close(c);
        unlink(path);
    }
}

static int run(sql_conn *c, const char *sql)
{
    return sqldrv_sqlite.exec(c, sql);
}

static void checks_have_no_lists_and_still_refuse(void **state)
{
    char path[512];
    used u = {.table = "punches"};
    sql_conn *c = open_db(&u, path, sizeof path);
    sql_stmt *st;
    (void)state;
    st = sqldrv_sqlite.prepare(c, "SELECT group_concat(name) FROM sqlite_master WHERE type = "
                                  "'table' AND sql LIKE '%CHECK (%IN (%'");
    assert_int_equal(sql_step(st), SQL_ROW);
    if (sql_col_text(st, 0))
        fail_msg("a CHECK with a list in: %s", sql_col_text(st, 0));
    sqldrv_sqlite.finalize(st);
    st = sqldrv_sqlite.prepare(c, "PRAGMA integrity_check");
    assert_int_equal(sql_step(st), SQL_ROW);
    assert_string_equal(sql_col_text(st, 0), "ok");
    sqldrv_sqlite.finalize(st);
    assert_int_equal(run(c, "PRAGMA foreign_keys = OFF"), 0);
    assert_int_equal(run(c, "INSERT INTO punches (company_id, employee_id, work_day, kind, ts_utc, "
                            "state, created_at) VALUES (1, 1, '2026-12-01', 1, 5, 'replaced', 1)"),
                     0);
    assert_int_not_equal(run(c, "INSERT INTO punches (company_id, employee_id, work_day, kind, "
                                "ts_utc, state, created_at) VALUES (1, 1, '2026-12-01', 1, 6, "
                                "'gone', 1)"),
                         0);
    assert_int_equal(run(c, "INSERT INTO outbox (company_id, punch_id, action, "
                            "next_attempt_at, created_at, state) VALUES (1, 1, 'retract', 1, "
                            "1, 'failed')"),
                     0);
    assert_int_not_equal(run(c, "INSERT INTO outbox (company_id, punch_id, action, "
                                "next_attempt_at, created_at) VALUES (1, 2, 'delete', 1, 1)"),
                         0);
    /* a punch retracted once (0023's unique key, idem_key's before) */
    assert_int_not_equal(run(c, "INSERT INTO outbox (company_id, punch_id, action, "
                                "next_attempt_at, created_at) VALUES (1, 1, 'retract', 1, 1)"),
                         0);
    assert_int_not_equal(run(c, "UPDATE outbox SET state = 'lost'"), 0);
    sqldrv_sqlite.close(c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_queries_and_indexes),
        cmocka_unit_test(outbox_queries_and_indexes),
        cmocka_unit_test(punches_and_attempts_queries_and_indexes),
        cmocka_unit_test(checks_have_no_lists_and_still_refuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
