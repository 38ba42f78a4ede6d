/*
 * progress — how long work says how far it is. A service that may run for
 * seconds (an ingest of a million rows, re-deriving many days, a link file,
 * a sync) takes an optional progress_hook and reports through it; what to
 * show, and whether to show anything, is the caller's (loginrec draws a
 * line on a terminal: cli/cli_progress).
 */
#ifndef LR_UTIL_PROGRESS_H
#define LR_UTIL_PROGRESS_H

#include <stdint.h>

typedef enum progress_stage {
    PROGRESS_READ,     /* a file's text read: done/total in bytes; items: rows */
    PROGRESS_STORE,    /* events stored: done/total in events */
    PROGRESS_DERIVE,   /* days re-derived: done/total in day ranges (one employee's each) */
    PROGRESS_CHECK,    /* rows checked: done/total in rows */
    PROGRESS_FETCH,    /* waiting for an answer: no count */
    PROGRESS_COMPARE,  /* records compared: done/total in records */
    PROGRESS_COPY,     /* a database copied: done/total in bytes */
} progress_stage;

typedef struct progress_hook {
    void (*fn)(void *ctx, progress_stage stage, uint64_t done, uint64_t total, uint64_t items);
    void *ctx;
} progress_hook;

/* Reports through h (NULL: nobody listens). A caller in a loop reports
 * every few thousand items; the listener decides how often to draw. */
static inline void progress_report(const progress_hook *h, progress_stage stage, uint64_t done,
                                   uint64_t total, uint64_t items)
{
    if (h && h->fn)
        h->fn(h->ctx, stage, done, total, items);
}

#endif
