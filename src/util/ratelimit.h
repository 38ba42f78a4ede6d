/*
 * ratelimit — spaces calls evenly at a rate (requests per second), so a
 * budget counted over any one-second window is never exceeded: call i is
 * never earlier than call i-1 plus 1/rate. Thread-safe: concurrent callers
 * take turns.
 */
#ifndef LR_UTIL_RATELIMIT_H
#define LR_UTIL_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

typedef struct ratelimit {
    pthread_mutex_t mu;
    double rate;     /* per second; <= 0: unlimited */
    int64_t next_ns; /* monotonic time of the next free slot */
} ratelimit;

void ratelimit_init(ratelimit *r, double rate);
void ratelimit_destroy(ratelimit *r);
void ratelimit_set(ratelimit *r, double rate);

/* Blocks until the caller's slot; returns the nanoseconds waited. */
int64_t ratelimit_acquire(ratelimit *r);

#endif
