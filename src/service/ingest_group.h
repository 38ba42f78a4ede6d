/*
 * ingest_group — group commit of concurrent ingest requests on SQLite.
 * Every request answered 200 must be durable, and SQLite has one writer:
 * a request a commit (an fsync each, `synchronous = FULL`) bounded the
 * ingest API at about 700 one-event requests a second, and each request
 * waiting for the writer held a server thread. Here the requests that wait
 * while one writes are written together by the next: one transaction
 * (store_begin_group) in which each request's own transaction is a
 * savepoint (a request that fails undoes its own writes only and gets its
 * own error; what it writes outside its transaction, like the note of a
 * refused file, is kept), one commit for all; each request returns once
 * that commit is durable, or with its failure.
 *
 * On PostgreSQL (a shared store) each request runs at once, as it would
 * alone: the server already writes concurrent commits together.
 * Thread-safe.
 */
#ifndef LR_SERVICE_INGEST_GROUP_H
#define LR_SERVICE_INGEST_GROUP_H

#include <stddef.h>

#include "store/store.h"
#include "util/status.h"

typedef struct ingest_group ingest_group;

/* A group of at most max_requests a commit (0: a default of 64). NULL when
 * out of memory (ingest_group_run then runs every request alone). */
ingest_group *ingest_group_new(size_t max_requests);
void ingest_group_free(ingest_group *g);

/* One request's writes on the store it is given (the writing thread's: not
 * necessarily the caller's), in its own store_begin ... store_commit, or
 * store_rollback when it fails (in a group, a savepoint). */
typedef lr_status (*ingest_work_fn)(lr_store *s, void *ctx, lr_error *err);

/* Runs fn(s, ctx, err) with the writes of the requests waiting meanwhile,
 * and returns its status once their commit is durable: LR_OK only when its
 * writes are committed. s is the caller's store handle (used when it is the
 * one writing). */
lr_status ingest_group_run(ingest_group *g, lr_store *s, ingest_work_fn fn, void *ctx,
                           lr_error *err);

typedef struct ingest_group_stats {
    unsigned long long requests, commits; /* requests written; the commits that wrote them */
} ingest_group_stats;
void ingest_group_stats_get(ingest_group *g, ingest_group_stats *out);

#endif
