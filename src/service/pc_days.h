/*
 * pc_days — what the Windows and Linux sessions (win_days, unix_days)
 * share on their way to the day engine: the stored rows an account's
 * sessions are derived from, and the events they give it. Runs inside
 * rederive (service/).
 */
#ifndef LR_SERVICE_PC_DAYS_H
#define LR_SERVICE_PC_DAYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"
#include "store/store.h"

/* Where the events go: the caller's growing array. Each session is a
 * stream of its own; their ids count down from *next_stream (negative,
 * apart from the caller's interned streams). */
typedef struct pc_days_out {
    day_event **ev;
    size_t *n, *cap;
    int64_t *next_stream;
    int64_t account_key; /* the account's id for the day engine */
} pc_days_out;

/* The rows (lr_win_row or lr_unix_row, by log) that account's sessions
 * in [from, to) are derived from (store_pc_records_for), in a new array
 * the caller frees (NULL when there are none). */
lr_status pc_days_rows(lr_store *s, pc_log log, const lr_company *c, const char *account,
                       int64_t from, int64_t to, void **rows, size_t *n, lr_error *err);

/* Appends one day event (a session's start or end) to o's array, with the
 * day_flag bits to keep on it (ended_by_boot, remote, ...). */
lr_status pc_days_push(const pc_days_out *o, const lr_company *c, int64_t id, int64_t utc,
                       day_op op, int64_t stream, unsigned flags, lr_error *err);

#endif
