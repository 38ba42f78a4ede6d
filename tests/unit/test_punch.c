/* test_punch — the ledger diff: keep, add, replace (correction), retract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/punch.h"

static size_t count(const punch_change *c, size_t n, punch_action a)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += c[i].action == a;
    return k;
}

static void unchanged_day_writes_nothing(void **state)
{
    punch_stored old[] = {{1, PUNCH_CLOCK_IN, 100}, {2, PUNCH_CLOCK_OUT, 200}};
    day_punch fresh[] = {{PUNCH_CLOCK_OUT, 200, 0}, {PUNCH_CLOCK_IN, 100, 0}};
    punch_change ch[4];
    size_t n = punch_diff(old, 2, fresh, 2, ch);
    assert_int_equal(n, 2);
    assert_int_equal(count(ch, n, PUNCH_KEEP), 2);
}

static void late_logoff_adds_clock_out(void **state)
{
    punch_stored old[] = {{1, PUNCH_CLOCK_IN, 100}};
    day_punch fresh[] = {{PUNCH_CLOCK_IN, 100, 0}, {PUNCH_CLOCK_OUT, 300, 0}};
    punch_change ch[3];
    size_t n = punch_diff(old, 1, fresh, 2, ch);
    assert_int_equal(count(ch, n, PUNCH_KEEP), 1);
    assert_int_equal(count(ch, n, PUNCH_ADD), 1);
    assert_int_equal(count(ch, n, PUNCH_REPLACE), 0);
}

static void changed_clock_out_is_a_correction(void **state)
{
    punch_stored old[] = {{1, PUNCH_CLOCK_IN, 100}, {2, PUNCH_CLOCK_OUT, 200}};
    day_punch fresh[] = {{PUNCH_CLOCK_IN, 100, 0}, {PUNCH_CLOCK_OUT, 250, 0}};
    punch_change ch[4];
    size_t n = punch_diff(old, 2, fresh, 2, ch);
    assert_int_equal(count(ch, n, PUNCH_REPLACE), 1);
    for (size_t i = 0; i < n; i++)
        if (ch[i].action == PUNCH_REPLACE) {
            assert_int_equal(ch[i].old_id, 2);
            assert_int_equal(ch[i].utc, 250);
        }
}

static void breaks_pair_in_time_order(void **state)
{
    /* one break split into two: the first pair keeps, the rest is added */
    punch_stored old[] = {{1, PUNCH_BREAK_START, 100}, {2, PUNCH_BREAK_END, 200}};
    day_punch fresh[] = {{PUNCH_BREAK_START, 100, 0},
                         {PUNCH_BREAK_END, 150, 0},
                         {PUNCH_BREAK_START, 170, 0},
                         {PUNCH_BREAK_END, 200, 0}};
    punch_change ch[6];
    size_t n = punch_diff(old, 2, fresh, 4, ch);
    assert_int_equal(count(ch, n, PUNCH_KEEP), 2);
    assert_int_equal(count(ch, n, PUNCH_ADD), 2);
}

static void vanished_punch_is_retracted(void **state)
{
    punch_stored old[] = {{1, PUNCH_CLOCK_IN, 100}, {7, PUNCH_CLOCK_OUT, 200}};
    day_punch fresh[] = {{PUNCH_CLOCK_IN, 100, 0}};
    punch_change ch[3];
    size_t n = punch_diff(old, 2, fresh, 1, ch);
    assert_int_equal(count(ch, n, PUNCH_RETRACT), 1);
    assert_int_equal(ch[n - 1].old_id, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unchanged_day_writes_nothing),
        cmocka_unit_test(late_logoff_adds_clock_out),
        cmocka_unit_test(changed_clock_out_is_a_correction),
        cmocka_unit_test(breaks_pair_in_time_order),
        cmocka_unit_test(vanished_punch_is_retracted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
