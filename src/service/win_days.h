/*
 * win_days — an account's Windows sessions as the day engine's events.
 * Reads the account's stored records and the own records of the hosts it
 * used (boots, shutdowns, sleeps), decides the sessions (core/win_session)
 * and gives each session's start as a logon and its end as a logoff. With
 * 休憩打刻する on, an idle span (lock, screensaver, sleep) of at least the
 * company's idle-break minutes cuts the session in two, so the day engine
 * sees the gap and punches a break. Runs inside rederive (service/).
 */
#ifndef LR_SERVICE_WIN_DAYS_H
#define LR_SERVICE_WIN_DAYS_H

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

/* Rows of one store type (lr_win_row, lr_unix_row), collected by the
 * store's callbacks. */
typedef struct pc_rows {
    void *v;
    size_t n, cap, size; /* size: one row's bytes */
    int oom;
} pc_rows;

/* Keeps a copy of row in the pc_rows ctx; non-zero (stop) when out of
 * memory (a store_pc_cb). */
int pc_rows_keep(void *ctx, const void *row);

/* Appends one day event (a session's start or end) to o's array, with the
 * day_flag bits to keep on it (ended_by_boot, remote, ...). */
lr_status pc_days_push(const pc_days_out *o, const lr_company *c, int64_t id, int64_t utc,
                       day_op op, int64_t stream, unsigned flags, lr_error *err);

/* Appends the day events of account's sessions in [from, to). */
lr_status win_days_add(lr_store *s, const lr_company *c, const char *account, int64_t from,
                       int64_t to, const pc_days_out *out, lr_error *err);

#endif
