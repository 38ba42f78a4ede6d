/*
 * test_kot_reply — what KING OF TIME answers mean, and the JSON of its
 * lists; the dispatcher's backoff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "service/kot_dispatch.h"
#include "sinks/kot_reply.h"
#include "util/encoding.h"
#include "util/timefmt.h"

static kot_outcome classify(kot_arrival t, long status, const char *body, char *why)
{
    return kot_classify(t, status, body, body ? strlen(body) : 0, why, 300);
}

/* KoT's own message, in Japanese and longer than the words keep: cut where
 * a character starts (in the message read and in the words with "HTTP
 * 400: " before it), so that the row they go into is text a database takes. */
static void a_long_message_is_cut_between_characters(void **state)
{
    char body[2048], why[300];
    size_t bad_at, n = 0;
    (void)state;
    n += (size_t)snprintf(body, sizeof body, "{\"errors\":[{\"code\":\"200\",\"message\":\"x");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "打");
    snprintf(body + n, sizeof body - n, "\"}]}");
    assert_int_equal(classify(KOT_T_ANSWERED, 400, body, why), KOT_REJECTED);
    assert_true(strlen(why) > 240);
    assert_true(enc_utf8_valid(why, strlen(why), &bad_at));
    assert_int_equal(strncmp(why, "HTTP 400: x打打", strlen("HTTP 400: x打打")), 0);
}

static void outcomes(void **state)
{
    char why[300];
    assert_int_equal(classify(KOT_T_ANSWERED, 201, "{}", why), KOT_OK);
    assert_int_equal(classify(KOT_T_ANSWERED, 200, NULL, why), KOT_OK);
    /* a rate limit in every form KoT uses */
    assert_int_equal(classify(KOT_T_ANSWERED, 429, NULL, why), KOT_RATE_LIMITED);
    assert_int_equal(classify(KOT_T_ANSWERED, 400, "{\"code\":\"303\",\"message\":\"Too Many Requests\"}", why),
                     KOT_RATE_LIMITED);
    assert_non_null(strstr(why, "Too Many Requests"));
    assert_int_equal(classify(KOT_T_ANSWERED, 403, "{\"errors\":[{\"message\":\"x\",\"code\":303}]}", why),
                     KOT_RATE_LIMITED);
    /* even inside a 2xx, a 303 body did not record anything */
    assert_int_equal(classify(KOT_T_ANSWERED, 200, "{\"code\":303}", why), KOT_RATE_LIMITED);
    /* may have taken effect */
    assert_int_equal(classify(KOT_T_NO_ANSWER, 0, NULL, why), KOT_UNKNOWN);
    assert_int_equal(classify(KOT_T_ANSWERED, 500, "oops", why), KOT_UNKNOWN);
    assert_int_equal(classify(KOT_T_ANSWERED, 502, NULL, why), KOT_UNKNOWN);
    /* "not now": restricted hours (403 + code 104, as KoT writes it) and
     * maintenance (503), never "wrong token" */
    assert_int_equal(classify(KOT_T_ANSWERED, 403,
                              "{\"message\":\"次の時間帯(JST)はAPIへのアクセスが禁止されています "
                              "[08:30 ~ 10:00, 17:30 ~ 18:30]\",\"code\":104}",
                              why),
                     KOT_RESTRICTED);
    assert_non_null(strstr(why, "HTTP 403: 次の時間帯(JST)は"));
    assert_int_equal(classify(KOT_T_ANSWERED, 403, "{\"errors\":[{\"message\":\"x\",\"code\":\"104\"}]}", why),
                     KOT_RESTRICTED);
    assert_int_equal(classify(KOT_T_ANSWERED, 503, "<html>maintenance</html>", why), KOT_RESTRICTED);
    assert_int_equal(classify(KOT_T_ANSWERED, 503, NULL, why), KOT_RESTRICTED);
    /* 104 means restricted on a 403 only; 1040 is not 104 */
    assert_int_equal(classify(KOT_T_ANSWERED, 400, "{\"code\":104}", why), KOT_REJECTED);
    assert_int_equal(classify(KOT_T_ANSWERED, 403, "{\"code\":1040}", why), KOT_AUTH);
    /* did not */
    assert_int_equal(classify(KOT_T_NOT_SENT, 0, NULL, why), KOT_RETRY);
    /* refusals, with the API's words */
    assert_int_equal(classify(KOT_T_ANSWERED, 400,
                              "{\"errors\":[{\"message\":\"employee key is not found\",\"code\":105}]}", why),
                     KOT_REJECTED);
    assert_string_equal(why, "HTTP 400: employee key is not found");
    assert_int_equal(classify(KOT_T_ANSWERED, 401, NULL, why), KOT_AUTH);
    assert_int_equal(classify(KOT_T_ANSWERED, 403, "{\"errors\":[{\"message\":\"ip\"}]}", why), KOT_AUTH);
    assert_int_equal(classify(KOT_T_ANSWERED, 403, "{\"message\":\"認証に失敗しました\",\"code\":100}", why),
                     KOT_AUTH);
}

typedef struct seen {
    int n;
    char last[64];
    int64_t utc;
    int code;
} seen;

static int on_emp(void *ctx, const kot_employee *e)
{
    seen *s = ctx;
    s->n++;
    snprintf(s->last, sizeof s->last, "%s/%s/%s %s/%s", e->key, e->code, e->last_name,
             e->first_name, e->division_code ? e->division_code : "-");
    return 0;
}

static int on_rec(void *ctx, const kot_timerecord *r)
{
    seen *s = ctx;
    s->n++;
    snprintf(s->last, sizeof s->last, "%s %s %s/%s/%s", r->employee_key, r->date,
             r->credential_code, r->credential_name, r->division_code);
    s->utc = r->utc;
    s->code = r->code;
    return 0;
}

static void parses_lists(void **state)
{
    const char *emps = "[{\"key\":\"a1\",\"code\":\"0012\",\"lastName\":\"勤怠\",\"firstName\":\"花子\","
                       "\"divisionCode\":\"HQ\",\"gender\":\"female\"},"
                       "{\"key\":\"a2\",\"code\":\"1000\"}]";
    const char *recs = "[{\"date\":\"2026-11-16\",\"dailyWorkings\":[{\"date\":\"2026-11-16\","
                       "\"employeeKey\":\"a1\",\"timeRecord\":[{\"time\":\"2026-11-17T01:10:00+09:00\","
                       "\"code\":\"2\"},{\"time\":\"2026-11-17T02:00:00+09:00\",\"code\":\"1\","
                       "\"divisionCode\":\"HQ\",\"credentialCode\":5,\"credentialName\":"
                       "\"ICカード\"}]}]}]";
    seen s = {0};
    lr_error err;
    int64_t want;
    assert_int_equal(kot_parse_employees(emps, strlen(emps), on_emp, &s, &err), LR_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.last, "a2/1000/ /-");
    memset(&s, 0, sizeof s);
    assert_int_equal(kot_parse_timerecords(recs, strlen(recs), on_rec, &s, &err), LR_OK);
    assert_int_equal(s.n, 2);
    /* the work day comes from KoT, not from the time's calendar day; how a
     * punch was made, when KoT says it */
    assert_string_equal(s.last, "a1 2026-11-16 5/ICカード/HQ");
    assert_int_equal(tf_parse_iso("2026-11-16T17:00:00Z", &want, &(int){0}, NULL), LR_OK);
    assert_int_equal(s.utc, want);
    assert_int_equal(s.code, 1);
}

static void refuses_malformed(void **state)
{
    seen s = {0};
    lr_error err;
    assert_int_equal(kot_parse_employees("{\"errors\":[]}", 13, on_emp, &s, &err), LR_EINVAL);
    assert_int_equal(kot_parse_employees("[{\"code\":\"1\"}]", 14, on_emp, &s, &err), LR_EINVAL);
    assert_int_equal(kot_parse_employees("[", 1, on_emp, &s, &err), LR_EINVAL);
    const char *bad_time = "[{\"date\":\"2026-11-16\",\"dailyWorkings\":[{\"employeeKey\":"
                           "\"a\",\"timeRecord\":[{\"time\":\"9 o'clock\"}]}]}]";
    assert_int_equal(kot_parse_timerecords(bad_time, strlen(bad_time), on_rec, &s, &err),
                     LR_EINVAL);
    assert_non_null(strstr(err.message, "malformed"));
    assert_int_equal(s.n, 0);
}

static void backoff_grows_with_jitter_and_a_cap(void **state)
{
    dispatch_cfg cfg = {.backoff_base_ms = 1000, .backoff_max_ms = 60000};
    for (int i = 0; i < 200; i++) {
        long a1 = dispatch_backoff_ms(&cfg, 1), a3 = dispatch_backoff_ms(&cfg, 3);
        long a30 = dispatch_backoff_ms(&cfg, 30);
        assert_in_range(a1, 500, 1500);
        assert_in_range(a3, 2000, 6000);
        assert_in_range(a30, 30000, 90000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outcomes),
        cmocka_unit_test(parses_lists),
        cmocka_unit_test(refuses_malformed),
        cmocka_unit_test(a_long_message_is_cut_between_characters),
        cmocka_unit_test(backoff_grows_with_jitter_and_a_cap),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
