/*
 * fixture — a fresh store per test, removed afterwards: a SQLite file under
 * $LR_TEST_TMP (the build's test-tmp), or with LR_TEST_BACKEND=postgres a
 * new database of the test cluster whose URL is in $LR_PG_URL_FILE (the
 * cluster tests/pg/cluster.sh started). A store's "path" is its file or
 * its URL.
 */
#ifndef LR_TESTS_FIXTURE_H
#define LR_TESTS_FIXTURE_H

#include <stddef.h>

#include "service/ingest.h"
#include "store/store.h"

/* 1 when the tests run on PostgreSQL (LR_TEST_BACKEND=postgres). */
int fixture_pg(void);

/* Opens a new, migrated store; its path goes to path. NULL on failure
 * (the reason printed). */
lr_store *fixture_store_open(const char *name, char *path, size_t pathsz);
void fixture_store_close(lr_store *s, const char *path);

/* The company most tests start from: ACM (Asia/Tokyo, breaks off), division
 * HQ (day change 05:00), employees 1000 勤怠 太郎 (in HQ) and 0012 勤怠 花子,
 * and LanScope account tarouk linked to 1000. Returns 0, or -1 with the
 * reason printed. */
int fixture_company(lr_store *s, lr_company *c);

/* A test's state: a fresh store holding fixture_company. */
typedef struct fx {
    char path[512];
    lr_store *s;
    lr_company c;
} fx;

/* cmocka setup / teardown for an fx named after the test file (name). */
int fixture_fx_setup(void **state, const char *name);
int fixture_fx_teardown(void **state);

/* Ingests a JSON batch with no rejects into f's company; fails the test
 * on any error. */
ingest_result fixture_ingest(fx *f, const char *json);

/* Runs SQL on the store's database directly (what no store call does,
 * like a fault trigger); fails the test on error. */
void fixture_sql(const char *path, const char *sql);

/* Integer result of a one-value query. */
long long fixture_sql_int(const char *path, const char *sql);

/* Makes every INSERT into table whose column equals value fail, from
 * outside the product (a trigger in the backend's dialect). */
void fixture_fail_inserts(const char *path, const char *table, const char *column,
                          const char *value);

#endif
