/*
 * fixture — throw-away store files for tests (see fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "fixture.h"
#include "service/admin.h"

lr_store *fixture_store_open(const char *name, char *path, size_t pathsz)
{
    static int n;
    const char *base = getenv("LR_TEST_TMP");
    lr_store *s;
    lr_error err;
    if (sodium_init() < 0)
        return NULL;
    if (base)
        mkdir(base, 0700);
    snprintf(path, pathsz, "%s/%s-%d-%d.db", base ? base : "/tmp", name, (int)getpid(), n++);
    store_sqlite_remove(path);
    if (store_open(path, &s, &err) != LR_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return NULL;
    }
    return s;
}

void fixture_store_close(lr_store *s, const char *path)
{
    store_close(s);
    store_sqlite_remove(path);
}

int fixture_company(lr_store *s, lr_company *c)
{
    char token[LR_TOKEN_LEN + 1];
    lr_error err;
    if (admin_company_add(s, "ACM", "Acme", "Asia/Tokyo", 0, "test", token, &err) != LR_OK ||
        admin_division_set(s, "ACM", "HQ", "本社", "05:00", "test", &err) != LR_OK ||
        admin_employee_add(s, "ACM", "1000", "勤怠", "太郎", "HQ", "test", &err) != LR_OK ||
        admin_employee_add(s, "ACM", "0012", "勤怠", "花子", NULL, "test", &err) != LR_OK ||
        admin_link_set(s, "ACM", "lanscope", "1000", "tarouk", "test", &(rederive_stats){0},
                       &err) != LR_OK ||
        store_company_get(s, "ACM", c, &err) != LR_OK) {
        fprintf(stderr, "fixture: %s\n", err.message);
        return -1;
    }
    return 0;
}

int fixture_fx_setup(void **state, const char *name)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || !(f->s = fixture_store_open(name, f->path, sizeof f->path)) ||
        fixture_company(f->s, &f->c) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int fixture_fx_teardown(void **state)
{
    fx *f = *state;
    fixture_store_close(f->s, f->path);
    free(f);
    return 0;
}

ingest_result fixture_ingest(fx *f, const char *json)
{
    lr_event_batch b;
    lr_error err;
    ingest_result r;
    assert_int_equal(event_batch_parse_json(json, strlen(json), 1000, "t", &b, &err), LR_OK);
    assert_int_equal(b.nrejects, 0);
    if (ingest_events(f->s, &f->c, b.events, b.nevents, &r, &err) != LR_OK)
        fail_msg("ingest: %s", err.message);
    event_batch_free(&b);
    return r;
}

void fixture_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

long long fixture_sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}
