/*
 * store_pc — the records of a PC's own logs, each as the log wrote it,
 * beside the log_events row that shows it, and read back for the sessions:
 * - Windows (win_records, core/win_session): an account's records, and a
 *   host's own (boot, shutdown, sleep, wake), which carry no account. Its
 *   host, channel and record number are a record's identity.
 * - Linux (unix_records, core/unix_session): an account's logins, and the
 *   host's own records (logouts, boots, shutdowns, the last sign of life
 *   before a boot). Its PC, time, kind, line and user are its identity.
 * One set of functions serves both; pc_log says which, and the row is an
 * lr_win_row or an lr_unix_row by it. Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_PC_H
#define LR_STORE_STORE_PC_H

#include <stdint.h>

#include "core/event.h"
#include "util/status.h"

typedef struct lr_store lr_store;

typedef enum pc_log { PC_WINDOWS, PC_LINUX } pc_log;

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

/* A stored Linux login record. */
typedef struct lr_unix_row {
    int64_t event_row; /* its log_events row */
    int64_t utc;
    int kind; /* unix_kind */
    char host[LR_HOST_MAX + 1];
    char line[64];
    char account[LR_ACCOUNT_MAX + 1]; /* a login's user; "" otherwise */
    char from[LR_HOST_MAX + 1];
} lr_unix_row;

/* row: an lr_win_row or an lr_unix_row, by the log asked for. */
typedef int (*store_pc_cb)(void *ctx, const void *row);

/* Stores row (its event_row set) once: LR_OK when new, LR_EEXIST when its
 * identity is stored already. */
lr_status store_pc_record_insert(lr_store *s, pc_log log, int64_t company_id, const void *row,
                                 lr_error *err);

/* What the sessions of account in [from, to) are derived from: its own
 * records, and the host's own records (no account) of every host it has
 * records on in that span, by time. */
lr_status store_pc_records_for(lr_store *s, pc_log log, int64_t company_id, const char *account,
                               int64_t from_utc, int64_t to_utc, store_pc_cb cb, void *ctx,
                               lr_error *err);

/* A Windows user name seen with a SID on a PC (rule 7: a name with two
 * SIDs is two local accounts, manual FAQ 5.2.1). */
typedef struct lr_pc_sid_host {
    const char *account, *sid, *host;
    int64_t last_utc; /* its latest record there */
} lr_pc_sid_host;
typedef int (*store_sid_host_cb)(void *ctx, const lr_pc_sid_host *r);

/* Each (name, SID, PC) of the names that have records under two or more
 * SIDs since since_utc, by name, SID and PC. */
lr_status store_pc_names_of_two_sids(lr_store *s, int64_t company_id, int64_t since_utc,
                                     store_sid_host_cb cb, void *ctx, lr_error *err);

/* The row of an event stored already (its natural key), into *id. */
lr_status store_event_row(lr_store *s, int64_t company_id, const lr_event *e, int64_t *id,
                          lr_error *err);

/* Each account with a Windows or Linux record on host in [from, to), once. */
typedef int (*store_account_cb)(void *ctx, const char *account);
lr_status store_pc_accounts_on_host(lr_store *s, int64_t company_id, const char *host,
                                    int64_t from_utc, int64_t to_utc, store_account_cb cb,
                                    void *ctx, lr_error *err);

#endif
