/*
 * store_leases — what keeps instances sharing one database out of each
 * other's way: the company lock of a derivation, named leases (a poll, a
 * sync) and the shared KING OF TIME send slots. Part of the store
 * (store.h).
 */
#ifndef LR_STORE_STORE_LEASES_H
#define LR_STORE_STORE_LEASES_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct lr_store lr_store;

/* Inside a transaction: waits until no other transaction derives the
 * company's punches, and holds that until commit or rollback
 * (PostgreSQL: a transaction advisory lock; SQLite's single writer
 * needs none). */
lr_status store_lock_company(lr_store *s, int64_t company_id, lr_error *err);
/* The lease `name` of a company (a poll, a sync) for `seconds` from
 * now, to owner: LR_OK when it was free, expired or owner's already,
 * LR_EBUSY while another owner holds it. A store only one instance
 * uses (not store_shared) grants every lease without a write. */
lr_status store_lease_take(lr_store *s, const char *name, int64_t company_id, const char *owner,
                           int64_t now, int64_t seconds, lr_error *err);
/* Gives the lease back (if owner holds it). */
lr_status store_lease_drop(lr_store *s, const char *name, int64_t company_id, const char *owner,
                           lr_error *err);
/* Takes the company's next n KING OF TIME send slots, interval_us
 * apart, shared by every instance: *first_us gets the first one's
 * instant (microseconds since the epoch, never before now_us; when the
 * budget was idle, now_us + idle_phase_us); slot i is at *first_us +
 * i * interval_us. One statement. */
lr_status store_kot_slots_take(lr_store *s, int64_t company_id, int n, int64_t interval_us,
                               int64_t now_us, int64_t idle_phase_us, int64_t *first_us,
                               lr_error *err);

#endif
