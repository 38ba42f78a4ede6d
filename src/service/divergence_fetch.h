/*
 * divergence_fetch — KING OF TIME's record, read back (issue 23): every
 * recorded punch of the company's employees, however it was made (IC
 * card, smartphone, ours) and after any hand edit, through GET
 * /daily-workings/timerecord in windows of at most 62 days: one call per
 * division per window, and the employees of no division by their keys
 * (DIV_KEYS_PER_CALL a call). Never in KoT's restricted hours, within the
 * company's one request rate. Each call's records replace what was kept
 * of its employees' days in one transaction, so a read stopped midway
 * leaves whole employee-windows, old or new.
 *
 * Then the days of the range are judged (divergence_report) and kept: a
 * new divergent day comes in open, a kept one whose divergence is gone is
 * closed (a correction in KoT after an investigation closes the day).
 * Audited as divergence.fetch, the summary kept on the company.
 *
 * loginrec divergence fetch runs it at once; loginrecd nightly for the
 * last DIV_FETCH_DAYS days (kot_worker).
 */
#ifndef LR_SERVICE_DIVERGENCE_FETCH_H
#define LR_SERVICE_DIVERGENCE_FETCH_H

#include "store/secrets.h"
#include "store/store.h"
#include "util/progress.h"

#define DIV_FETCH_DAYS 35
#define DIV_KEYS_PER_CALL 50

typedef struct div_fetch_stats {
    size_t calls;     /* KoT calls made */
    size_t min_calls; /* the fewest possible: windows of 62 days x divisions (and key batches) */
    size_t records;   /* recorded punches kept */
    size_t unknown;   /* records of employees not known here (run 'loginrec kot sync') */
    size_t divergent; /* divergent days in the range after the read */
    size_t opened;    /* of them, new (or diverging again) */
    size_t closed;    /* kept days whose divergence is gone */
} div_fetch_stats;

/* Reads days from..to (YYYY-MM-DD). LR_EBUSY, saying when to try again, in
 * KoT's restricted hours (nothing called) or when KoT answers "later". */
lr_status div_fetch(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                    const char *from, const char *to, const char *actor,
                    const progress_hook *progress, div_fetch_stats *stats, lr_error *err);

/* The default range: the DIV_FETCH_DAYS days up to today in the company's
 * zone, so a month's close is always covered. */
void div_fetch_default_range(const lr_company *c, int64_t now, char from[11], char to[11]);

/* Whether the nightly read of company c is due at now: at_min minutes
 * after midnight in the company's zone has passed today and no read
 * (or a failed one more than an hour ago) came after it. */
int div_fetch_due(const lr_company *c, int64_t now, int at_min);
/* Whether today's nightly read (at at_min) was made and succeeded. */
int div_fetch_done_today(const lr_company *c, int64_t now, int at_min);

/* "N calls (fewest N), N records, N divergent days, N new, N closed". */
void div_fetch_summary(const div_fetch_stats *st, char *out, size_t outsz);

/* Judges the company's days from..to and keeps them (inside the caller's
 * transaction): what div_fetch does after reading. */
lr_status div_keep(lr_store *s, const lr_company *c, const char *from, const char *to,
                   div_fetch_stats *stats, lr_error *err);

#endif
