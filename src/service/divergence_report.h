/*
 * divergence_report — the 乖離 report (issue 23): for a company's days,
 * each work day where KING OF TIME's record and the PC disagree, judged
 * now by core/divergence from the ledger's punches (the PC side, by the
 * day rules) and the record last read back (divergence_fetch), with what
 * an administrator found (divergence_review). The limits are the
 * division's own, else the company's.
 *
 * Status: open until confirmed; confirmed once an administrator recorded
 * a reason and a result. A day that no longer diverges is not listed
 * (the kept row is closed by the next read, divergence_fetch).
 *
 * Exports (CLI, API, UI download): CSV with the header
 *   employee,date,pc_start,pc_end,recorded_start,recorded_end,
 *   start_diff_min,end_diff_min,kind,status,reason,note,result,
 *   confirmed_by,confirmed_at
 * (times ISO 8601 with the company's offset, empty when absent), or a
 * JSON array of objects with those keys (differences as numbers or null).
 */
#ifndef LR_SERVICE_DIVERGENCE_REPORT_H
#define LR_SERVICE_DIVERGENCE_REPORT_H

#include "core/divergence.h"
#include "store/store.h"
#include "util/buf.h"

typedef enum div_status_filter {
    DIV_STATUS_OPEN = 0,
    DIV_STATUS_CONFIRMED,
    DIV_STATUS_ALL,
} div_status_filter;

/* What a report covers. */
typedef struct div_query {
    const char *from, *to;   /* YYYY-MM-DD, at most LEDGER_MAX_DAYS (366) days */
    div_status_filter status;
    const char *division;    /* a division code; NULL or "": every one */
    const char *employee;    /* an employee code; NULL or "": everyone */
    int min_size;            /* minutes: the larger difference at least this; 0: any */
} div_query;

/* One divergent day as reported. */
typedef struct div_row {
    int64_t employee_id;
    const char *employee; /* code */
    int64_t division_id;  /* 0: none */
    char date[11];
    div_day d;
    const char *status; /* open | confirmed */
    const lr_divergence *kept; /* what was found; NULL when never kept */
} div_row;

typedef int (*div_row_cb)(void *ctx, const div_row *r);

/* A punch of either side of one employee (side 0: the PC's ledger, 1:
 * KING OF TIME's record). */
typedef struct div_side_punch {
    int side;
    int64_t day; /* work day, days since the epoch */
    punch_kind kind;
    int64_t utc;
} div_side_punch;

/* Hands both sides of the company's days from..to (the break punches too
 * when breaks) to fn an employee at a time (who: its first row; p[0..n)
 * in no particular order); keep (may be NULL) leaves rows out; fn's
 * non-zero stops. What the report and 36協定's warning both read. */
lr_status div_by_employee(lr_store *s, const lr_company *c, const char *from, const char *to,
                          int breaks, int (*keep)(void *ctx, const lr_div_side *r),
                          int (*fn)(void *ctx, const lr_div_side *who, const div_side_punch *p,
                                    size_t n),
                          void *ctx, lr_error *err);

/* One employee's day as the report judges it now into *r and *kept:
 * *found 0 when it does not diverge. r->kept points at kept (or is NULL),
 * r->employee at employee. */
lr_status div_report_day(lr_store *s, const lr_company *c, const char *employee,
                         const char *date, div_row *r, lr_divergence *kept, int *found,
                         lr_error *err);

/* Parses "open" | "confirmed" | "all" (NULL: open). */
lr_status div_parse_status(const char *s, div_status_filter *out, lr_error *err);
/* The minimum size ("min", "--min"): whole minutes, 0..DIV_MIN_MAX; NULL or "" is 0. */
#define DIV_MIN_MAX 100000
lr_status div_parse_min(const char *s, int *out, lr_error *err);

/* The limits of division_id (0: none) in company c (divs: the company's
 * divisions, by code). */
div_limits div_limits_of(const lr_company *c, const lr_division *divs, size_t ndivs,
                         int64_t division_id);

/* Every divergent day of q, by employee code then day, to cb (non-zero
 * stops). */
lr_status div_report(lr_store *s, const lr_company *c, const div_query *q, div_row_cb cb,
                     void *ctx, lr_error *err);

typedef enum div_format { DIV_CSV, DIV_JSON } div_format;

/* The report of q as CSV (LF line ends; crlf for CRLF) or JSON into out. */
lr_status div_export(lr_store *s, const lr_company *c, const div_query *q, div_format fmt,
                     int crlf, lr_buf *out, lr_error *err);

/* The report's day r as a kept row (its judgment only: nothing found yet). */
void div_row_kept(const div_row *r, lr_divergence *out);

/* The report of q as a CSV download: CRLF, in CP932 or UTF-8 (enc: a
 * text_encoding of util/encoding.h). */
lr_status div_export_csv(lr_store *s, const lr_company *c, const div_query *q, int enc,
                         lr_buf *out, lr_error *err);

/* A divergent day's size in minutes: its larger difference; for pc_only and
 * record_only, the span of the side it has (0 without both its ends). */
int div_size(const div_day *d);

#endif
