/*
 * bench_day — the day engine alone (core/day.c) on an in-memory set: for
 * EMPLOYEES employees, DAYS days of PC events each (a logon in the morning
 * and a logoff in the evening on one or two PCs, a lunch-time logoff and
 * logon on some days, a missing logoff now and then; fixed seed), every
 * employee's month is derived with breaks on, ROUNDS times.
 *
 * Baseline, on the same events in the same run: copying and sorting each
 * employee's events by time (qsort), the least any derivation must do.
 * Prints one line of JSON: work days derived per second, both times (best
 * of ROUNDS) and the ratio (engine time / baseline time).
 *   bench_day [EMPLOYEES] [DAYS] [ROUNDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/day.h"

static uint64_t rng = 20261123;

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng >> 33) % n);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_utc(const void *a, const void *b)
{
    const day_event *x = a, *y = b;
    return x->utc < y->utc ? -1 : x->utc > y->utc;
}

static void add(day_event *ev, size_t *n, int64_t day, int sec, int pc, day_op op)
{
    int64_t local = day * 86400 + sec;
    day_event *e = &ev[(*n)++];
    e->id = (int64_t)*n;
    e->local = local;
    e->utc = local - 9 * 3600; /* Asia/Tokyo */
    e->stream = pc;
    e->account = 1;
    e->op = op;
}

int main(int argc, char **argv)
{
    size_t employees = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    int days = argc > 2 ? atoi(argv[2]) : 30;
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    size_t per = (size_t)days * 6, total = 0, derived = 0;
    day_event *all = malloc(employees * per * sizeof *all), *scratch = malloc(per * sizeof *all);
    size_t *count = calloc(employees, sizeof *count);
    day_rules rules = DAY_RULES_DEFAULT;
    double best_engine = 1e300, best_sort = 1e300;
    int64_t d0 = 20000; /* 2024-10-04: any day works */

    if (!all || !scratch || !count || employees == 0 || days <= 0 || rounds <= 0) {
        fprintf(stderr, "usage: bench_day [EMPLOYEES] [DAYS] [ROUNDS]\n");
        return 2;
    }
    rules.breaks = 1;
    for (size_t i = 0; i < employees; i++) {
        day_event *ev = all + i * per;
        size_t n = 0;
        for (int d = 0; d < days; d++) {
            int pc = 1 + (int)rnd(10) / 9; /* one PC, sometimes a second */
            add(ev, &n, d0 + d, 8 * 3600 + (int)rnd(7200), pc, DAY_LOGON);
            if (rnd(4) == 0) { /* lunch: off and on again */
                int lunch = 12 * 3600 + (int)rnd(1800);
                add(ev, &n, d0 + d, lunch, pc, DAY_LOGOFF);
                add(ev, &n, d0 + d, lunch + 2400 + (int)rnd(1800), pc, DAY_LOGON);
            }
            if (rnd(50) != 0) /* now and then the logoff never comes */
                add(ev, &n, d0 + d, 17 * 3600 + (int)rnd(14400), pc, DAY_LOGOFF);
        }
        /* the store hands events over in id order, not time order */
        for (size_t k = n; k > 1; k--) {
            size_t j = rnd((unsigned)k);
            day_event t = ev[k - 1];
            ev[k - 1] = ev[j];
            ev[j] = t;
        }
        count[i] = n;
        total += n;
    }
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ms(), t1;
        derived = 0;
        for (size_t i = 0; i < employees; i++) {
            day_output out;
            if (day_derive(all + i * per, count[i], &rules, &out) != LR_OK) {
                fprintf(stderr, "bench_day: day_derive failed\n");
                return 1;
            }
            derived += out.ndays;
            day_output_free(&out);
        }
        t1 = now_ms();
        if (t1 - t0 < best_engine)
            best_engine = t1 - t0;
        t0 = now_ms();
        for (size_t i = 0; i < employees; i++) {
            memcpy(scratch, all + i * per, count[i] * sizeof *scratch);
            qsort(scratch, count[i], sizeof *scratch, cmp_utc);
        }
        t1 = now_ms();
        if (t1 - t0 < best_sort)
            best_sort = t1 - t0;
    }
    printf("{\"employees\":%zu,\"days\":%d,\"events\":%zu,\"work_days\":%zu,\"rounds\":%d,"
           "\"engine_ms\":%.2f,\"sort_ms\":%.2f,\"days_per_s\":%.0f,\"sort_days_per_s\":%.0f,"
           "\"ratio\":%.3f}\n",
           employees, days, total, derived, rounds, best_engine, best_sort,
           (double)derived / (best_engine / 1e3), (double)derived / (best_sort / 1e3),
           best_engine / best_sort);
    free(all);
    free(scratch);
    free(count);
    return 0;
}
