/*
 * store_linux — a Linux PC's login records (unix_records), beside the
 * log_events row that shows each, read back for the sessions
 * (core/unix_session): an account's logins, and the host's own records
 * (logouts, boots, shutdowns, the last sign of life before a boot). A
 * record is stored once: its PC, time, kind, line and user are its
 * identity. Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_LINUX_H
#define LR_STORE_STORE_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "store/store_windows.h"
#include "util/status.h"

typedef struct lr_store lr_store;

typedef struct lr_unix_row {
    int64_t event_row; /* its log_events row */
    int64_t utc;
    int kind; /* unix_kind */
    char host[LR_HOST_MAX + 1];
    char line[64];
    char account[LR_ACCOUNT_MAX + 1]; /* a login's user; "" otherwise */
    char from[LR_HOST_MAX + 1];
} lr_unix_row;

typedef int (*store_unix_cb)(void *ctx, const lr_unix_row *r);

/* LR_OK when new; LR_EEXIST when stored already. */
lr_status store_unix_record_insert(lr_store *s, int64_t company_id, const lr_unix_row *r,
                                   lr_error *err);

/* The logins of account in [from, to), by time. */
lr_status store_unix_records_of_account(lr_store *s, int64_t company_id, const char *account,
                                        int64_t from_utc, int64_t to_utc, store_unix_cb cb,
                                        void *ctx, lr_error *err);

/* The host's own records in [from, to), by time. */
lr_status store_unix_records_of_host(lr_store *s, int64_t company_id, const char *host,
                                     int64_t from_utc, int64_t to_utc, store_unix_cb cb, void *ctx,
                                     lr_error *err);

/* Each account that logged in on host in [from, to), once. */
lr_status store_unix_accounts_on_host(lr_store *s, int64_t company_id, const char *host,
                                      int64_t from_utc, int64_t to_utc, store_account_cb cb,
                                      void *ctx, lr_error *err);

#endif
