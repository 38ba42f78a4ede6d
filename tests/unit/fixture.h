/*
 * fixture — a fresh SQLite store file per test, under $LR_TEST_TMP (the
 * build's test-tmp), removed with its WAL files afterwards.
 */
#ifndef LR_TESTS_FIXTURE_H
#define LR_TESTS_FIXTURE_H

#include <stddef.h>

#include "service/ingest.h"
#include "store/store.h"

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

/* Runs one SQL statement on the file directly (what no store call does,
 * like a fault trigger); fails the test on error. */
void fixture_sql(const char *path, const char *sql);

/* Integer result of a one-value query. */
long long fixture_sql_int(const char *path, const char *sql);

#endif
