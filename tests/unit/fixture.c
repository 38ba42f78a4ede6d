/*
 * fixture — throw-away stores for tests (see fixture.h): a SQLite file, or
 * with LR_TEST_BACKEND=postgres a database of the test cluster.
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
#include <libpq-fe.h>
#include <sqlite3.h>

#include "fixture.h"
#include "service/admin.h"

int fixture_pg(void)
{
    const char *b = getenv("LR_TEST_BACKEND");
    return b && strcmp(b, "postgres") == 0;
}

/* The cluster's maintenance URL (BUILD/pg/url, named by LR_PG_URL_FILE),
 * read once. */
static const char *pg_admin_url(void)
{
    static char url[300];
    const char *file = getenv("LR_PG_URL_FILE");
    FILE *fp;
    size_t n;
    if (url[0])
        return url;
    fp = file ? fopen(file, "r") : NULL;
    if (!fp || !fgets(url, sizeof url, fp)) {
        url[0] = '\0';
        fprintf(stderr, "fixture: no PostgreSQL cluster (LR_PG_URL_FILE=%s); "
                        "tests/pg/cluster.sh start BUILD/pg\n", file ? file : "");
        if (fp)
            fclose(fp);
        return NULL;
    }
    fclose(fp);
    n = strcspn(url, "\r\n");
    url[n] = '\0';
    return url;
}

/* Runs sql (no rows) on the database at url; 0, or -1 with the reason
 * printed. */
static int pg_run(const char *url, const char *sql)
{
    PGconn *pg = PQconnectdb(url);
    PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
    int ok = res && (PQresultStatus(res) == PGRES_COMMAND_OK ||
                     PQresultStatus(res) == PGRES_TUPLES_OK);
    if (!ok)
        fprintf(stderr, "fixture: %s: %s\n", sql, PQerrorMessage(pg));
    PQclear(res);
    PQfinish(pg);
    return ok ? 0 : -1;
}

/* A new, empty database of the cluster; its URL in path. */
static int pg_create(const char *name, int n, char *path, size_t pathsz)
{
    const char *admin = pg_admin_url();
    char sql[200], db[100];
    const char *slash;
    if (!admin || !(slash = strrchr(admin, '/')))
        return -1;
    snprintf(db, sizeof db, "lr_unit_%s_%d_%d", name, (int)getpid(), n);
    snprintf(path, pathsz, "%.*s/%s", (int)(slash - admin), admin, db);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    return pg_run(admin, sql);
}

static void pg_drop(const char *path)
{
    const char *admin = pg_admin_url();
    char sql[200];
    if (!admin)
        return;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", strrchr(path, '/') + 1);
    pg_run(admin, sql);
}

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
    if (fixture_pg()) {
        if (pg_create(name, n++, path, pathsz) != 0)
            return NULL;
    } else {
        snprintf(path, pathsz, "%s/%s-%d-%d.db", base ? base : "/tmp", name, (int)getpid(), n++);
        store_sqlite_remove(path);
    }
    if (store_open(path, &s, &err) != LR_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return NULL;
    }
    return s;
}

void fixture_store_close(lr_store *s, const char *path)
{
    store_close(s);
    if (store_is_pg(path))
        pg_drop(path);
    else
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

/* One statement's result on PostgreSQL; fails the test on error. */
static PGresult *pg_query(PGconn **pg, const char *url, const char *sql)
{
    PGresult *res;
    *pg = PQconnectdb(url);
    if (PQstatus(*pg) != CONNECTION_OK)
        fail_msg("%s: %s", url, PQerrorMessage(*pg));
    res = PQexec(*pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(*pg));
    return res;
}

void fixture_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    if (store_is_pg(path)) {
        PGconn *pg;
        PQclear(pg_query(&pg, path, sql));
        PQfinish(pg);
        return;
    }
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
    if (store_is_pg(path)) {
        PGconn *pg;
        PGresult *res = pg_query(&pg, path, sql);
        assert_int_equal(PQntuples(res), 1);
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        PQfinish(pg);
        return v;
    }
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

void fixture_fail_inserts(const char *path, const char *table, const char *column,
                          const char *value)
{
    char sql[600];
    if (store_is_pg(path))
        snprintf(sql, sizeof sql,
                 "CREATE FUNCTION fixture_fault() RETURNS trigger LANGUAGE plpgsql AS $$ "
                 "BEGIN IF NEW.%s = '%s' THEN RAISE EXCEPTION 'injected'; END IF; "
                 "RETURN NEW; END $$; "
                 "CREATE TRIGGER fixture_fault BEFORE INSERT ON %s FOR EACH ROW "
                 "EXECUTE FUNCTION fixture_fault()",
                 column, value, table);
    else
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER fixture_fault BEFORE INSERT ON %s WHEN NEW.%s = '%s' "
                 "BEGIN SELECT RAISE(ABORT, 'injected'); END",
                 table, column, value);
    fixture_sql(path, sql);
}
