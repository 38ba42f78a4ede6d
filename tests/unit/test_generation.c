/*
 * test_generation — a company's data generation, what the response cache
 * keys answers by (resp_cache.h): every write of what a page or the read
 * API shows moves it, with its transaction (once per commit, not at all on
 * a rollback), and only its own company's; delivery's bookkeeping does
 * not. On SQLite and on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "service/admin.h"
#include "service/ingest.h"
#include "store/store.h"

static int setup(void **state)
{
    return fixture_fx_setup(state, "generation");
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static int64_t gen_of(fx *f, const char *code)
{
    lr_company c;
    lr_error err;
    assert_int_equal(store_company_get(f->s, code, &c, &err), LR_OK);
    return c.generation;
}

static lr_employee employee(fx *f, const char *code)
{
    lr_employee e;
    lr_error err;
    assert_int_equal(store_employee_get(f->s, f->c.id, code, &e, &err), LR_OK);
    return e;
}

static void an_ingest_moves_it(void **state)
{
    fx *f = *state;
    int64_t g0 = gen_of(f, "ACM");
    ingest_result r = fixture_ingest(
        f, "[{\"source\":\"lanscope\",\"account\":\"tarouk\",\"host\":\"PC-1\",\"op\":\"logon\","
           "\"time\":\"2026-11-16T09:00:00+09:00\"},{\"source\":\"lanscope\",\"account\":"
           "\"tarouk\",\"host\":\"PC-1\",\"op\":\"logoff\",\"time\":\"2026-11-16T18:00:00+09:00\"}]");
    assert_int_equal(r.accepted, 2);
    assert_true(gen_of(f, "ACM") > g0);
    /* an unlinked account's events are data too (ログ表示 lists them) */
    g0 = gen_of(f, "ACM");
    fixture_ingest(f, "[{\"source\":\"lanscope\",\"account\":\"ghost\",\"host\":\"PC-9\","
                      "\"op\":\"logon\",\"time\":\"2026-11-16T09:00:00+09:00\"}]");
    assert_true(gen_of(f, "ACM") > g0);
}

/* Each kind of write the cached answers show, outside a transaction. */
static void every_kind_of_write_moves_it(void **state)
{
    fx *f = *state;
    lr_error err;
    lr_employee e = employee(f, "0012");
    lr_division d = {0};
    lr_company c = f->c;
    lr_link l = {e.id, LINK_LANSCOPE, "hanakok"};
    char prev[LR_ACCOUNT_MAX + 1];
    lr_div_reason reason = {0};
    int64_t g = gen_of(f, "ACM");

#define MOVES(what, call)                                                                          \
    do {                                                                                           \
        assert_int_equal((call), LR_OK);                                                           \
        int64_t now_ = gen_of(f, "ACM");                                                           \
        if (now_ <= g)                                                                             \
            fail_msg("%s: generation stayed %lld", what, (long long)g);                            \
        g = now_;                                                                                  \
    } while (0)
    MOVES("a link set", store_link_set(f->s, f->c.id, &l, prev, sizeof prev, &err));
    MOVES("a link removed", store_link_delete(f->s, f->c.id, LINK_LANSCOPE, e.id, &err));
    snprintf(e.last_name, sizeof e.last_name, "改名");
    MOVES("an employee renamed", store_employee_update(f->s, &e, &err));
    d.company_id = f->c.id;
    snprintf(d.code, sizeof d.code, "SALES");
    snprintf(d.name, sizeof d.name, "営業");
    MOVES("a division", store_division_upsert(f->s, &d, &err));
    snprintf(c.name, sizeof c.name, "Acme 2");
    MOVES("the company's settings", store_company_update(f->s, &c, &err));
    snprintf(reason.code, sizeof reason.code, "visit");
    snprintf(reason.label_ja, sizeof reason.label_ja, "訪問");
    snprintf(reason.label_en, sizeof reason.label_en, "Visit");
    MOVES("a divergence reason", store_div_reason_put(f->s, f->c.id, &reason, &err));
    MOVES("a division's divergence limits",
          store_division_limits_set(f->s, f->c.id, d.id, 20, 20, &err));
#undef MOVES
}

/* Writes of one transaction move it once, at the commit; a rollback not at
 * all. */
static void a_transaction_moves_it_once(void **state)
{
    fx *f = *state;
    lr_error err;
    lr_employee e = employee(f, "0012");
    int64_t g = gen_of(f, "ACM");

    assert_int_equal(store_begin(f->s, &err), LR_OK);
    for (int i = 0; i < 3; i++) {
        snprintf(e.first_name, sizeof e.first_name, "名%d", i);
        assert_int_equal(store_employee_update(f->s, &e, &err), LR_OK);
    }
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_int_equal(gen_of(f, "ACM"), g + 1);

    assert_int_equal(store_begin(f->s, &err), LR_OK);
    snprintf(e.first_name, sizeof e.first_name, "戻す");
    assert_int_equal(store_employee_update(f->s, &e, &err), LR_OK);
    store_rollback(f->s);
    assert_int_equal(gen_of(f, "ACM"), g + 1);
    assert_string_equal(employee(f, "0012").first_name, "名2");
}

/* A transaction writing for more companies than its list holds moves each
 * of them; a company it does not write keeps its generation. */
static void only_the_companies_written_move(void **state)
{
    fx *f = *state;
    enum { N = 11 };
    char code[8], token[LR_TOKEN_LEN + 1];
    int64_t before[N];
    lr_error err;

    for (int i = 0; i < N; i++) {
        snprintf(code, sizeof code, "C%02d", i);
        assert_int_equal(admin_company_add(f->s, code, "Co", "Asia/Tokyo", 0, "test", token, &err),
                         LR_OK);
        before[i] = gen_of(f, code);
    }
    int64_t acm = gen_of(f, "ACM");
    assert_int_equal(store_begin(f->s, &err), LR_OK);
    for (int i = N - 1; i >= 1; i--) { /* C00 is not written */
        lr_company c;
        lr_employee e = {0};
        snprintf(code, sizeof code, "C%02d", i);
        assert_int_equal(store_company_get(f->s, code, &c, &err), LR_OK);
        e.company_id = c.id;
        snprintf(e.code, sizeof e.code, "E%d", i);
        snprintf(e.last_name, sizeof e.last_name, "社員");
        assert_int_equal(store_employee_insert(f->s, &e, &err), LR_OK);
    }
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_int_equal(gen_of(f, "C00"), before[0]);
    for (int i = 1; i < N; i++) {
        snprintf(code, sizeof code, "C%02d", i);
        if (gen_of(f, code) <= before[i])
            fail_msg("company %s was written, its generation stayed %lld", code,
                     (long long)before[i]);
    }
    assert_int_equal(gen_of(f, "ACM"), acm);
}

/* In a group transaction (several requests under one commit), a request
 * that wrote for many companies and one that then wrote for another and
 * rolled back: the first one's companies still move at the commit (a bump
 * made early, inside the second's savepoint, went with its rollback). */
static void a_rolled_back_request_keeps_the_others_bumps(void **state)
{
    fx *f = *state;
    enum { N = 9 }; /* 8 companies fill what the list once held; the 9th overflowed it */
    char code[8], token[LR_TOKEN_LEN + 1];
    int64_t before[N], ids[N];
    lr_error err;

    for (int i = 0; i < N; i++) {
        lr_company c;
        snprintf(code, sizeof code, "G%02d", i);
        assert_int_equal(admin_company_add(f->s, code, "Co", "Asia/Tokyo", 0, "test", token, &err),
                         LR_OK);
        assert_int_equal(store_company_get(f->s, code, &c, &err), LR_OK);
        before[i] = c.generation;
        ids[i] = c.id;
    }
    assert_int_equal(store_begin_group(f->s, &err), LR_OK);
    assert_int_equal(store_begin(f->s, &err), LR_OK); /* request 1: companies 0..8 */
    for (int i = 0; i < N - 1; i++) {
        lr_employee e = {.company_id = ids[i]};
        snprintf(e.code, sizeof e.code, "E%d", i);
        snprintf(e.last_name, sizeof e.last_name, "社員");
        assert_int_equal(store_employee_insert(f->s, &e, &err), LR_OK);
    }
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_int_equal(store_begin(f->s, &err), LR_OK); /* request 2: company 9, refused */
    {
        lr_employee e = {.company_id = ids[N - 1]};
        snprintf(e.code, sizeof e.code, "E9");
        snprintf(e.last_name, sizeof e.last_name, "社員");
        assert_int_equal(store_employee_insert(f->s, &e, &err), LR_OK);
    }
    store_rollback(f->s);
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    for (int i = 0; i < N - 1; i++) {
        snprintf(code, sizeof code, "G%02d", i);
        if (gen_of(f, code) <= before[i])
            fail_msg("company %s was written and committed, its generation stayed %lld", code,
                     (long long)before[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_ingest_moves_it, setup, teardown),
        cmocka_unit_test_setup_teardown(every_kind_of_write_moves_it, setup, teardown),
        cmocka_unit_test_setup_teardown(a_transaction_moves_it_once, setup, teardown),
        cmocka_unit_test_setup_teardown(only_the_companies_written_move, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rolled_back_request_keeps_the_others_bumps, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
