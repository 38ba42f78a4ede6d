/*
 * ratelimit — evenly spaced slots (see ratelimit.h).
 */
#include "util/ratelimit.h"

#include <time.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void ratelimit_init(ratelimit *r, double rate)
{
    pthread_mutex_init(&r->mu, NULL);
    r->rate = rate;
    r->next_ns = 0;
}

void ratelimit_destroy(ratelimit *r)
{
    pthread_mutex_destroy(&r->mu);
}

void ratelimit_set(ratelimit *r, double rate)
{
    pthread_mutex_lock(&r->mu);
    r->rate = rate;
    pthread_mutex_unlock(&r->mu);
}

int64_t ratelimit_acquire(ratelimit *r)
{
    int64_t now, slot, wait;
    pthread_mutex_lock(&r->mu);
    now = now_ns();
    if (r->rate <= 0) {
        pthread_mutex_unlock(&r->mu);
        return 0;
    }
    slot = r->next_ns > now ? r->next_ns : now;
    r->next_ns = slot + (int64_t)(1e9 / r->rate);
    pthread_mutex_unlock(&r->mu);
    wait = slot - now;
    if (wait > 0) {
        struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    return wait;
}
