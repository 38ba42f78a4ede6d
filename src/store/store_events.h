/*
 * store_events — the events sources send, stored once each (their natural
 * key refuses a second), and read back per account for the day engine.
 * Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_EVENTS_H
#define LR_STORE_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "util/status.h"

typedef struct lr_store lr_store;

typedef int (*store_event_cb)(void *ctx, const lr_event *e);

/* LR_OK and e->id set when new; LR_EEXIST when the natural key exists. */
lr_status store_event_insert(lr_store *s, int64_t company_id, lr_event *e, lr_error *err);
/* store_event_insert for events[0..n) in as few round trips as the
 * database allows: events[i].id is set when new, 0 when its natural key
 * exists (stored before, or earlier in the same array). */
lr_status store_events_insert_many(lr_store *s, int64_t company_id, lr_event *events, size_t n,
                                   lr_error *err);
/* Events of one account (any source; the caller filters) in [from, to). */
/* store_events_of_account for windows[0..n) at once: each event to cb
 * with its window's index, each window's in time order. */
typedef struct store_window {
    const char *account;
    int64_t from_utc, to_utc;
} store_window;
typedef void (*store_event_of_cb)(void *ctx, size_t i, const lr_event *e);
lr_status store_events_of_accounts(lr_store *s, int64_t company_id, const store_window *w,
                                   size_t n, store_event_of_cb cb, void *ctx, lr_error *err);
lr_status store_events_of_account(lr_store *s, int64_t company_id, const char *account,
                                  int64_t from_utc, int64_t to_utc, store_event_cb cb, void *ctx,
                                  lr_error *err);

#endif
