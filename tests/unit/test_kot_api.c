/*
 * test_kot_api — KING OF TIME requests as they go on the wire: paths and
 * query values percent-encoded, bodies built as JSON, keys holding '"',
 * '/', '&', '%' or Japanese arriving as they are; the restricted hours and
 * when each window ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sinks/kot_api.h"
#include "util/timefmt.h"

/* What a server does with a path segment or query value: %XX -> byte. */
static void decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n + 1) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            out[o++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
}

static const char *const awkward[] = {
    "plain-key_1.x~", "a\"b", "a/b", "a&b=c", "100%", "日本語キー", "sp ace?#", "a,b",
};

static void keys_round_trip_in_the_punch_path(void **state)
{
    for (size_t i = 0; i < sizeof awkward / sizeof *awkward; i++) {
        kot_punch p = {awkward[i], "2026-11-16", 1763251380, 1, ""};
        kot_request q;
        char back[256];
        const char *seg;
        assert_int_equal(kot_punch_post(&p, &q, NULL), LR_OK);
        assert_string_equal(q.method, "POST");
        assert_non_null(seg = strrchr(q.path, '/'));
        /* the key is one path segment whatever it holds */
        assert_int_equal(seg - q.path, (long)strlen("/daily-workings/timerecord"));
        assert_null(strpbrk(seg + 1, "/\"&? #,"));
        decode(seg + 1, strlen(seg + 1), back);
        assert_string_equal(back, awkward[i]);
        kot_request_free(&q);
    }
}

static void the_punch_body_is_json(void **state)
{
    /* 2026-11-16T23:10:00Z is 08:10 on the 17th in JST; the work day is
     * the 16th (a day-change time after 08:10) */
    int64_t t;
    kot_punch p = {"k1", "2026-11-16", 0, 2, "本社\"/&%"};
    kot_request q;
    json_t *o;
    assert_int_equal(tf_parse_iso("2026-11-16T23:10:00Z", &t, &(int){0}, NULL), LR_OK);
    p.utc = t;
    assert_int_equal(kot_punch_post(&p, &q, NULL), LR_OK);
    assert_non_null(o = json_loads(q.body, 0, NULL));
    assert_string_equal(json_string_value(json_object_get(o, "date")), "2026-11-16");
    assert_string_equal(json_string_value(json_object_get(o, "time")), "2026-11-17T08:10:00+09:00");
    assert_string_equal(json_string_value(json_object_get(o, "code")), "2");
    assert_string_equal(json_string_value(json_object_get(o, "divisionCode")), "本社\"/&%");
    assert_int_equal(json_object_size(o), 4);
    json_decref(o);
    kot_request_free(&q);
    /* no division: no divisionCode */
    p.division_code = "";
    assert_int_equal(kot_punch_post(&p, &q, NULL), LR_OK);
    assert_null(strstr(q.body, "divisionCode"));
    kot_request_free(&q);
}

static void bad_punches_are_refused(void **state)
{
    kot_request q;
    lr_error err;
    kot_punch p = {"", "2026-11-16", 0, 1, ""};
    assert_int_equal(kot_punch_post(&p, &q, &err), LR_EINVAL);
    p.employee_key = "k";
    p.work_day = "2026-11-31";
    assert_int_equal(kot_punch_post(&p, &q, &err), LR_EINVAL);
    p.work_day = "2026-11-16";
    p.code = 5;
    assert_int_equal(kot_punch_post(&p, &q, &err), LR_EINVAL);
    p.code = 1;
    p.division_code = "\xff\xfe"; /* not UTF-8 */
    assert_int_equal(kot_punch_post(&p, &q, &err), LR_EINVAL);
    assert_null(q.path);
}

static void timerecords_by_employee_keys(void **state)
{
    const char *keys[] = {"k1", "a&b", "日本"};
    kot_request q;
    char back[256];
    const char *v;
    lr_error err;
    assert_int_equal(kot_timerecords_get("2026-11-16", "2026-11-17", keys, 3, &q, &err), LR_OK);
    assert_string_equal(q.method, "GET");
    assert_null(q.body);
    assert_int_equal(strncmp(q.path, "/daily-workings/timerecord?start=2026-11-16&end=2026-11-17&employeeKeys=", 72), 0);
    v = q.path + 72;
    /* the list is comma-separated; each key's own bytes are encoded */
    assert_null(strchr(v, '&'));
    decode(v, strlen(v), back);
    assert_string_equal(back, "k1,a&b,日本");
    kot_request_free(&q);
    /* at most 62 days, in order, real dates, at least one key */
    assert_int_equal(kot_timerecords_get("2026-11-01", "2027-01-01", keys, 1, &q, &err), LR_OK);
    kot_request_free(&q);
    assert_int_equal(kot_timerecords_get("2026-11-01", "2027-01-02", keys, 1, &q, &err), LR_EINVAL);
    assert_int_equal(kot_timerecords_get("2026-11-17", "2026-11-16", keys, 1, &q, &err), LR_EINVAL);
    assert_int_equal(kot_timerecords_get("2026-11-16", "2026-11-16", keys, 0, &q, &err), LR_EINVAL);
    assert_int_equal(kot_timerecords_get("16/11/2026", "2026-11-16", keys, 1, &q, &err), LR_EINVAL);
}

static void timerecords_by_division(void **state)
{
    kot_request q;
    lr_error err;
    (void)state;
    assert_int_equal(kot_timerecords_division_get("2026-11-01", "2027-01-01", "営業&1", &q, &err),
                     LR_OK);
    assert_string_equal(q.method, "GET");
    assert_null(q.body);
    assert_string_equal(q.path, "/daily-workings/timerecord?start=2026-11-01&end=2027-01-01"
                                "&division=%E5%96%B6%E6%A5%AD%261");
    kot_request_free(&q);
    /* the same 62 days at most; a division code is needed */
    assert_int_equal(kot_timerecords_division_get("2026-11-01", "2027-01-02", "HQ", &q, &err),
                     LR_EINVAL);
    assert_int_equal(kot_timerecords_division_get("2026-11-01", "2026-11-01", "", &q, &err),
                     LR_EINVAL);
    assert_null(q.path);
}

static void lists(void **state)
{
    kot_request q;
    assert_int_equal(kot_employees_get(&q, NULL), LR_OK);
    assert_string_equal(q.path, "/employees?includeResigner=false");
    kot_request_free(&q);
    assert_int_equal(kot_divisions_get(&q, NULL), LR_OK);
    assert_string_equal(q.path, "/divisions");
    kot_request_free(&q);
}

static int64_t at(const char *iso)
{
    int64_t t;
    assert_int_equal(tf_parse_iso(iso, &t, &(int){0}, NULL), LR_OK);
    return t;
}

static void restricted_hours_are_jst(void **state)
{
    int64_t ends = -1;
    assert_false(kot_restricted(at("2026-11-16T08:29:59+09:00"), &ends));
    assert_int_equal(ends, 0);
    assert_true(kot_restricted(at("2026-11-16T08:30:00+09:00"), &ends));
    assert_int_equal(ends, at("2026-11-16T10:00:00+09:00"));
    assert_true(kot_restricted(at("2026-11-16T09:59:59+09:00"), NULL));
    assert_false(kot_restricted(at("2026-11-16T10:00:00+09:00"), NULL));
    assert_false(kot_restricted(at("2026-11-16T17:29:59+09:00"), NULL));
    /* 09:00 UTC is 18:00 JST */
    assert_true(kot_restricted(at("2026-11-16T09:00:00Z"), &ends));
    assert_int_equal(ends, at("2026-11-16T18:30:00+09:00"));
    assert_string_equal(kot_restricted_end_words(at("2026-11-16T09:00:00Z")), "18:30");
    assert_string_equal(kot_restricted_end_words(at("2026-11-16T08:31:00+09:00")), "10:00");
    assert_false(kot_restricted(at("2026-11-16T18:30:00+09:00"), NULL));
    /* the JST day, not the UTC day: 23:45 UTC on the 15th is 08:45 JST on the 16th */
    assert_true(kot_restricted(at("2026-11-15T23:45:00Z"), &ends));
    assert_int_equal(ends, at("2026-11-16T10:00:00+09:00"));
    /* before 1970 too */
    assert_true(kot_restricted(at("1969-12-31T09:00:00+09:00"), NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_round_trip_in_the_punch_path),
        cmocka_unit_test(the_punch_body_is_json),
        cmocka_unit_test(bad_punches_are_refused),
        cmocka_unit_test(timerecords_by_employee_keys),
        cmocka_unit_test(timerecords_by_division),
        cmocka_unit_test(lists),
        cmocka_unit_test(restricted_hours_are_jst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
