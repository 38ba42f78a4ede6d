/* test_event_parse — the JSON ingest format: whole-body errors with line and
 * column, per-event rejections that name the field, normalisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/event_parse.h"

static lr_status parse(const char *body, lr_event_batch *b, lr_error *err)
{
    return event_batch_parse_json(body, strlen(body), 10, "body", b, err);
}

static void valid_events(void **state)
{
    lr_event_batch b;
    lr_error err;
    const char *body =
        "[{\"source\":\"lanscope\",\"account\":\"CORP\\\\TarouK\",\"host\":\"PC-01\",\"op\":\"logon\","
        "\"time\":\"2026-11-20T09:03:00+09:00\",\"version\":\"1.2\"},"
        "{\"source\":\"malion\",\"account\":\"hanako\",\"op\":\"file_copy\",\"time\":\"2026-11-20T00:03:00Z\"}]";
    assert_int_equal(parse(body, &b, &err), LR_OK);
    assert_int_equal(b.nevents, 2);
    assert_int_equal(b.nrejects, 0);
    assert_string_equal(b.events[0].account, "TarouK"); /* DOMAIN\ dropped, case kept */
    assert_string_equal(b.events[0].host, "PC-01");
    assert_string_equal(b.events[0].version, "1.2");
    assert_int_equal(b.events[0].offset_sec, 9 * 3600);
    assert_int_equal(b.events[0].utc, b.events[1].utc);
    assert_string_equal(b.events[1].op, "file_copy"); /* stored, not punched */
    assert_string_equal(b.events[1].host, "");
    assert_non_null(b.events[0].raw);
    event_batch_free(&b);
}

static void yen_sign_domain(void **state)
{
    char a[64] = "CORP\xC2\xA5tarouk";
    event_account_normalise(a);
    assert_string_equal(a, "tarouk");
    snprintf(a, sizeof a, "%s", "plain");
    event_account_normalise(a);
    assert_string_equal(a, "plain");
}

static void malformed_json_has_line_and_column(void **state)
{
    lr_event_batch b;
    lr_error err;
    assert_int_equal(parse("[\n  {\"source\": \"lanscope\",}\n]", &b, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_true(err.column > 0);
    assert_string_equal(err.file, "body");
    assert_int_equal(parse("{\"a\":1}", &b, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "array"));
}

static void too_many_events(void **state)
{
    lr_event_batch b;
    lr_error err;
    assert_int_equal(parse("[1,2,3,4,5,6,7,8,9,10,11]", &b, &err), LR_ETOOBIG);
}

static void each_bad_event_is_rejected_by_field(void **state)
{
    static const struct {
        const char *json;
        const char *needle;
    } cases[] = {
        {"{\"source\":\"lanscope\",\"account\":\"a\",\"op\":\"Logon\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "did you mean 'logon'"},
        {"{\"source\":\"lanscope\",\"account\":\"a\",\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00\"}",
         "no offset"},
        {"{\"source\":\"excel\",\"account\":\"a\",\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "'source'"},
        {"{\"source\":\"lanscope\",\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "'account' is missing"},
        {"{\"source\":\"lanscope\",\"account\":\"CORP\\\\\",\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "'account' is empty"},
        {"{\"source\":\"lanscope\",\"account\":\"a\",\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00Z\",\"user\":1}",
         "unknown field 'user'"},
        {"{\"source\":\"lanscope\",\"account\":1,\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "must be a string"},
        {"{\"source\":\"lanscope\",\"account\":\"a\\u0001\",\"op\":\"logon\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "control"},
        {"{\"source\":\"lanscope\",\"account\":\"a\",\"op\":\"log on!\",\"time\":\"2026-11-20T09:00:00Z\"}",
         "'op'"},
        {"42", "JSON object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lr_event_batch b;
        lr_error err;
        char body[512];
        snprintf(body, sizeof body, "[%s]", cases[i].json);
        assert_int_equal(parse(body, &b, &err), LR_OK);
        assert_int_equal(b.nevents, 0);
        assert_int_equal(b.nrejects, 1);
        assert_int_equal(b.rejects[0].index, 1);
        if (!strstr(b.rejects[0].error, cases[i].needle))
            fail_msg("case %zu: '%s' does not mention '%s'", i, b.rejects[0].error, cases[i].needle);
        event_batch_free(&b);
    }
}

static void good_and_bad_mixed(void **state)
{
    lr_event_batch b;
    lr_error err;
    const char *body = "[{\"source\":\"generic\",\"account\":\"a\",\"op\":\"logoff\",\"time\":\"2026-11-20T18:00:00+09:00\"},"
                       "{\"source\":\"generic\"},"
                       "{\"source\":\"generic\",\"account\":\"b\",\"op\":\"logon\",\"time\":\"2026-11-20T08:00:00+09:00\"}]";
    assert_int_equal(parse(body, &b, &err), LR_OK);
    assert_int_equal(b.nevents, 2);
    assert_int_equal(b.index[1], 2);
    assert_int_equal(b.nrejects, 1);
    assert_int_equal(b.rejects[0].index, 2);
    event_batch_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_events),
        cmocka_unit_test(yen_sign_domain),
        cmocka_unit_test(malformed_json_has_line_and_column),
        cmocka_unit_test(too_many_events),
        cmocka_unit_test(each_bad_event_is_rejected_by_field),
        cmocka_unit_test(good_and_bad_mixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
