/*
 * kot_budget — send slots of a company's KING OF TIME rate (see
 * kot_budget.h).
 */
#include "service/kot_budget.h"

#include <sodium.h>
#include <time.h>

#include "util/clock.h"

/* 5 %: at 5 requests/s, 50 ms of jitter between two calls a window apart */
#define GUARD 1.05

int64_t kot_budget_interval_us(double rate)
{
    if (rate <= 0)
        rate = 1;
    return (int64_t)(1e6 / rate * GUARD);
}

lr_status kot_budget_take(lr_store *s, const lr_company *c, int n, int64_t now_us,
                          int64_t *first_us, lr_error *err)
{
    int64_t interval = kot_budget_interval_us(c->kot_rate);
    int64_t phase = (int64_t)randombytes_uniform((uint32_t)(interval < 2000000000 ? interval : 2000000000));
    return store_kot_slots_take(s, c->id, n, interval, now_us, phase, first_us, err);
}

lr_status kot_budget_wait(lr_store *s, const lr_company *c, lr_error *err)
{
    int64_t now_us = clock_now_us(), at;
    lr_status st = kot_budget_take(s, c, 1, now_us, &at, err);
    if (st == LR_OK && at > now_us) {
        struct timespec ts = {(time_t)((at - now_us) / 1000000),
                              (long)((at - now_us) % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
    return st;
}
