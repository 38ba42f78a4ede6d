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
/* Events of one account (any source; the caller filters) in [from, to). */
lr_status store_events_of_account(lr_store *s, int64_t company_id, const char *account,
                                  int64_t from_utc, int64_t to_utc, store_event_cb cb, void *ctx,
                                  lr_error *err);

#endif
