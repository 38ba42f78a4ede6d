/*
 * test_query_plans — every statement of the store that reads log_events,
 * the log view's in each of its filters included, asked of SQLite with
 * EXPLAIN QUERY PLAN on a migrated database: none walks the whole table,
 * and every index log_events keeps serves at least one of them (an index
 * no query needs costs every insert and goes; issue 24). The statements
 * written for PostgreSQL's arrays are PostgreSQL's own and not asked.
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
    sq_texts_SQ_COMPANIES_BASE;

/* The indexes of log_events the plans used, and which. */
typedef struct used {
    char names[16][64];
    int hits[16];
    size_t n;
} used;

/* Asks sql's plan: fails on a whole-table walk of log_events (its alias
 * "e" included), counts the indexes it used. */
static void check_plan(sql_conn *c, const char *sql, used *u)
{
    size_t n = strlen(sql) + 32;
    char *q = malloc(n);
    sql_stmt *st;
    int rc;
    assert_non_null(q);
    snprintf(q, n, "EXPLAIN QUERY PLAN %s", sql);
    st = sqldrv_sqlite.prepare(c, q);
    if (!st)
        fail_msg("cannot ask the plan of: %s", sql);
    while ((rc = sql_step(st)) == SQL_ROW) {
        const char *d = sql_col_text(st, 3);
        if (strncmp(d, "SCAN log_events", 15) == 0 || strcmp(d, "SCAN e") == 0 ||
            strncmp(d, "SCAN e ", 7) == 0)
            fail_msg("walks log_events: %s\n  in: %s", d, sql);
        for (size_t i = 0; i < u->n; i++) {
            const char *at = strstr(d, u->names[i]);
            size_t len = strlen(u->names[i]);
            if (at && (at[len] == '\0' || at[len] == ' '))
                u->hits[i]++;
        }
    }
    assert_int_equal(rc, SQL_DONE);
    sqldrv_sqlite.finalize(st);
    free(q);
}

static void every_event_query_uses_an_index_and_every_index_a_query(void **state)
{
    const sq_texts *files[] = {&sq_texts_SQ_EVENTS_BASE,     &sq_texts_SQ_PAGES_BASE,
                               &sq_texts_SQ_PC_BASE,         &sq_texts_SQ_PEOPLE_BASE,
                               &sq_texts_SQ_PUNCHES_BASE,    &sq_texts_SQ_DIVERGENCE_BASE,
                               &sq_texts_SQ_OVERTIME_BASE,   &sq_texts_SQ_OUTBOX_BASE,
                               &sq_texts_SQ_SOURCES_BASE,    &sq_texts_SQ_COMPANIES_BASE};
    const char *tmp = getenv("LR_TEST_TMP");
    char path[512];
    lr_store *s;
    sql_conn *c;
    sql_stmt *st;
    lr_error err;
    used u = {0};
    size_t asked = 0;
    (void)state;

    snprintf(path, sizeof path, "%s/query_plans.db", tmp ? tmp : "/tmp");
    unlink(path);
    assert_int_equal(store_open(path, &s, &err), LR_OK);
    store_close(s);
    assert_int_equal(sqldrv_sqlite.open(path, &c, &err), LR_OK);
    /* the indexes the schema gives log_events */
    st = sqldrv_sqlite.prepare(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                  "tbl_name = 'log_events' ORDER BY name");
    assert_non_null(st);
    while (sql_step(st) == SQL_ROW && u.n < 16)
        snprintf(u.names[u.n++], sizeof u.names[0], "%s", sql_col_text(st, 0));
    sqldrv_sqlite.finalize(st);
    assert_true(u.n >= 2);

    for (size_t f = 0; f < sizeof files / sizeof *files; f++)
        for (size_t i = 0; i < files[f]->n; i++) {
            const char *sql = files[f]->v[i];
            if (!strstr(sql, "log_events") || strstr(sql, "::") || strncmp(sql, "INSERT", 6) == 0)
                continue; /* no read of events, or PostgreSQL's own */
            check_plan(c, sql, &u);
            asked++;
        }
    /* the log view in each of its filters */
    {
        static const char *const accounts[] = {"a", "b"};
        lr_event_query qs[] = {
            {0, 0, NULL, 0, 0, NULL, NULL, 0, 0, 100},
            {0, 0, NULL, 0, 0, "lanscope", NULL, 0, 0, 100},
            {0, 0, NULL, 0, 0, NULL, "other", 0, 0, 100},
            {0, 0, NULL, 0, 0, NULL, "logon", 5, 9, 100},
            {0, 0, accounts, 2, 7, NULL, NULL, 0, 0, 100},
        };
        for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
            lr_buf b;
            buf_init(&b, 1 << 16);
            assert_int_equal(sq_events_page_sql(&qs[i], &b), LR_OK);
            check_plan(c, buf_str(&b), &u);
            buf_free(&b);
            asked++;
        }
    }
    assert_true(asked >= 8);
    for (size_t i = 0; i < u.n; i++)
        if (u.hits[i] == 0)
            fail_msg("no query uses the index %s of log_events", u.names[i]);
    sqldrv_sqlite.close(c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_event_query_uses_an_index_and_every_index_a_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
