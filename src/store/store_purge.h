/*
 * store_purge — a company's records older than a day, read for their
 * archive and then removed (service/retention.c decides when, and writes
 * the archive), and the company's retention.
 *
 * "Older than before": events before before_utc (00:00 of that day in the
 * company's zone, the caller's reckoning); punches (with their outbox rows
 * and delivery attempts), KING OF TIME's read-back record and 乖離 of work
 * days before before_day; 36協定 warnings of months before its month.
 */
#ifndef LR_STORE_STORE_PURGE_H
#define LR_STORE_STORE_PURGE_H

#include <stdint.h>

#include "util/status.h"

typedef struct lr_store lr_store;

/* What a purge removed (or, before it, will). */
typedef struct lr_purge_counts {
    int64_t events, punches, divergences;
    int64_t other; /* delivery attempts, outbox rows, PC records, read-backs, warnings */
} lr_purge_counts;

/* One row of the archive. record is "event", "punch" or "divergence";
 * the fields a record does not have are "" or 0. */
typedef struct lr_purge_row {
    const char *record;
    int64_t id;         /* an event's or a punch's */
    int64_t utc;        /* its time */
    int offset_sec;     /* an event's, as its source wrote it */
    const char *work_day, *employee;
    const char *source, *account, *host, *op; /* an event's */
    int kind;           /* a punch's (punch_kind) */
    const char *state;  /* a punch's (active, replaced, retracted) or a divergence's status */
    int64_t at;         /* received (event), made (punch), confirmed (divergence; 0: not) */
    const char *detail; /* an event's raw record; a punch's method; a divergence's
                           "kind reason result by note" joined by tabs */
} lr_purge_row;

typedef int (*store_purge_cb)(void *ctx, const lr_purge_row *r);

/* Every row a purge with these bounds removes that an archive keeps
 * (events, punches, 乖離), oldest first, to cb (non-zero stops). */
lr_status store_purge_rows(lr_store *s, int64_t company_id, const char *before_day,
                           int64_t before_utc, store_purge_cb cb, void *ctx, lr_error *err);
/* Removes them and what hangs on them, records where the events' chain
 * resumes (sealed with gap_key: chain_gap_key), and records before_day as
 * the company's purged_before (when later than it was). In the caller's
 * transaction, under the company's lock. */
lr_status store_purge_delete(lr_store *s, int64_t company_id, const char *before_day,
                             int64_t before_utc, const unsigned char gap_key[32],
                             lr_purge_counts *n, lr_error *err);

/* Whether a purge with these bounds would remove an event or a punch. */
lr_status store_purge_any(lr_store *s, int64_t company_id, const char *before_day,
                          int64_t before_utc, int *any, lr_error *err);

/* A company's retention in years: 0 (for ever) or 5-100. */
lr_status store_company_retention_set(lr_store *s, int64_t company_id, int years, lr_error *err);

#endif
