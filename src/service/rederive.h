/*
 * rederive — recomputes an employee's work days from the stored events and
 * applies only the difference to the ledger and the outbox.
 *
 * This is where "exactly once" starts: re-deriving a day whose events did not
 * change writes nothing; a changed punch is replaced (old row kept as
 * history, state "replaced") and queued as a correction; a punch no longer
 * derived is retracted. Must run inside a store transaction (the caller's),
 * so a failure leaves no half-applied day.
 */
#ifndef LR_SERVICE_REDERIVE_H
#define LR_SERVICE_REDERIVE_H

#include <stdint.h>

#include "store/store.h"

typedef struct rederive_stats {
    size_t days;
    size_t kept, added, replaced, retracted;
} rederive_stats;

/* Punches added, replaced or retracted: rows queued for delivery. */
static inline size_t rederive_queued(const rederive_stats *st)
{
    return st->added + st->replaced + st->retracted;
}

/* Work days d0..d1 (day numbers, inclusive) of one employee. */
typedef struct day_span {
    int64_t employee_id;
    int64_t d0, d1;
} day_span;

/* Spans rederive_spans reads and writes together: a statement (one round
 * trip on PostgreSQL) for all their employees, events, days or changes;
 * and the most days those statements hold (a longer span is cut into
 * pieces: a day's punches depend only on the events around it). */
#define REDERIVE_CHUNK 128
#define REDERIVE_DAYS 4096

/* Re-derives the days of spans[0..n) (one span per employee) of company
 * c, REDERIVE_CHUNK spans at a time. */
lr_status rederive_spans(lr_store *s, const lr_company *c, const day_span *spans, size_t n,
                         rederive_stats *stats, lr_error *err);

/* Local time (seconds) of utc in the company's zone. */
int64_t rederive_local(const lr_company *c, int64_t utc);

#endif
