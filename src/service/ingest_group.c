/*
 * ingest_group — group commit of concurrent ingest requests (see
 * ingest_group.h): a queue of waiting requests under one mutex; whoever
 * finds nobody writing takes the queue and writes it.
 */
#include "service/ingest_group.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/log.h"

#define GROUP_DEFAULT 64

/* A waiting request, on its caller's stack until done. */
typedef struct item {
    ingest_work_fn fn;
    void *ctx;
    lr_error *err;
    lr_status st;
    int done;
    struct item *next;
    log_context log; /* its request's: the lines written for it name it */
} item;

struct ingest_group {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    item *head, *tail; /* waiting, in arrival order */
    int writing;
    size_t max;
    unsigned long long requests, commits;
};

ingest_group *ingest_group_new(size_t max_requests)
{
    ingest_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->max = max_requests ? max_requests : GROUP_DEFAULT;
    return g;
}

void ingest_group_free(ingest_group *g)
{
    if (!g)
        return;
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

/* Takes the waiting requests (at most g->max) and writes them under one
 * commit on s. Called and returns with g->mu held and nobody writing. */
static void write_batch(ingest_group *g, lr_store *s)
{
    item *batch = g->head, *last = g->head;
    size_t n = 1;
    lr_error gerr;
    lr_status st;
    log_context own;

    while (last->next && n < g->max) {
        last = last->next;
        n++;
    }
    g->head = last->next;
    if (!g->head)
        g->tail = NULL;
    last->next = NULL;
    g->writing = 1;
    pthread_mutex_unlock(&g->mu);

    lr_error_clear(&gerr);
    log_get_context(&own);
    if ((st = store_begin_group(s, &gerr)) == LR_OK) {
        for (item *i = batch; i && st == LR_OK; i = i->next) {
            log_set_context(i->log.request_id, i->log.company);
            i->st = i->fn(s, i->ctx, i->err);
            if (store_group_lost(s)) /* the earlier requests' writes went with it */
                st = lr_fail(&gerr, LR_EBUSY,
                             "the database undid a transaction shared with other requests; "
                             "nothing of this request was stored: send it again");
        }
        log_set_context(own.request_id, own.company);
        if (st == LR_OK && (st = store_commit(s, &gerr)) != LR_OK)
            store_rollback(s);
    }
    /* written but not durable, or never run: not stored */
    for (item *i = batch; st != LR_OK && i; i = i->next)
        if (i->st == LR_OK) {
            i->st = st;
            if (i->err)
                *i->err = gerr;
        }

    pthread_mutex_lock(&g->mu);
    for (item *i = batch, *next; i; i = next) {
        next = i->next; /* i is its caller's: gone once it sees done */
        i->done = 1;
    }
    g->writing = 0;
    g->requests += n;
    g->commits++;
    pthread_cond_broadcast(&g->cv);
}

lr_status ingest_group_run(ingest_group *g, lr_store *s, ingest_work_fn fn, void *ctx,
                           lr_error *err)
{
    item it = {fn, ctx, err, LR_OK, 0, NULL, {{0}, {0}}};
    log_get_context(&it.log);
    if (!g || store_shared(s))
        return fn(s, ctx, err);
    pthread_mutex_lock(&g->mu);
    if (g->tail)
        g->tail->next = &it;
    else
        g->head = &it;
    g->tail = &it;
    while (!it.done) {
        if (!g->writing)
            write_batch(g, s); /* ours is in it, or in the next */
        else
            pthread_cond_wait(&g->cv, &g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    return it.st;
}

void ingest_group_stats_get(ingest_group *g, ingest_group_stats *out)
{
    out->requests = out->commits = 0;
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    out->requests = g->requests;
    out->commits = g->commits;
    pthread_mutex_unlock(&g->mu);
}
