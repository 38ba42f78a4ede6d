/* test_timefmt — ISO 8601, dates and HH:MM parsing/printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/timefmt.h"
#include "util/tz.h"

static void iso_roundtrip(void **state)
{
    int64_t utc;
    int off;
    char out[32];
    assert_int_equal(tf_parse_iso("2026-11-20T09:03:00+09:00", &utc, &off, NULL), LR_OK);
    assert_int_equal(off, 9 * 3600);
    assert_int_equal(utc, 1795132980); /* 2026-11-20T00:03:00Z */
    tf_format_iso(utc, off, out);
    assert_string_equal(out, "2026-11-20T09:03:00+09:00");
    tf_format_iso(utc, 0, out);
    assert_string_equal(out, "2026-11-20T00:03:00+00:00");
    tf_format_iso(utc, -(3 * 3600 + 30 * 60), out);
    assert_string_equal(out, "2026-11-19T20:33:00-03:30");
}

/* The hand-written formatter says what the printf it replaced said, for
 * instants from 1900 to 2200 and every quarter-hour offset of ±14 h. */
static void iso_as_printf_wrote_it(void **state)
{
    uint64_t r = 88172645463325252ull;
    (void)state;
    for (int i = 0; i < 200000; i++) {
        char got[32], want[32];
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        int64_t utc = (int64_t)(r % 9467280000ull) - 2208988800LL;
        int off = ((int)(r >> 40) % 113 - 56) * 900;
        int64_t local = utc + off, day = tf_floor_div(local, 86400), sec = local - day * 86400;
        int y, m, d, a = off < 0 ? -off : off;
        tf_civil_from_days(day, &y, &m, &d);
        snprintf(want, sizeof want, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u",
                 (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
                 (unsigned)(sec / 3600) % 100u, (unsigned)(sec / 60 % 60), (unsigned)(sec % 60),
                 off < 0 ? '-' : '+', (unsigned)(a / 3600) % 100u, (unsigned)(a / 60 % 60));
        tf_format_iso(utc, off, got);
        if (strcmp(got, want) != 0)
            fail_msg("%lld at %d: %s, printf said %s", (long long)utc, off, got, want);
    }
}

static void iso_variants(void **state)
{
    int64_t a, b;
    int off;
    assert_int_equal(tf_parse_iso("2026-11-20T00:03:00Z", &a, &off, NULL), LR_OK);
    assert_int_equal(tf_parse_iso("2026-11-20T09:03:00.123+0900", &b, &off, NULL), LR_OK);
    assert_int_equal(a, b);
    assert_int_equal(tf_parse_iso("2026-11-20 09:03+09:00", &b, &off, NULL), LR_OK);
    assert_int_equal(a, b);
}

static void iso_errors(void **state)
{
    int64_t u;
    int off;
    lr_error err;
    assert_int_equal(tf_parse_iso("2026-11-20T09:03:00", &u, &off, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "no offset"));
    assert_int_equal(tf_parse_iso("2026-02-30T09:03:00Z", &u, &off, &err), LR_EINVAL);
    assert_int_equal(tf_parse_iso("2026-11-20T24:00:00Z", &u, &off, &err), LR_EINVAL);
    assert_int_equal(tf_parse_iso("2026-11-20T09:03:00+09:00x", &u, &off, &err), LR_EINVAL);
    assert_int_equal(tf_parse_iso("20261120T090300Z", &u, &off, &err), LR_EINVAL);
    assert_int_equal(tf_parse_iso("", &u, &off, &err), LR_EINVAL);
}

static void dates(void **state)
{
    int64_t d;
    char out[11];
    assert_int_equal(tf_parse_date("1970-01-01", &d, NULL), LR_OK);
    assert_int_equal(d, 0);
    assert_int_equal(tf_parse_date("2028-02-29", &d, NULL), LR_OK);
    tf_format_date(d, out);
    assert_string_equal(out, "2028-02-29");
    assert_int_equal(tf_parse_date("2026-02-29", &d, NULL), LR_EINVAL);
    assert_int_equal(tf_parse_date("2026-11-20x", &d, NULL), LR_EINVAL);
    tf_format_date(-1, out);
    assert_string_equal(out, "1969-12-31");
}

static void hhmm(void **state)
{
    int m;
    char out[6];
    assert_int_equal(tf_parse_hhmm("05:00", &m, NULL), LR_OK);
    assert_int_equal(m, 300);
    assert_int_equal(tf_parse_hhmm("23:59", &m, NULL), LR_OK);
    tf_format_hhmm(m, out);
    assert_string_equal(out, "23:59");
    assert_int_equal(tf_parse_hhmm("24:00", &m, NULL), LR_EINVAL);
    assert_int_equal(tf_parse_hhmm("5:00", &m, NULL), LR_EINVAL);
    assert_int_equal(tf_parse_hhmm("05:60", &m, NULL), LR_EINVAL);
}

static void zones(void **state)
{
    assert_int_equal(tz_validate("Asia/Tokyo", NULL), LR_OK);
    assert_int_equal(tz_validate("UTC", NULL), LR_OK);
    assert_int_equal(tz_validate("Mars/Olympus", NULL), LR_EINVAL);
    assert_int_equal(tz_validate("../etc/passwd", NULL), LR_EINVAL);
    assert_int_equal(tz_offset_at("Asia/Tokyo", 1795132980), 9 * 3600);
    /* New York: -5 h in winter, -4 h in summer */
    assert_int_equal(tz_offset_at("America/New_York", 1795132980), -5 * 3600);
    assert_int_equal(tz_offset_at("America/New_York", 1782172980), -4 * 3600);
    assert_int_equal(tz_offset_at("UTC", 1795132980), 0);
}

/* New York in 2026-2027: -4 h from 2026-03-08 07:00Z to 2026-11-01 06:00Z
 * and from 2027-03-14 07:00Z, else -5 h */
static int new_york(int64_t utc)
{
    return (utc >= 1772953200 && utc < 1793512800) || utc >= 1805007600 ? -4 * 3600 : -5 * 3600;
}

/* Every 7 minutes over three days each side of New York's two changes in
 * 2026, with a Tokyo day and a day 256 days on (the same cache slot) asked
 * in between: the offsets tz_offset_at keeps per day are the zone's. */
static void zone_day_cache(void **state)
{
    static const int64_t changes[] = {1772953200, 1793512800};
    (void)state;
    for (size_t c = 0; c < 2; c++)
        for (int64_t t = changes[c] - 3 * 86400; t < changes[c] + 3 * 86400; t += 7 * 60) {
            assert_int_equal(tz_offset_at("America/New_York", t), new_york(t));
            assert_int_equal(tz_offset_at("Asia/Tokyo", t), 9 * 3600);
            assert_int_equal(tz_offset_at("America/New_York", t + 256 * 86400),
                             new_york(t + 256 * 86400));
            assert_int_equal(tz_offset_at("America/New_York", t), new_york(t));
        }
    assert_int_equal(tz_offset_at("Asia/Tokyo", -86400 * 200), 9 * 3600); /* before 1970 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iso_roundtrip), cmocka_unit_test(iso_variants),
        cmocka_unit_test(iso_errors),    cmocka_unit_test(dates),
        cmocka_unit_test(hhmm),          cmocka_unit_test(zones),
        cmocka_unit_test(zone_day_cache), cmocka_unit_test(iso_as_printf_wrote_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
