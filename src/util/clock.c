/*
 * clock — real time plus LOGINREC_TIME_OFFSET_S (see clock.h).
 */
#include "util/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/env.h"

#define OFFSET_MAX (10L * 366 * 86400)

static int64_t offset_s;
static pthread_once_t offset_once = PTHREAD_ONCE_INIT;

static void read_offset(void)
{
    const char *v = getenv("LOGINREC_TIME_OFFSET_S");
    offset_s = env_long("LOGINREC_TIME_OFFSET_S", 0, -OFFSET_MAX, OFFSET_MAX);
    /* not through log.c: the log's own timestamps read this clock */
    if (v && *v && offset_s == 0 && env_long("LOGINREC_TIME_OFFSET_S", 1, -OFFSET_MAX, OFFSET_MAX))
        fprintf(stderr,
                "loginrec: warning: LOGINREC_TIME_OFFSET_S='%s' is not a whole number of seconds "
                "within ten years; the clock is not shifted\n",
                v);
}

int64_t clock_offset_s(void)
{
    pthread_once(&offset_once, read_offset);
    return offset_s;
}

int64_t clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec + clock_offset_s()) * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec + clock_offset_s()) * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_now(void)
{
    return (int64_t)time(NULL) + clock_offset_s();
}
