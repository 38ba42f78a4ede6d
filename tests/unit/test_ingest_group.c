/*
 * test_ingest_group — several requests' writes under one commit: in a
 * group transaction a nested rollback undoes its own part only; requests
 * that wait while one writes are written together (fewer commits than
 * requests), a request that fails leaves no trace of its transaction while
 * the others are stored (what it notes outside it is kept: a refused file's
 * note, which e2e_ui_status shows), and each request returns only once its
 * writes are committed; on SQLite the large page cache a request asks for
 * stays until the group's commit (none of its pages spilled to the WAL
 * before). On PostgreSQL (a shared store) each request writes
 * alone.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"
#include "service/ingest.h"
#include "service/ingest_group.h"
#include "store/sql_internal.h"
#include "store/store.h"
#include "util/log.h"

static int setup(void **state)
{
    return fixture_fx_setup(state, "ingest_group");
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static void rename_employee(fx *f, const char *code, const char *first)
{
    lr_employee e;
    lr_error err;
    assert_int_equal(store_employee_get(f->s, f->c.id, code, &e, &err), LR_OK);
    snprintf(e.first_name, sizeof e.first_name, "%s", first);
    assert_int_equal(store_employee_update(f->s, &e, &err), LR_OK);
}

static const char *first_name(fx *f, const char *code)
{
    static lr_employee e;
    lr_error err;
    assert_int_equal(store_employee_get(f->s, f->c.id, code, &e, &err), LR_OK);
    return e.first_name;
}

static void a_nested_rollback_undoes_its_own_part(void **state)
{
    fx *f = *state;
    lr_error err;
    assert_int_equal(store_begin_group(f->s, &err), LR_OK);
    assert_int_equal(store_begin(f->s, &err), LR_OK);
    rename_employee(f, "1000", "一");
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_int_equal(store_begin(f->s, &err), LR_OK);
    rename_employee(f, "0012", "二");
    assert_int_equal(store_begin(f->s, &err), LR_OK); /* deeper still */
    rename_employee(f, "1000", "三");
    store_rollback(f->s);
    assert_string_equal(first_name(f, "1000"), "一");
    store_rollback(f->s);
    assert_string_equal(first_name(f, "0012"), "花子");
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_string_equal(first_name(f, "1000"), "一");
    assert_string_equal(first_name(f, "0012"), "花子");
    /* outside a group, a nested rollback still undoes everything */
    assert_int_equal(store_begin(f->s, &err), LR_OK);
    rename_employee(f, "1000", "四");
    assert_int_equal(store_begin(f->s, &err), LR_OK);
    store_rollback(f->s);
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_string_equal(first_name(f, "1000"), "一");
}

/* ---- requests from threads, each with a store handle of its own ---- */

enum { REQUESTS = 8 };

typedef struct shared {
    fx *f;
    ingest_group *g;
    atomic_int asking; /* requests about to call ingest_group_run */
    atomic_int writing0; /* request 0 is being written: the others may start */
    int lose;          /* request 5 undoes the whole group transaction */
} shared;

typedef struct request {
    shared *sh;
    lr_store *s; /* its own handle, opened before the threads start */
    int i;
    lr_status st;
    lr_error err;
    int committed_when_returned;
    log_context seen; /* the log context its work ran under */
} request;

/* Request i adds a division of its own, in its own transaction; request 3
 * writes, then fails and rolls back. Request 0 waits until the others are asking, so that
 * they queue behind its write. */
static lr_status work(lr_store *s, void *ctx, lr_error *err)
{
    request *r = ctx;
    lr_division d = {0};
    log_get_context(&r->seen);
    if (r->i == 0) {
        atomic_store(&r->sh->writing0, 1);
        while (atomic_load(&r->sh->asking) < REQUESTS - 1)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        nanosleep(&(struct timespec){0, 50000000}, NULL); /* and are in the queue */
    }
    d.company_id = r->sh->f->c.id;
    snprintf(d.code, sizeof d.code, "G%d", r->i);
    snprintf(d.name, sizeof d.name, "group %d", r->i);
    if (r->sh->lose && r->i == 5) {
        /* what an I/O error under a savepoint does: the group's transaction
         * goes whole; the request itself thinks it did fine */
        store_rollback(s);
        return LR_OK;
    }
    if (store_begin(s, err) != LR_OK)
        return LR_ESTORE;
    if (store_division_upsert(s, &d, err) != LR_OK || r->i == 3) {
        store_rollback(s);
        if (r->i != 3)
            return LR_ESTORE;
        /* a note of the refusal, outside its transaction (as a refused file's
         * is): kept */
        snprintf(d.code, sizeof d.code, "NOTE3");
        if (store_division_upsert(s, &d, err) != LR_OK)
            return LR_ESTORE;
        return lr_fail(err, LR_EINVAL, "request 3 refuses");
    }
    return store_commit(s, err);
}

static void *request_thread(void *arg)
{
    request *r = arg;
    lr_store *s = r->s;
    lr_error err;
    lr_division d;
    char id[16];
    snprintf(id, sizeof id, "req-%d", r->i);
    log_set_context(id, r->i % 2 ? "ODD" : "EVEN"); /* as the server sets it */
    if (r->i != 0)
        atomic_fetch_add(&r->sh->asking, 1);
    r->st = ingest_group_run(r->sh->g, s, work, r, &r->err);
    /* what another handle sees once the call returned */
    char code[8];
    snprintf(code, sizeof code, "G%d", r->i);
    r->committed_when_returned =
        store_division_get(s, r->sh->f->c.id, code, &d, &err) == LR_OK;
    return NULL;
}

/* Runs REQUESTS requests from as many threads; request 0 writes first,
 * alone (the others start once it is being written), the others queue
 * behind it and are written together. */
static void run_requests(fx *f, shared *sh, request *rs)
{
    pthread_t t[REQUESTS];
    sh->f = f;
    sh->g = ingest_group_new(0);
    assert_non_null(sh->g);
    for (int i = 0; i < REQUESTS; i++) {
        lr_error err;
        rs[i] = (request){.sh = sh, .i = i};
        if (store_open(f->path, &rs[i].s, &err) != LR_OK)
            fail_msg("opening handle %d: %s", i, err.message);
    }
    for (int i = 0; i < REQUESTS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, request_thread, &rs[i]), 0);
        while (i == 0 && !atomic_load(&sh->writing0))
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    for (int i = 0; i < REQUESTS; i++) {
        pthread_join(t[i], NULL);
        store_close(rs[i].s);
    }
}

static void waiting_requests_share_a_commit(void **state)
{
    fx *f = *state;
    shared sh = {0};
    request rs[REQUESTS];
    ingest_group_stats st;
    run_requests(f, &sh, rs);
    for (int i = 0; i < REQUESTS; i++) {
        char id[16];
        /* written on another request's thread, its work logs as itself */
        snprintf(id, sizeof id, "req-%d", i);
        assert_string_equal(rs[i].seen.request_id, id);
        assert_string_equal(rs[i].seen.company, i % 2 ? "ODD" : "EVEN");
        if (i == 3) {
            assert_int_equal(rs[i].st, LR_EINVAL);
            assert_string_equal(rs[i].err.message, "request 3 refuses");
            assert_false(rs[i].committed_when_returned);
        } else {
            if (rs[i].st != LR_OK)
                fail_msg("request %d: %s", i, rs[i].err.message);
            assert_true(rs[i].committed_when_returned);
        }
    }
    {
        lr_division d;
        lr_error err;
        assert_int_equal(store_division_get(f->s, f->c.id, "NOTE3", &d, &err), LR_OK);
    }
    ingest_group_stats_get(sh.g, &st);
    if (fixture_pg()) {
        assert_int_equal(st.requests, 0); /* each wrote alone, in its own transaction */
    } else {
        assert_int_equal(st.requests, REQUESTS);
        if (st.commits > REQUESTS / 2)
            fail_msg("%llu commits for %d requests: the waiting ones were not written together",
                     st.commits, REQUESTS);
    }
    ingest_group_free(sh.g);
}

/* The group's transaction undone under a request (request 5 here): every
 * request written with it, before or after, fails and has nothing stored;
 * none is answered as if stored. */
static void a_lost_group_fails_every_request_in_it(void **state)
{
    fx *f = *state;
    shared sh = {.lose = 1};
    request rs[REQUESTS];
    if (fixture_pg())
        skip(); /* no group on PostgreSQL: each request is its own transaction */
    run_requests(f, &sh, rs);
    assert_int_equal(rs[0].st, LR_OK); /* written alone, first */
    assert_true(rs[0].committed_when_returned);
    assert_int_not_equal(rs[5].st, LR_OK);
    /* the ones written with 5 (all of them, unless one queued late) */
    for (int i = 1; i < REQUESTS; i++) {
        if (rs[i].st == LR_OK && !rs[i].committed_when_returned)
            fail_msg("request %d was answered as stored; the group it was in was undone", i);
        if (rs[i].st != LR_OK && i != 3)
            assert_int_equal(rs[i].st, LR_EBUSY);
    }
    ingest_group_free(sh.g);
}

/* A request's worth of events (n, unlinked: stored, no punches), as JSON. */
static char *events_json(int first, int n)
{
    size_t cap = (size_t)n * 128 + 16, len = 0;
    char *j = malloc(cap);
    assert_non_null(j);
    j[len++] = '[';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(j + len, cap - len,
                                "%s{\"source\":\"lanscope\",\"account\":\"spill%05d\","
                                "\"host\":\"PC\",\"op\":\"logon\",\"time\":"
                                "\"2026-11-%02dT09:%02d:%02d+09:00\"}",
                                i ? "," : "", first + i, 1 + i % 28, i / 60 % 60, i % 60);
    snprintf(j + len, cap - len, "]");
    return j;
}

/* SQLite's page cache size of f's connection, in KiB; 0 on PostgreSQL. */
static long cache_kib(fx *f)
{
    sqlite3_stmt *st;
    long kib = 0;
    if (store_shared(f->s))
        return 0;
    assert_int_equal(sqlite3_prepare_v2((sqlite3 *)S(f->s)->db, "PRAGMA cache_size", -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        kib = -sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return kib;
}

/* Two requests in one group transaction, as ingest_group writes them: the
 * large cache each request asks for stays until the group's commit. Each
 * request shrank it back to SQLite's 2 MiB as it ended, under the group's
 * open transaction and its dirty pages, and every page fetched after that
 * spilled some to the WAL before the commit (bench/ingest_api.sh: 73 of 100
 * commits, read with SQLITE_DBSTATUS_CACHE_SPILL). */
static void a_group_keeps_its_cache_until_its_commit(void **state)
{
    fx *f = *state;
    lr_error err;
    ingest_result res;
    long plain = cache_kib(f), during[2];
    char *j[2] = {events_json(0, 3000), events_json(3000, 3000)};
    assert_int_equal(store_begin_group(f->s, &err), LR_OK);
    for (int i = 0; i < 2; i++) {
        lr_event_batch b = {0};
        assert_int_equal(ingest_json(f->s, &f->c, "request body", j[i], strlen(j[i]), 0, NULL,
                                     &b, &res, &err),
                         LR_OK);
        assert_int_equal(res.accepted, 3000);
        event_batch_free(&b);
        during[i] = cache_kib(f);
    }
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    if (!store_shared(f->s)) {
        assert_true(during[0] > plain && during[1] == during[0]);
        assert_int_equal(cache_kib(f), plain); /* and not after */
    }
    /* alone, a request gives its cache back when it ends */
    {
        char *one = events_json(6000, 10);
        lr_event_batch b = {0};
        assert_int_equal(ingest_json(f->s, &f->c, "request body", one, strlen(one), 0, NULL, &b,
                                     &res, &err),
                         LR_OK);
        assert_int_equal(res.accepted, 10);
        event_batch_free(&b);
        free(one);
    }
    assert_int_equal(cache_kib(f), plain);
    free(j[0]);
    free(j[1]);
}

/* The largest request the API takes (LR_INGEST_MAX_EVENTS events) is
 * written without spilling a page to the WAL before its commit: the cache
 * a bulk write asks for holds its transaction's pages (16 MiB spilled 7,574
 * pages of a 100,000-row LanScope file's 11,142). */
static void the_largest_request_spills_nothing(void **state)
{
    fx *f = *state;
    lr_error err;
    ingest_result res;
    lr_event_batch b = {0};
    int spilled = 0, hi = 0;
    char *j = events_json(0, LR_INGEST_MAX_EVENTS);
    sqlite3 *db = store_shared(f->s) ? NULL : (sqlite3 *)S(f->s)->db;
    if (db)
        sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_SPILL, &spilled, &hi, 1);
    assert_int_equal(ingest_json(f->s, &f->c, "request body", j, strlen(j), 0, NULL, &b, &res,
                                 &err),
                     LR_OK);
    assert_int_equal(res.accepted, LR_INGEST_MAX_EVENTS);
    event_batch_free(&b);
    free(j);
    if (db) {
        sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_SPILL, &spilled, &hi, 1);
        assert_int_equal(spilled, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_nested_rollback_undoes_its_own_part, setup, teardown),
        cmocka_unit_test_setup_teardown(waiting_requests_share_a_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(a_lost_group_fails_every_request_in_it, setup, teardown),
        cmocka_unit_test_setup_teardown(a_group_keeps_its_cache_until_its_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(the_largest_request_spills_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
