/*
 * worker — a round-running background thread (see worker.h).
 */
#include "util/worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, kicked;
    worker_round round;
    void *ctx;
    long idle_ms;
    char name[16]; /* the thread's, as top -H and perf show it (15 bytes at most) */
};

static void *run(void *arg)
{
    worker *w = arg;
    pthread_setname_np(pthread_self(), w->name);
    for (;;) {
        int more;
        pthread_mutex_lock(&w->mu);
        if (w->stop) {
            pthread_mutex_unlock(&w->mu);
            break;
        }
        w->kicked = 0;
        pthread_mutex_unlock(&w->mu);

        more = w->round(w->ctx);

        pthread_mutex_lock(&w->mu);
        if (!w->stop && !w->kicked && !more) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += w->idle_ms / 1000;
            until.tv_nsec += (w->idle_ms % 1000) * 1000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&w->cv, &w->mu, &until);
        }
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

lr_status worker_start(const char *name, worker_round round, void *ctx, long idle_ms,
                       worker **out, lr_error *err)
{
    worker *w = calloc(1, sizeof *w);
    if (!w)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    w->round = round;
    w->ctx = ctx;
    snprintf(w->name, sizeof w->name, "%s", name);
    w->idle_ms = idle_ms > 0 ? idle_ms : 1000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return lr_fail(err, LR_ENOMEM, "cannot start the %s thread", name);
    }
    *out = w;
    return LR_OK;
}

void worker_kick(worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->kicked = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void worker_stop(worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
