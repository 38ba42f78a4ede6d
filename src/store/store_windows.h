/*
 * store_windows — each Windows record as its log wrote it (win_records),
 * beside the log_events row that shows it, and read back for the sessions
 * (core/win_session): an account's records, and a host's own (boot,
 * shutdown, sleep, wake), which carry no account. A record is stored once:
 * its host, channel and record number are its identity. Part of the store
 * (store.h).
 */
#ifndef LR_STORE_STORE_WINDOWS_H
#define LR_STORE_STORE_WINDOWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "util/status.h"

typedef struct lr_store lr_store;

/* A stored Windows record (the strings are the store's copy). */
typedef struct lr_win_row {
    int64_t event_row; /* its log_events row */
    int64_t utc;
    int event_id;
    int logon_type;
    uint64_t logon_id, linked_logon_id;
    int64_t record_id;
    char host[LR_HOST_MAX + 1];
    char channel[128];
    char provider[128];
    char account[LR_ACCOUNT_MAX + 1];
    char sid[184];
    char logon_process[128];
    char process[260];
} lr_win_row;

typedef int (*store_win_cb)(void *ctx, const lr_win_row *r);

/* LR_OK when new; LR_EEXIST when its host, channel and record number are
 * stored already. */
lr_status store_win_record_insert(lr_store *s, int64_t company_id, const lr_win_row *r,
                                  lr_error *err);

/* The row of an event stored already (its natural key), into *id. */
lr_status store_event_row(lr_store *s, int64_t company_id, const lr_event *e, int64_t *id,
                          lr_error *err);

/* The records of account in [from, to), by time. */
lr_status store_win_records_of_account(lr_store *s, int64_t company_id, const char *account,
                                       int64_t from_utc, int64_t to_utc, store_win_cb cb,
                                       void *ctx, lr_error *err);

/* The host's own records (no account) in [from, to), by time. */
lr_status store_win_records_of_host(lr_store *s, int64_t company_id, const char *host,
                                    int64_t from_utc, int64_t to_utc, store_win_cb cb, void *ctx,
                                    lr_error *err);

/* Each account with records on host in [from, to), once. */
typedef int (*store_account_cb)(void *ctx, const char *account);
lr_status store_win_accounts_on_host(lr_store *s, int64_t company_id, const char *host,
                                     int64_t from_utc, int64_t to_utc, store_account_cb cb,
                                     void *ctx, lr_error *err);

#endif
