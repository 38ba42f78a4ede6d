/*
 * test_kot_dispatch — punch delivery's state machine, driven through the
 * runner (kot_deliver) on a real store, with a fake transport standing in
 * for KING OF TIME (no process, no socket) and a clock the test moves:
 * claim before the call; sent; no answer -> uncertain -> read back and
 * found, or absent and sent; restricted hours -> wait for the window's end
 * with no call; maintenance and rate limits -> backoff; refusals parked;
 * superseded punches, breaks off and retractions need no call; a crash
 * between the claim and the record; the company's rate; one company's
 * silent KoT never holding another's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fixture.h"
#include "service/admin.h"
#include "service/divergence_review.h"
#include "service/kot_budget.h"
#include "service/kot_deliver.h"
#include "service/kot_settings.h"
#include "service/kot_dispatch.h"
#include "sinks/kot_client.h"
#include "util/encoding.h"
#include "util/timefmt.h"

/* the test's clock, which the runner reads (cfg.clock_ms) */
static int64_t test_now_ms;

static int64_t test_clock(void)
{
    return test_now_ms;
}

/* ---- a fake KING OF TIME behind a fake transport ---- */

#define CALLS_MAX 256
#define KOT_MAX 256

/* How the next call of a kind is answered (the default: as KoT would). */
typedef struct fake_answer {
    kot_arrival arrival; /* KOT_T_NO_ANSWER: the request arrived, the answer did not */
    long status;
    const char *body;
    int record; /* a POST: KoT keeps the punch */
    int hold;   /* never answered (in flight until the runner is gone) */
} fake_answer;

typedef struct fake_call {
    char method[8], path[600], body[400];
    void *tag;
    int64_t at_ms;
    int answered;
    fake_answer a;
    char company[8];
} fake_call;

typedef struct fake {
    kot_transport base;
    fake_call calls[CALLS_MAX];
    size_t ncalls;
    fake_answer posts[16], gets[16]; /* scripts, in order */
    size_t nposts, ngets;
    char held_company[8]; /* every call of this company's KoT is held */
    struct {
        char key[64], date[11], time[32], code[2];
    } kot[KOT_MAX]; /* what KoT holds */
    size_t nkot;
    fx *f;
    int claimed_before_call; /* every POST's row was 'sending' when it went */
} fake;

static const char *company_of_conn(const kot_conn *c)
{
    /* the tests give each company its own base URL: http://127.0.0.1:9/CODE */
    const char *p = strstr(kot_conn_base_url(c), "127.0.0.1:9/");
    return p ? p + 12 : "";
}

static lr_status f_start(kot_transport *t, const kot_conn *c, const kot_request *q, void *tag,
                         lr_error *err)
{
    fake *k = (fake *)t;
    fake_call *x;
    assert_true(k->ncalls < CALLS_MAX);
    x = &k->calls[k->ncalls++];
    memset(x, 0, sizeof *x);
    snprintf(x->method, sizeof x->method, "%s", q->method);
    snprintf(x->path, sizeof x->path, "%s", q->path);
    snprintf(x->body, sizeof x->body, "%s", q->body ? q->body : "");
    snprintf(x->company, sizeof x->company, "%.7s", company_of_conn(c));
    x->tag = tag;
    x->at_ms = test_now_ms;
    if (strcmp(x->method, "POST") == 0) {
        x->a = k->nposts ? k->posts[0] : (fake_answer){KOT_T_ANSWERED, 201, "{}", 1, 0};
        if (k->nposts)
            memmove(k->posts, k->posts + 1, --k->nposts * sizeof *k->posts);
        /* committed as 'sending' before the call */
        if (fixture_sql_int(k->f->path, "SELECT count(*) FROM outbox WHERE state = 'sending'") < 1)
            k->claimed_before_call = 0;
    } else {
        x->a = k->ngets ? k->gets[0] : (fake_answer){KOT_T_ANSWERED, 200, NULL, 0, 0};
        if (k->ngets)
            memmove(k->gets, k->gets + 1, --k->ngets * sizeof *k->gets);
    }
    if (k->held_company[0] && strcmp(k->held_company, x->company) == 0)
        x->a.hold = 1;
    (void)err;
    return LR_OK;
}

/* KoT's answer to a read-back: the punches it holds on the asked day, of
 * every employee asked for. */
static char *timerecords(fake *k, const char *path)
{
    const char *d = strstr(path, "start="), *keys = strstr(path, "employeeKeys=");
    char day[11], want[300];
    json_t *dws = json_array(), *out;
    char *s;
    assert_non_null(d);
    assert_non_null(keys);
    snprintf(day, sizeof day, "%.10s", d + 6);
    snprintf(want, sizeof want, ",%s,", keys + 13);
    for (size_t i = 0; i < k->nkot; i++) {
        char one[80];
        json_t *dw = NULL, *x;
        size_t n;
        snprintf(one, sizeof one, ",%s,", k->kot[i].key);
        if (strcmp(k->kot[i].date, day) != 0 || !strstr(want, one))
            continue;
        json_array_foreach(dws, n, x) if (strcmp(json_string_value(json_object_get(x, "employeeKey")),
                                                 k->kot[i].key) == 0) dw = x;
        if (!dw) {
            dw = json_pack("{s:s, s:s, s:[]}", "date", day, "employeeKey", k->kot[i].key,
                           "timeRecord");
            json_array_append_new(dws, dw);
        }
        json_array_append_new(json_object_get(dw, "timeRecord"),
                              json_pack("{s:s, s:s}", "time", k->kot[i].time, "code", k->kot[i].code));
    }
    out = json_pack("[{s:s, s:o}]", "date", day, "dailyWorkings", dws);
    s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return s;
}

static void keep_punch(fake *k, const fake_call *x)
{
    json_t *o = json_loads(x->body, 0, NULL);
    const char *key = strrchr(x->path, '/') + 1;
    assert_non_null(o);
    assert_true(k->nkot < KOT_MAX);
    snprintf(k->kot[k->nkot].key, sizeof k->kot[0].key, "%s", key);
    snprintf(k->kot[k->nkot].date, sizeof k->kot[0].date, "%s",
             json_string_value(json_object_get(o, "date")));
    snprintf(k->kot[k->nkot].time, sizeof k->kot[0].time, "%s",
             json_string_value(json_object_get(o, "time")));
    snprintf(k->kot[k->nkot].code, sizeof k->kot[0].code, "%s",
             json_string_value(json_object_get(o, "code")));
    k->nkot++;
    json_decref(o);
}

static void f_poll(kot_transport *t, long wait_ms, kot_answer_fn fn, void *ctx)
{
    fake *k = (fake *)t;
    (void)wait_ms;
    for (size_t i = 0; i < k->ncalls; i++) {
        fake_call *x = &k->calls[i];
        kot_reply r;
        char *made = NULL;
        const char *body = x->a.body;
        if (x->answered || x->a.hold)
            continue;
        x->answered = 1;
        if (strcmp(x->method, "POST") == 0 && x->a.record)
            keep_punch(k, x);
        if (strcmp(x->method, "GET") == 0 && !body && x->a.status == 200)
            body = made = timerecords(k, x->path);
        memset(&r, 0, sizeof r);
        buf_init(&r.body, KOT_ANSWER_MAX);
        snprintf(r.request, sizeof r.request, "%s %s %s", x->method, x->path, x->body);
        if (x->a.arrival == KOT_T_ANSWERED) {
            r.status = x->a.status;
            if (body)
                assert_int_equal(buf_append(&r.body, body, strlen(body)), LR_OK);
        }
        r.outcome = kot_classify(x->a.arrival, r.status, r.body.data, r.body.len, r.reason,
                                 sizeof r.reason);
        fn(ctx, x->tag, &r);
        buf_free(&r.body);
        free(made);
    }
}

static void f_wake(kot_transport *t)
{
    (void)t;
}

static size_t f_in_flight(const kot_transport *t)
{
    const fake *k = (const fake *)t;
    size_t n = 0;
    for (size_t i = 0; i < k->ncalls; i++)
        n += !k->calls[i].answered;
    return n;
}

static void f_free(kot_transport *t)
{
    (void)t;
}

static const kot_transport_ops fake_ops = {f_start, f_poll, f_wake, f_in_flight, f_free};

/* ---- the test's world ---- */

typedef struct world {
    fx *f;
    fake k;
    lr_secrets sec;
    dispatch_cfg cfg;
    kot_deliver *dl;
} world;

/* The test's clock: a day after the real clock's now (rows queued "now"
 * by ingest are due), at a JST time of day. */
static int64_t jst(const char *hhmmss)
{
    char iso[40];
    int64_t t;
    snprintf(iso, sizeof iso, "2030-11-18T%s+09:00", hhmmss);
    assert_int_equal(tf_parse_iso(iso, &t, &(int){0}, NULL), LR_OK);
    return t * 1000;
}

static void deliver_to_kot(world *w, const char *code, double rate)
{
    char url[64];
    kot_changes ch = {url, "test-token", 1, rate};
    lr_error err;
    snprintf(url, sizeof url, "http://127.0.0.1:9/%s", code);
    if (kot_settings_set(w->f->s, code, &ch, &w->sec, "test", &err) != LR_OK)
        fail_msg("kot set: %s", err.message);
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    lr_error err;
    if (!w || fixture_fx_setup((void **)&w->f, "kot_dispatch") != 0)
        return -1;
    memset(&w->sec, 7, sizeof w->sec);
    fixture_sql(w->f->path, "UPDATE employees SET kot_key = 'k' || code");
    deliver_to_kot(w, "ACM", 5);
    dispatch_cfg_default(&w->cfg);
    w->cfg.timeout_ms = 1000;
    w->cfg.backoff_base_ms = 1000;
    w->cfg.backoff_max_ms = 60000;
    w->cfg.poll_ms = 1000;
    w->cfg.restricted_jitter_s = 60;
    w->cfg.clock_ms = test_clock;
    w->k.base.ops = &fake_ops;
    w->k.f = w->f;
    w->k.claimed_before_call = 1;
    test_now_ms = jst("11:00:00");
    if (kot_deliver_new(w->f->s, &w->sec, &w->cfg, &w->k.base, &w->dl, &err) != LR_OK)
        return -1;
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    kot_deliver_free(w->dl);
    fixture_fx_teardown((void **)&w->f);
    free(w);
    return 0;
}

/* Runs the runner from now for `ms` of the test's clock, in 10 ms steps. */
static void run_for(world *w, int64_t ms)
{
    int64_t until = test_now_ms + ms;
    for (; test_now_ms <= until; test_now_ms += 10) {
        kot_deliver_step(w->dl);
        kot_deliver_wait(w->dl, test_now_ms);
    }
}

/* Moves the clock to t (ms) and runs a second there. */
static void run_at(world *w, int64_t t)
{
    test_now_ms = t;
    run_for(w, 1000);
}

#define EV(acc, op, t)                                                                             \
    "{\"source\":\"lanscope\",\"account\":\"" acc "\",\"host\":\"PC-01\",\"op\":\"" op             \
    "\",\"time\":\"2026-11-16T" t "+09:00\"}"

static long long q(world *w, const char *sql)
{
    return fixture_sql_int(w->f->path, sql);
}

static const char *row_state(world *w, const char *kind_code)
{
    static char out[64];
    char sql[300];
    long long st;
    snprintf(sql, sizeof sql,
             "SELECT CASE o.state WHEN 'pending' THEN 1 WHEN 'sending' THEN 2 WHEN 'done' THEN 3 "
             "ELSE 4 END * 10 + o.uncertain FROM outbox o JOIN punches p ON p.id = o.punch_id "
             "WHERE p.kind = %s ORDER BY o.id DESC LIMIT 1",
             kind_code);
    st = q(w, sql);
    snprintf(out, sizeof out, "%s%s", (const char *[]){"?", "pending", "sending", "done", "failed"}[st / 10],
             st % 10 ? " uncertain" : "");
    return out;
}

static void reason_is(world *w, const char *reason)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE reason = '%s'", reason);
    if (q(w, sql) != 1)
        fail_msg("no outbox row with reason %s", reason);
}

static size_t posts(world *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->k.ncalls; i++)
        n += strcmp(w->k.calls[i].method, "POST") == 0;
    return n;
}

/* ---- the transitions ---- */

static void claimed_then_sent(void **state)
{
    world *w = *state;
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_int_equal(w->k.ncalls, 1);
    assert_string_equal(w->k.calls[0].method, "POST");
    assert_string_equal(w->k.calls[0].path, "/daily-workings/timerecord/k1000");
    assert_string_equal(w->k.calls[0].body, "{\"date\":\"2026-11-16\",\"time\":\"2026-11-16T09:00:00+09:00\","
                                            "\"code\":\"1\",\"divisionCode\":\"HQ\"}");
    assert_true(w->k.claimed_before_call);
    assert_string_equal(row_state(w, "1"), "done");
    reason_is(w, "sent");
    assert_int_equal(q(w, "SELECT attempts FROM outbox"), 1);
    assert_int_equal(q(w, "SELECT count(*) FROM delivery_attempts WHERE outcome = 'ok' AND "
                          "http_status = 201"),
                     1);
    assert_int_equal(w->k.nkot, 1);
}

static void no_answer_then_read_back_finds_it(void **state)
{
    world *w = *state;
    w->k.posts[w->k.nposts++] = (fake_answer){KOT_T_NO_ANSWER, 0, NULL, 1, 0};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "pending uncertain");
    reason_is(w, "kot_unknown");
    /* the backoff: 1 s with jitter; nothing before half of it */
    run_for(w, 390);
    assert_int_equal(w->k.ncalls, 1);
    run_for(w, 3000);
    assert_int_equal(w->k.ncalls, 2);
    assert_string_equal(w->k.calls[1].method, "GET");
    assert_string_equal(w->k.calls[1].path, "/daily-workings/timerecord?start=2026-11-16&"
                                            "end=2026-11-16&employeeKeys=k1000");
    assert_string_equal(row_state(w, "1"), "done");
    reason_is(w, "already_there");
    assert_int_equal(w->k.nkot, 1); /* once in KoT */
    assert_int_equal(q(w, "SELECT count(*) FROM delivery_attempts WHERE outcome = "
                          "'read_back_found'"),
                     1);
}

static void read_back_absent_then_sent(void **state)
{
    world *w = *state;
    /* a 500: KoT may have done it before failing */
    w->k.posts[w->k.nposts++] = (fake_answer){KOT_T_ANSWERED, 500, "{}", 0, 0};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "pending uncertain");
    run_for(w, 4000);
    assert_int_equal(w->k.ncalls, 3);
    assert_string_equal(w->k.calls[1].method, "GET");
    assert_string_equal(w->k.calls[2].method, "POST");
    /* the POST after the read-back waits for its own send slot */
    assert_true(w->k.calls[2].at_ms - w->k.calls[1].at_ms >= kot_budget_interval_us(5) / 1000);
    assert_string_equal(row_state(w, "1"), "done");
    reason_is(w, "sent");
    assert_int_equal(w->k.nkot, 1);
    assert_int_equal(q(w, "SELECT attempts FROM outbox"), 2);
}

static void restricted_hours_wait_for_the_end(void **state)
{
    world *w = *state;
    int64_t next, end10 = jst("10:00:00") / 1000;
    test_now_ms = jst("08:59:50");
    w->k.posts[w->k.nposts++] = (fake_answer){KOT_T_NO_ANSWER, 0, NULL, 1, 0};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "08:55:00") "]");
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "pending uncertain");
    /* 09:00: due again, but a read-back would be refused: no call */
    run_at(w, jst("09:00:00"));
    assert_int_equal(w->k.ncalls, 1);
    assert_string_equal(row_state(w, "1"), "pending uncertain");
    reason_is(w, "restricted");
    next = q(w, "SELECT next_attempt_at FROM outbox");
    assert_in_range(next, end10, end10 + 60);
    /* a new punch in the window is POSTed as usual */
    fixture_ingest(w->f, "[" EV("tarouk", "logoff", "09:05:00") "]");
    run_at(w, jst("09:05:01"));
    assert_int_equal(w->k.ncalls, 2);
    assert_string_equal(w->k.calls[1].method, "POST");
    assert_string_equal(row_state(w, "2"), "done");
    /* through the window: nothing, no retries */
    run_at(w, jst("09:30:00"));
    run_at(w, jst("09:59:58"));
    assert_int_equal(w->k.ncalls, 2);
    /* after the end (and its jitter): read back, found */
    run_at(w, (next + 1) * 1000);
    assert_int_equal(w->k.ncalls, 3);
    assert_string_equal(w->k.calls[2].method, "GET");
    assert_true(w->k.calls[2].at_ms >= end10 * 1000);
    assert_string_equal(row_state(w, "1"), "done");
    reason_is(w, "already_there");
    assert_int_equal(w->k.nkot, 2);
}

static void restricted_answers_are_later_never_refused(void **state)
{
    world *w = *state;
    int64_t end1830 = jst("18:30:00") / 1000;
    /* a 403 + 104 to a POST in the window (the clock a little off): it
     * waits for the end, not uncertain, not failed */
    test_now_ms = jst("18:00:00");
    w->k.posts[w->k.nposts++] =
        (fake_answer){KOT_T_ANSWERED, 403,
                      "{\"message\":\"次の時間帯(JST)はAPIへのアクセスが禁止されています "
                      "[08:30 ~ 10:00, 17:30 ~ 18:30]\",\"code\":104}",
                      0, 0};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "pending");
    reason_is(w, "restricted");
    assert_in_range(q(w, "SELECT next_attempt_at FROM outbox"), end1830, end1830 + 60);
    /* 503 (maintenance) outside the window: backoff, not uncertain */
    test_now_ms = jst("19:00:00");
    w->k.posts[w->k.nposts++] = (fake_answer){KOT_T_ANSWERED, 503, "<html>maintenance</html>", 0, 0};
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "pending");
    reason_is(w, "kot_retry");
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE state = 'failed'"), 0);
    run_for(w, 4000);
    assert_string_equal(row_state(w, "1"), "done");
    assert_int_equal(w->k.nkot, 1);
}

static void rate_limited_is_retried(void **state)
{
    world *w = *state;
    w->k.posts[w->k.nposts++] =
        (fake_answer){KOT_T_ANSWERED, 400, "{\"code\":\"303\",\"message\":\"Too Many Requests\"}", 0, 0};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "pending");
    reason_is(w, "kot_retry");
    run_for(w, 4000);
    assert_string_equal(row_state(w, "1"), "done");
    assert_int_equal(posts(w), 2);
    assert_int_equal(w->k.nkot, 1);
}

static void refusals_are_parked(void **state)
{
    world *w = *state;
    w->k.posts[w->k.nposts++] = (fake_answer){
        KOT_T_ANSWERED, 400, "{\"errors\":[{\"message\":\"employee key k1000 is not found\",\"code\":105}]}", 0, 0};
    w->k.posts[w->k.nposts++] =
        (fake_answer){KOT_T_ANSWERED, 403, "{\"message\":\"認証に失敗しました\",\"code\":100}", 0, 0};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "18:00:00") "]");
    run_for(w, 1000);
    assert_string_equal(row_state(w, "1"), "failed");
    assert_string_equal(row_state(w, "2"), "failed");
    reason_is(w, "kot_rejected");
    reason_is(w, "kot_auth");
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE result = "
                          "'HTTP 400: employee key k1000 is not found'"),
                     1);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE result LIKE 'HTTP 403: "
                          "認証に失敗しました — KING OF TIME refused the token%'"),
                     1);
    run_for(w, 5000); /* parked: never tried again on its own */
    assert_int_equal(w->k.ncalls, 2);
}

static void no_call_needed(void **state)
{
    world *w = *state;
    company_changes breaks_on = {.breaks = 1}, breaks_off = {.breaks = 0};
    lr_error err;
    kot_changes off = {NULL, NULL, 0, -1}, on = {NULL, NULL, 1, -1};
    assert_int_equal(kot_settings_set(w->f->s, "ACM", &off, &w->sec, "t", &err), LR_OK);
    assert_int_equal(admin_company_set(w->f->s, "ACM", &breaks_on, "t", &err), LR_OK);
    assert_int_equal(store_company_get(w->f->s, "ACM", &w->f->c, &err), LR_OK);
    /* a day with a break, then a later logoff replaces the clock-out */
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "12:00:00") ","
                         EV("tarouk", "logon", "13:00:00") "," EV("tarouk", "logoff", "18:00:00") "]");
    fixture_ingest(w->f, "[" EV("tarouk", "logoff", "19:00:00") "]");
    assert_int_equal(admin_company_set(w->f->s, "ACM", &breaks_off, "t", &err), LR_OK);
    assert_int_equal(kot_settings_set(w->f->s, "ACM", &on, &w->sec, "t", &err), LR_OK);
    run_for(w, 3000);
    /* clock-in and the 19:00 clock-out go; the breaks and the 18:00 clock-out need no call */
    assert_int_equal(posts(w), 2);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE reason = 'breaks_off'"), 2);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE reason = 'superseded'"), 1);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE state <> 'done'"), 0);
}

/* 客観記録のみ: whatever 打刻連携 says, no punch is sent, and every row
 * ends undelivered, so switching back to punch mode sends no old day */
static void record_mode_sends_nothing(void **state)
{
    world *w = *state;
    lr_error err;
    div_settings record = {"record", -1, -1, NULL}, punch = {"punch", -1, -1, NULL};
    kot_changes off = {NULL, NULL, 0, -1};
    assert_int_equal(div_settings_set(w->f->s, "ACM", &record, "t", &err), LR_OK);
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "18:00:00") "]");
    run_for(w, 2000);
    assert_int_equal(w->k.ncalls, 0);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE state = 'done' AND reason = "
                          "'record_mode'"),
                     2);
    /* with delivery off too, the rows still end */
    assert_int_equal(kot_settings_set(w->f->s, "ACM", &off, &w->sec, "t", &err), LR_OK);
    fixture_ingest(w->f, "[" EV("tarouk", "logoff", "19:00:00") "]");
    run_for(w, 2000);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE state <> 'done'"), 0);
    assert_int_equal(w->k.ncalls, 0);
    assert_int_equal(div_settings_set(w->f->s, "ACM", &punch, "t", &err), LR_OK);
    run_for(w, 2000);
    assert_int_equal(w->k.ncalls, 0);
}

/* tarouk was 0012 all along: 1000's punches go (retract), 0012's come */
static void move_tarouk_to_0012(world *w)
{
    lr_error err;
    if (admin_link_set(w->f->s, "ACM", "lanscope", "1000", "nobody", "t", &(rederive_stats){0},
                       &err) != LR_OK ||
        admin_link_set(w->f->s, "ACM", "lanscope", "0012", "tarouk", "t", &(rederive_stats){0},
                       &err) != LR_OK)
        fail_msg("moving the link: %s", err.message);
}

static void retract_after_delivery_is_parked(void **state)
{
    world *w = *state;
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "18:00:00") "]");
    run_for(w, 1000);
    assert_int_equal(posts(w), 2);
    move_tarouk_to_0012(w);
    run_for(w, 2000);
    assert_int_equal(posts(w), 4);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE action = 'retract' AND state = "
                          "'failed' AND reason = 'cannot_delete'"),
                     2);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE result = 'KING OF TIME''s WebAPI "
                          "cannot delete a punch: remove clock_in 2026-11-16T09:00:00+09:00 of "
                          "2026-11-16 (employee 1000) in KING OF TIME'"),
                     1);
}

static void retract_before_delivery_needs_nothing(void **state)
{
    world *w = *state;
    lr_error err;
    kot_changes off = {NULL, NULL, 0, -1}, on = {NULL, NULL, 1, -1};
    assert_int_equal(kot_settings_set(w->f->s, "ACM", &off, &w->sec, "t", &err), LR_OK);
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    move_tarouk_to_0012(w);
    assert_int_equal(kot_settings_set(w->f->s, "ACM", &on, &w->sec, "t", &err), LR_OK);
    run_for(w, 2000);
    assert_int_equal(posts(w), 1); /* 0012's clock-in only */
    assert_string_equal(w->k.calls[0].path, "/daily-workings/timerecord/k0012");
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE state <> 'done'"), 0);
}

static void crash_between_claim_and_record(void **state)
{
    world *w = *state;
    lr_error err;
    size_t n = 0;
    /* the POST reaches KoT, then the process dies before its answer */
    w->k.posts[w->k.nposts++] = (fake_answer){KOT_T_ANSWERED, 201, "{}", 1, 1};
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_string_equal(row_state(w, "1"), "sending");
    keep_punch(&w->k, &w->k.calls[0]); /* it did arrive */
    kot_deliver_free(w->dl);           /* the crash: nothing more is written */
    w->dl = NULL;
    assert_string_equal(row_state(w, "1"), "sending");
    /* the next process: what was in flight is uncertain */
    assert_int_equal(store_outbox_recover(w->f->s, INT64_MAX, &n, &err), LR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(row_state(w, "1"), "pending uncertain");
    assert_int_equal(kot_deliver_new(w->f->s, &w->sec, &w->cfg, &w->k.base, &w->dl, &err), LR_OK);
    run_for(w, 1000);
    assert_string_equal(w->k.calls[1].method, "GET");
    assert_string_equal(row_state(w, "1"), "done");
    reason_is(w, "already_there");
    assert_int_equal(posts(w), 1);
    assert_int_equal(w->k.nkot, 1);
}

static void crash_before_the_call(void **state)
{
    world *w = *state;
    lr_error err;
    size_t n = 0;
    char sql[200];
    /* claimed, but its send slot is a while off: the process dies first */
    snprintf(sql, sizeof sql,
             "INSERT INTO kot_send_slots (company_id, next_us) SELECT id, %lld FROM companies",
             (long long)jst("11:00:05") * 1000);
    fixture_sql(w->f->path, sql);
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "]");
    run_for(w, 300);
    assert_int_equal(w->k.ncalls, 0);
    assert_string_equal(row_state(w, "1"), "sending");
    kot_deliver_free(w->dl);
    w->dl = NULL;
    assert_int_equal(store_outbox_recover(w->f->s, INT64_MAX, &n, &err), LR_OK);
    assert_int_equal(kot_deliver_new(w->f->s, &w->sec, &w->cfg, &w->k.base, &w->dl, &err), LR_OK);
    run_for(w, 8000);
    /* checked first (absent), then sent: once */
    assert_int_equal(w->k.ncalls, 2);
    assert_string_equal(w->k.calls[0].method, "GET");
    assert_string_equal(w->k.calls[1].method, "POST");
    assert_true(w->k.calls[0].at_ms >= jst("11:00:05"));
    assert_string_equal(row_state(w, "1"), "done");
    assert_int_equal(w->k.nkot, 1);
}

static void one_read_back_for_a_day(void **state)
{
    world *w = *state;
    lr_error err;
    size_t n = 0;
    /* both employees' clock-in and clock-out in flight at a crash; KoT got
     * 1000's two and 0012's clock-in */
    for (int i = 0; i < 4; i++)
        w->k.posts[w->k.nposts++] = (fake_answer){KOT_T_ANSWERED, 201, "{}", 1, 1};
    assert_int_equal(admin_link_set(w->f->s, "ACM", "lanscope", "0012", "hanakok", "t",
                                    &(rederive_stats){0}, &err),
                     LR_OK);
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "18:00:00")
                         "," EV("hanakok", "logon", "09:10:00") "," EV("hanakok", "logoff", "18:10:00") "]");
    run_for(w, 1000);
    assert_int_equal(posts(w), 4);
    for (int i = 0; i < 4; i++)
        if (strstr(w->k.calls[i].path, "k1000") || strstr(w->k.calls[i].body, "09:10"))
            keep_punch(&w->k, &w->k.calls[i]);
    assert_int_equal(w->k.nkot, 3);
    kot_deliver_free(w->dl);
    w->dl = NULL;
    assert_int_equal(store_outbox_recover(w->f->s, INT64_MAX, &n, &err), LR_OK);
    assert_int_equal(n, 4);
    assert_int_equal(kot_deliver_new(w->f->s, &w->sec, &w->cfg, &w->k.base, &w->dl, &err), LR_OK);
    run_for(w, 3000);
    /* one read-back for the four rows of the day, then the one POST missing */
    assert_int_equal(w->k.ncalls, 6);
    assert_string_equal(w->k.calls[4].method, "GET");
    assert_non_null(strstr(w->k.calls[4].path, "&employeeKeys="));
    assert_non_null(strstr(w->k.calls[4].path, "k1000"));
    assert_non_null(strstr(w->k.calls[4].path, "k0012"));
    assert_string_equal(w->k.calls[5].method, "POST");
    assert_non_null(strstr(w->k.calls[5].body, "18:10"));
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE reason = 'already_there'"), 3);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox WHERE reason = 'sent'"), 1);
    assert_int_equal(w->k.nkot, 4);
}

static void paced_at_the_company_rate(void **state)
{
    world *w = *state;
    char ev[4096] = "[";
    size_t n = 1;
    int64_t gap = kot_budget_interval_us(5) / 1000;
    for (int i = 0; i < 12; i++) /* 12 days of one clock-in each */
        n += (size_t)snprintf(ev + n, sizeof ev - n,
                              "%s{\"source\":\"lanscope\",\"account\":\"tarouk\",\"host\":\"PC\","
                              "\"op\":\"logon\",\"time\":\"2026-11-%02dT09:00:00+09:00\"}",
                              i ? "," : "", i + 1);
    snprintf(ev + n, sizeof ev - n, "]");
    fixture_ingest(w->f, ev);
    run_for(w, 4000);
    assert_int_equal(posts(w), 12);
    for (size_t i = 1; i < 12; i++)
        assert_true(w->k.calls[i].at_ms - w->k.calls[i - 1].at_ms >= gap);
    /* and not much slower than that: 11 gaps, one 10 ms step each at most */
    assert_true(w->k.calls[11].at_ms - w->k.calls[0].at_ms <= 11 * (gap + 10) + 1000);
    /* any five calls span more than a second: a one-second window of KoT
     * never sees more than five */
    for (size_t i = 5; i < 12; i++)
        assert_true(w->k.calls[i].at_ms - w->k.calls[i - 5].at_ms > 1000);
}

/* A second company, BCO, delivering at --rate 5: employee 2000 (PC user
 * name btaro); g is its fixture, for fixture_ingest. */
static void second_company(world *w, fx *g)
{
    char token[LR_TOKEN_LEN + 1];
    lr_error err;
    assert_int_equal(admin_company_add(w->f->s, "BCO", "B", "Asia/Tokyo", 0, "t", token, &err), LR_OK);
    assert_int_equal(admin_employee_add(w->f->s, "BCO", "2000", "B", "Taro", NULL, "t", &err), LR_OK);
    assert_int_equal(admin_link_set(w->f->s, "BCO", "lanscope", "2000", "btaro", "t",
                                    &(rederive_stats){0}, &err),
                     LR_OK);
    fixture_sql(w->f->path, "UPDATE employees SET kot_key = 'k' || code");
    deliver_to_kot(w, "BCO", 5);
    g->s = w->f->s;
    snprintf(g->path, sizeof g->path, "%s", w->f->path);
    assert_int_equal(store_company_get(w->f->s, "BCO", &g->c, &err), LR_OK);
}

static void a_silent_kot_holds_no_other_company(void **state)
{
    world *w = *state;
    fx g;
    second_company(w, &g);
    snprintf(w->k.held_company, sizeof w->k.held_company, "BCO");
    fixture_ingest(&g, "[" EV("btaro", "logon", "09:00:00") "," EV("btaro", "logoff", "18:00:00") "]");
    run_for(w, 500);
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "18:00:00") "]");
    run_for(w, 1000);
    /* B's two calls hang; A's two went and ended meanwhile */
    assert_int_equal(q(w, "SELECT count(*) FROM outbox o JOIN companies c ON c.id = o.company_id "
                          "WHERE c.code = 'BCO' AND o.state = 'sending'"),
                     2);
    assert_int_equal(q(w, "SELECT count(*) FROM outbox o JOIN companies c ON c.id = o.company_id "
                          "WHERE c.code = 'ACM' AND o.state = 'done'"),
                     2);
}

/* Answers the store refuses to record (here: every attempt that went
 * well) must not stop the takes: another company's new punches are still
 * claimed and sent, their answers then waiting to be written like the
 * first ones. */
static void answers_the_store_refuses_hold_no_take(void **state)
{
    world *w = *state;
    fx g;
    second_company(w, &g);
    fixture_fail_inserts(w->f->path, "delivery_attempts", "outcome", "ok");
    fixture_ingest(w->f, "[" EV("tarouk", "logon", "09:00:00") "," EV("tarouk", "logoff", "18:00:00") "]");
    run_for(w, 1000);
    fixture_ingest(&g, "[" EV("btaro", "logon", "09:00:00") "," EV("btaro", "logoff", "18:00:00") "]");
    run_for(w, 1000);
    /* B's two were claimed (and sent) although A's answers cannot be written */
    assert_int_equal(q(w, "SELECT count(*) FROM outbox o JOIN companies c ON c.id = o.company_id "
                          "WHERE c.code = 'BCO' AND o.state = 'sending'"),
                     2);
}

/* An answer longer than what an attempt keeps, in Japanese (3 bytes a
 * character): kept up to a whole character, so that the attempt's row is
 * text PostgreSQL takes (a character cut in two made a row no store would
 * write, which then held every take). */
static void a_long_answer_is_kept_as_whole_characters(void **state)
{
    kd_row r;
    kot_reply a = {.outcome = KOT_OK, .status = 200};
    dispatch_cfg cfg;
    size_t bad_at;
    (void)state;
    dispatch_cfg_default(&cfg);
    memset(&r, 0, sizeof r);
    buf_init(&a.body, 1 << 16);
    for (int i = 0; i < 500; i++)
        buf_puts(&a.body, "打");
    kd_answer(&r, &a, &cfg, 0);
    assert_int_equal(r.natt, 1);
    assert_true(strlen(r.att[0].answer) > 1000);
    assert_true(enc_utf8_valid(r.att[0].answer, strlen(r.att[0].answer), &bad_at));
    assert_int_equal(strlen(r.att[0].answer) % 3, 0);
    buf_free(&a.body);
    kd_row_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(claimed_then_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(no_answer_then_read_back_finds_it, setup, teardown),
        cmocka_unit_test_setup_teardown(read_back_absent_then_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(restricted_hours_wait_for_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(restricted_answers_are_later_never_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(rate_limited_is_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_are_parked, setup, teardown),
        cmocka_unit_test_setup_teardown(no_call_needed, setup, teardown),
        cmocka_unit_test_setup_teardown(record_mode_sends_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(retract_after_delivery_is_parked, setup, teardown),
        cmocka_unit_test_setup_teardown(retract_before_delivery_needs_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(crash_between_claim_and_record, setup, teardown),
        cmocka_unit_test_setup_teardown(crash_before_the_call, setup, teardown),
        cmocka_unit_test_setup_teardown(one_read_back_for_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(paced_at_the_company_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(a_silent_kot_holds_no_other_company, setup, teardown),
        cmocka_unit_test(a_long_answer_is_kept_as_whole_characters),
        cmocka_unit_test_setup_teardown(answers_the_store_refuses_hold_no_take, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
