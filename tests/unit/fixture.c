/*
 * fixture — throw-away store files for tests (see fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "fixture.h"

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
    unlink(path);
    if (store_open(path, &s, &err) != LR_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return NULL;
    }
    return s;
}

void fixture_store_close(lr_store *s, const char *path)
{
    char p[600];
    store_close(s);
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s.key", path);
    unlink(p);
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
