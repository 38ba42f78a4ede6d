/*
 * store_pages — what the admin UI's pages read in one query each: the log
 * view (a page of events with their links and flags) and the daily view
 * (a day's linked events and active punches with their delivery). Part of
 * the store (store.h).
 */
#ifndef LR_STORE_STORE_PAGES_H
#define LR_STORE_STORE_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"
#include "core/event.h"
#include "core/punch.h"
#include "util/status.h"

typedef struct lr_store lr_store;

/* An event as the log view shows it. */
typedef struct lr_event_row {
    const lr_event *event;
    int64_t employee_id;       /* 0: unlinked */
    const char *employee_code; /* NULL: unlinked */
    const char *employee_name; /* "姓 名"; NULL: unlinked (events_page, day_events only) */
    const char *work_day;      /* NULL unless flagged */
    unsigned flags;            /* day_flag bits */
} lr_event_row;

/* What the log view asks for: newest first, one page at a time. */
typedef struct lr_event_query {
    int64_t from_utc, to_utc;    /* [from, to); to 0: no end */
    const char *const *accounts; /* naccounts > 0: only these PC user names */
    size_t naccounts;
    int64_t employee_id;           /* non-zero: only events linked to this employee */
    const char *source;            /* NULL: any */
    const char *op;                /* NULL: any; "other": neither logon nor logoff */
    int64_t before_utc, before_id; /* before_id non-zero: only rows older than (utc, id) */
    size_t limit;
} lr_event_query;

/* An active punch of a work day with where its delivery stands. */
typedef struct lr_day_punch_row {
    int64_t employee_id;
    punch_kind kind;
    int64_t utc;
    const char *method;
    const char *state;  /* its last outbox row's state; NULL: none */
    const char *reason; /* that row's reason code ("" when none) */
    struct { /* the event it was derived from (id 0: none known, or purged) */
        int64_t id, utc;
        const char *source, *account, *host, *op;
    } event;
} lr_day_punch_row;

typedef int (*store_event_row_cb)(void *ctx, const lr_event_row *r);
typedef int (*store_day_punch_cb)(void *ctx, const lr_day_punch_row *r);

/* The log view: events in [from, to) (0, 0: all) with link and flags. */
lr_status store_events_list(lr_store *s, int64_t company_id, int64_t from_utc, int64_t to_utc,
                            int flagged_only, store_event_row_cb cb, void *ctx, lr_error *err);
/* The log view's page of q (store_sql_pages.c). */
lr_status store_events_page(lr_store *s, int64_t company_id, const lr_event_query *q,
                            store_event_row_cb cb, void *ctx, lr_error *err);
/* The daily view: linked events in [from, to) by employee, then time. */
lr_status store_day_events(lr_store *s, int64_t company_id, int64_t from_utc, int64_t to_utc,
                           store_event_row_cb cb, void *ctx, lr_error *err);
/* The daily view: the company's active punches of work_day by employee
 * and time, with their delivery. */
lr_status store_day_punches(lr_store *s, int64_t company_id, const char *work_day,
                            store_day_punch_cb cb, void *ctx, lr_error *err);

#endif
