/*
 * store_punches — what the day engine decided and where it stands with KING
 * OF TIME: punches (active, replaced, retracted), the ledger read of them,
 * the outbox rows that deliver them, each attempt, and the day flags.
 * Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_PUNCHES_H
#define LR_STORE_STORE_PUNCHES_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"
#include "core/punch.h"
#include "util/metrics.h"
#include "util/status.h"

typedef struct lr_store lr_store;

/* A ledger row with what a reader needs beside it. */
typedef struct lr_ledger_row {
    int64_t id;
    char employee_code[64];
    char work_day[11];
    punch_kind kind;
    int64_t utc;
    const char *method;
    struct { /* with_events: the event it was derived from (id 0: none known, or purged) */
        int64_t id, utc;
        int offset_sec;
        const char *source, *account, *host, *op;
    } event;
} lr_ledger_row;

typedef struct lr_outbox_row {
    int64_t id;
    int64_t punch_id;
    const char *action; /* add | correct | retract */
    int64_t replaces;   /* 0 when none */
    const char *state;  /* pending | sending | done | failed */
    punch_kind kind;
    int64_t utc;
    const char *result; /* why done (sent, already_there, ...) or why failed */
    const char *reason; /* its code (see migration 0008) */
    int attempts;
    int uncertain;
    int64_t next_attempt_at;
    const char *employee_code;
    const char *work_day;
} lr_outbox_row;

/* One outbox row with everything delivering it needs. */
typedef struct lr_delivery {
    int64_t id;
    int64_t company_id;
    int64_t punch_id;
    char action[8];
    int punch_active; /* the punch is still current (not replaced / retracted) */
    int punch_sent;   /* retract rows: the punch was delivered by an earlier row */
    punch_kind kind;
    int64_t utc;
    char work_day[11];
    char employee_code[64];
    char kot_key[64];
    char division_code[64];
    int attempts;
    int uncertain;      /* an earlier attempt may have reached KoT */
    int64_t created_at; /* queued: when its event was stored */
} lr_delivery;

typedef struct lr_outbox_counts {
    size_t pending, sending, failed, done;
    size_t restricted;        /* of pending: waiting for KoT's restricted hours to end */
    int64_t restricted_until; /* the earliest of their next attempts; 0: none */
} lr_outbox_counts;

/* What one delivery attempt saw (never the token). */
typedef struct lr_attempt {
    int64_t outbox_id;
    int64_t at;
    int http_status; /* 0: no answer */
    const char *outcome;
    const char *request;
    const char *answer;
    long duration_ms;
} lr_attempt;

typedef int (*store_ledger_cb)(void *ctx, const lr_ledger_row *r);
typedef int (*store_outbox_cb)(void *ctx, const lr_outbox_row *r);
/* A company with punches due, and how they are to be delivered now. */
typedef struct lr_due_company {
    int64_t id;
    int break_punches;
    double kot_rate;
    int record_mode; /* 客観記録のみ: rows end undelivered (record_mode) */
} lr_due_company;
typedef int (*store_due_company_cb)(void *ctx, const lr_due_company *c);

/* Which outbox rows a listing wants. */
typedef enum store_outbox_filter {
    OUTBOX_ALL = 0,
    OUTBOX_OPEN,   /* not done: pending, sending, failed */
    OUTBOX_FAILED,
} store_outbox_filter;


/* The ledger's changes of many days, written a statement at a time for
 * all of them (a round trip each on PostgreSQL, not one per row). */
typedef struct store_day {
    int64_t employee_id;
    char work_day[11];
} store_day;
typedef void (*store_punch_of_cb)(void *ctx, size_t i, const punch_stored *p);
/* The active punches of days[0..n), each to cb with its day's index, each
 * day's by time then kind. */
lr_status store_punches_of_days(lr_store *s, const store_day *days, size_t n, store_punch_of_cb cb,
                                void *ctx, lr_error *err);
typedef struct store_punch_new {
    int64_t company_id, employee_id;
    char work_day[11];
    punch_kind kind;
    int64_t utc, replaces; /* replaces: 0 when none */
    int64_t id;            /* set by store_punches_insert */
    int64_t event_id;      /* the event it was derived from; 0: none known */
} store_punch_new;
lr_status store_punches_insert(lr_store *s, store_punch_new *v, size_t n, lr_error *err);
typedef struct store_punch_ending {
    int64_t id;
    const char *state; /* "replaced" or "retracted" */
} store_punch_ending;
/* Ends active punches. */
lr_status store_punches_end(lr_store *s, int64_t company_id, const store_punch_ending *v, size_t n, lr_error *err);
typedef struct store_outbox_new {
    int64_t company_id, punch_id;
    const char *action; /* add | correct | retract */
    int64_t replaces;   /* 0 when none */
} store_outbox_new;
lr_status store_outbox_enqueue_all(lr_store *s, const store_outbox_new *v, size_t n,
                                   lr_error *err);
typedef struct store_flag_new {
    int64_t event_id, employee_id;
    char work_day[11];
    unsigned flags;
} store_flag_new;
/* Replaces the flags of days[0..ndays) with flags[0..nflags) (each of one
 * of those days). */
lr_status store_flags_replace_days(lr_store *s, int64_t company_id, const store_day *days, size_t ndays,
                                   const store_flag_new *flags, size_t nflags, lr_error *err);
lr_status store_ledger_list(lr_store *s, int64_t company_id, const char *from_day,
                            const char *to_day, int with_events, store_ledger_cb cb, void *ctx,
                            lr_error *err);
/* Rows of the company by id, filtered. */
lr_status store_outbox_list(lr_store *s, int64_t company_id, store_outbox_filter filter,
                            store_outbox_cb cb, void *ctx, lr_error *err);
/* /metrics' gauges of the whole database: rows not yet delivered by
 * state, companies, and those in error (store_ok set when it answered). */
lr_status store_metrics_read(lr_store *s, metrics_gauges *g, lr_error *err);
lr_status store_outbox_counts(lr_store *s, int64_t company_id, lr_outbox_counts *out,
                              lr_error *err);
/* Rows left 'sending' by an instance that died or stalled (their lease
 * ended before `before`): back to pending, marked uncertain (the punch
 * may have reached KoT). *n gets how many. Pending rows whose lease
 * ended before `before` are freed too. */
lr_status store_outbox_recover(lr_store *s, int64_t before, size_t *n, lr_error *err);
/* Leases up to max pending rows of the company due at `now` to this
 * instance (store_instance_id) for lease_s seconds, oldest first, and
 * returns them. Rows another instance holds are skipped (PostgreSQL:
 * FOR UPDATE SKIP LOCKED), so instances drain the outbox together. */
lr_status store_outbox_due(lr_store *s, int64_t company_id, int64_t now, int64_t lease_s,
                           lr_delivery *out, size_t max, size_t *n, lr_error *err);
/* The companies with 打刻連携 on, or in record mode, and pending rows due at `now` that no
 * other instance holds, each once, with their delivery settings as
 * they are now (cb's non-zero stops). */
lr_status store_outbox_due_companies(lr_store *s, int64_t now, store_due_company_cb cb, void *ctx,
                                     lr_error *err);
/* pending -> sending (attempts + 1) for this instance, leased until
 * lease_until; LR_EBUSY when another instance holds the row. */
lr_status store_outbox_claim(lr_store *s, int64_t id, int64_t lease_until, lr_error *err);
/* Ends an attempt: state pending (retry at next_at), done or failed;
 * reason is its code (outbox.reason), result the words for people and
 * logs. */
lr_status store_outbox_finish(lr_store *s, int64_t id, const char *state, const char *reason,
                              const char *result, int uncertain, int64_t next_at, lr_error *err);
/* failed -> pending now; *n gets how many. */
lr_status store_outbox_retry(lr_store *s, int64_t company_id, int64_t now, size_t *n,
                             lr_error *err);
lr_status store_attempt_record(lr_store *s, const lr_attempt *a, lr_error *err);

#endif
