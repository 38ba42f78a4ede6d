/*
 * store_chain — each company's events as a hash chain (core/chain.h):
 * linked as they are stored (store_sql_events.c plans each insert's links,
 * sq_chain_plan and sq_chain_settle, in
 * the ingest's transaction, under the company's lock), each at its place
 * (1, 2, 3 ... a company), walked back by `loginrec verify`.
 */
#ifndef LR_STORE_STORE_CHAIN_H
#define LR_STORE_STORE_CHAIN_H

#include <stdint.h>

#include "core/chain.h"
#include "util/status.h"

typedef struct lr_store lr_store;

/* A linked event: its place in the chain and its link. */
typedef struct lr_chain_row {
    chain_event e;
    int64_t seq;
    const char *link;
} lr_chain_row;

typedef int (*store_chain_cb)(void *ctx, const lr_chain_row *r);

/* Where a company's chain stands. */
typedef struct lr_chain_head {
    int64_t id, seq;      /* the last linked event and its place; 0: none yet */
    char link[CHAIN_HEX]; /* its link ("" : none) */
    int pending;          /* events stored before the chain wait for their links */
    int64_t events;       /* the company's events */
    int64_t unlinked;     /* of them, without a place in the chain */
    int64_t first_unlinked; /* the first of those (its id) */
} lr_chain_head;

lr_status store_chain_head(lr_store *s, int64_t company_id, lr_chain_head *h, lr_error *err);
/* The company's linked events in chain order, to cb (non-zero stops). */
lr_status store_chain_walk(lr_store *s, int64_t company_id, store_chain_cb cb, void *ctx,
                           lr_error *err);
/* The link stored with event id of the company (*found 0: no such event). */
lr_status store_chain_link_of(lr_store *s, int64_t company_id, int64_t id,
                              char link[CHAIN_HEX], int *found, lr_error *err);
/* The records purges made: place seq follows prev, sealed by mac. In
 * order, to cb (non-zero stops). */
typedef int (*store_gap_cb)(void *ctx, int64_t seq, const char *prev, const char *mac);
lr_status store_chain_gaps(lr_store *s, int64_t company_id, store_gap_cb cb, void *ctx,
                           lr_error *err);
/* Links the events stored before the chain existed (pending), in its own
 * transaction under the company's lock; *linked says how many. */
lr_status store_chain_seal(lr_store *s, int64_t company_id, int64_t *linked, lr_error *err);

#endif
