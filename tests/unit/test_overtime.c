/*
 * test_overtime — 36協定's early warning (core/overtime): a day's working
 * time with its own breaks or the legal minimum, overtime past 8 hours,
 * a month summed and projected, and the two limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/overtime.h"

#define H 3600

static ot_day day(int64_t d, int start_h, int start_m, int end_h, int end_m)
{
    ot_day x = {d, d * 86400 + start_h * H + start_m * 60, d * 86400 + end_h * H + end_m * 60, 0, 0};
    return x;
}

static void a_day(void **state)
{
    ot_day d = day(100, 9, 0, 18, 0), e = day(100, 9, 0, 15, 0), f = day(100, 9, 0, 15, 1);
    ot_day g = day(100, 9, 0, 22, 0), none = {100, 0, 0, 0, 0};
    (void)state;
    /* 9 h less the legal hour: 8 h, no overtime */
    assert_int_equal(ot_work_min(&d), 8 * 60);
    assert_int_equal(ot_over_min(&d), 0);
    /* exactly 6 h: no break owed; a minute more: 45 minutes */
    assert_int_equal(ot_work_min(&e), 6 * 60);
    assert_int_equal(ot_work_min(&f), 6 * 60 + 1 - 45);
    /* 13 h less an hour: 4 h over */
    assert_int_equal(ot_over_min(&g), 4 * 60);
    /* the day's own breaks when it has break punches */
    g.has_breaks = 1;
    g.break_min = 90;
    assert_int_equal(ot_over_min(&g), 3 * 60 + 30);
    g.break_min = 0;
    assert_int_equal(ot_over_min(&g), 5 * 60);
    /* a side with one end counts nothing */
    assert_int_equal(ot_work_min(&none), 0);
    none.start = 100 * 86400 + 9 * H;
    assert_int_equal(ot_work_min(&none), 0);
}

static void a_month_projected(void **state)
{
    /* a 30-day month from day 0; 10 days of 9:00-21:00 (3 h over each) */
    ot_day v[12];
    ot_month m;
    (void)state;
    for (int i = 0; i < 10; i++)
        v[i] = day(i, 9, 0, 21, 0);
    v[10] = day(40, 9, 0, 23, 0); /* another month: not counted */
    v[11] = day(-1, 9, 0, 23, 0);
    ot_month_sum(v, 12, 0, 29, 9, &m);
    assert_int_equal(m.days, 10);
    assert_int_equal(m.work_min, 10 * 11 * 60);
    assert_int_equal(m.over_min, 30 * 60);
    /* ten days gone of thirty: the month's end at this pace */
    assert_int_equal(m.projected_min, 90 * 60);
    /* once the month ended, the projection is what it was */
    ot_month_sum(v, 12, 0, 29, 30, &m);
    assert_int_equal(m.projected_min, 30 * 60);
    ot_month_sum(v, 12, 0, 29, 29, &m);
    assert_int_equal(m.projected_min, 30 * 60);
}

static void the_limits(void **state)
{
    ot_limits lim = OT_LIMITS_DEFAULT;
    ot_month m[6] = {{0}};
    int avg;
    (void)state;
    m[0].over_min = m[0].projected_min = 45 * 60;
    assert_int_equal(ot_judge(m, 1, &lim, &avg), OT_NONE); /* at the limit is within it */
    assert_int_equal(avg, 0);
    m[0].over_min = m[0].projected_min = 45 * 60 + 1;
    assert_int_equal(ot_judge(m, 1, &lim, NULL), OT_MONTH);
    m[0].over_min = 20 * 60;
    m[0].projected_min = 50 * 60;
    assert_int_equal(ot_judge(m, 1, &lim, NULL), OT_PROJECTED);
    /* 100 h this month and 61 h the one before: 80.5 h on average */
    m[0].over_min = m[0].projected_min = 100 * 60;
    m[1].over_min = 61 * 60;
    assert_int_equal(ot_judge(m, 6, &lim, &avg), OT_MONTH | OT_AVERAGE);
    assert_int_equal(avg, (161 * 60) / 2);
    /* 60 h the one before: exactly 80 h, within */
    m[1].over_min = 60 * 60;
    assert_int_equal(ot_judge(m, 6, &lim, &avg), OT_MONTH);
    assert_int_equal(avg, 80 * 60);
    /* an average over three months past it, the two-month one not */
    m[0].over_min = m[0].projected_min = 44 * 60;
    m[1].over_min = 44 * 60;
    m[2].over_min = 200 * 60;
    assert_int_equal(ot_judge(m, 6, &lim, &avg), OT_AVERAGE);
    assert_int_equal(avg, 96 * 60);
    /* only the months given count */
    assert_int_equal(ot_judge(m, 2, &lim, &avg), OT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_day),
        cmocka_unit_test(a_month_projected),
        cmocka_unit_test(the_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
