/*
 * event_parse — the JSON ingest format (DESIGN §5.4) to validated events.
 * No I/O: a body in, events and per-item rejections out. Thread-safe.
 *
 * A body that is not a JSON array is refused whole (with line and column);
 * inside it, each element is checked alone against the declared fields
 * (source, account, host, op, time, version; anything else is refused) and
 * either becomes an event or a rejection with its index and reason.
 */
#ifndef LR_CORE_EVENT_PARSE_H
#define LR_CORE_EVENT_PARSE_H

#include <stddef.h>

#include "core/event.h"
#include "util/status.h"

#define LR_INGEST_MAX_EVENTS 100000

typedef struct lr_reject {
    size_t index; /* position in the submitted array, from 1 (as people count) */
    char error[256];
} lr_reject;

typedef struct lr_event_batch {
    lr_event *events;
    size_t *index; /* index[i]: position of events[i] in the submitted array */
    size_t nevents;
    lr_reject *rejects;
    size_t nrejects;
} lr_event_batch;

/* Parses body[0..len). On LR_OK the caller frees *out with
 * event_batch_free(). LR_EINVAL: not a JSON array (err has line/column);
 * LR_ETOOBIG: more than max_events elements. `name` labels errors (a file
 * name, or "request body"). */
lr_status event_batch_parse_json(const char *body, size_t len, size_t max_events, const char *name,
                                 lr_event_batch *out, lr_error *err);

void event_batch_free(lr_event_batch *b);

/* Keeps the user part of "DOMAIN\user" / "DOMAIN¥user" (manual: the part
 * after ¥). In place. */
void event_account_normalise(char *account);

#endif
