/*
 * kot_reply — what a KING OF TIME WebAPI answer means (DESIGN §5.1), with
 * no I/O: the HTTP client (kot_client.c) hands over what it got, and this
 * says whether the request took effect, may have, or did not and why; and
 * turns the JSON of /employees, /divisions and /daily-workings/timerecord
 * into values. Parsers take bytes, so they can be fuzzed alone.
 */
#ifndef LR_SINKS_KOT_REPLY_H
#define LR_SINKS_KOT_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

typedef enum kot_arrival {
    KOT_T_ANSWERED = 0, /* an HTTP answer arrived */
    KOT_T_NOT_SENT,     /* failed before the request left (connect, DNS) */
    KOT_T_NO_ANSWER,    /* sent, then timeout or connection dropped */
} kot_arrival;

typedef enum kot_outcome {
    KOT_OK = 0,
    KOT_RETRY,        /* did not take effect; try again later */
    KOT_UNKNOWN,      /* may have taken effect: read back before re-sending */
    KOT_RATE_LIMITED, /* HTTP 429 or {"code":"303"}: did not take effect */
    KOT_REJECTED,     /* 4xx: this request will never succeed as it is */
    KOT_AUTH,         /* 401/403: token wrong or this address not allowed */
    KOT_RESTRICTED,   /* not now: 403 with code 104 (restricted hours, 08:30-10:00 and
                         17:30-18:30 JST) or 503 (maintenance); did not take effect */
} kot_outcome;

const char *kot_outcome_name(kot_outcome o);

#define KOT_ANSWER_MAX (64u * 1024 * 1024)

/* One call's answer, as the client got it: what it means, the HTTP status
 * and body, how long it took, and the request (never the token). */
typedef struct kot_reply {
    kot_outcome outcome;
    long status; /* 0 when no answer */
    long duration_ms;
    char reason[300];
    char request[600];
    lr_buf body; /* the answer (bounded by KOT_ANSWER_MAX) */
} kot_reply;

/* Classifies an answer; reason gets the words for a person (the API's
 * own message when it gave one). body may be NULL. */
kot_outcome kot_classify(kot_arrival t, long http_status, const char *body, size_t len,
                         char *reason, size_t reasonsz);

typedef struct kot_employee {
    const char *key, *code, *last_name, *first_name, *division_code, *division_name;
} kot_employee;

typedef struct kot_division {
    const char *code, *name;
} kot_division;

typedef struct kot_timerecord {
    const char *employee_key;
    const char *date; /* the work day */
    int64_t utc;
    int code; /* 1..4 */
    /* how it was made, when KoT says (undocumented fields; "" otherwise),
     * and the division it was punched under ("" for none) */
    const char *credential_code, *credential_name, *division_code;
} kot_timerecord;

/* Each callback gets values valid during the call; non-zero stops. A
 * malformed answer is LR_EINVAL with where it went wrong. */
lr_status kot_parse_employees(const char *body, size_t len,
                              int (*cb)(void *ctx, const kot_employee *e), void *ctx,
                              lr_error *err);
lr_status kot_parse_divisions(const char *body, size_t len,
                              int (*cb)(void *ctx, const kot_division *d), void *ctx,
                              lr_error *err);
lr_status kot_parse_timerecords(const char *body, size_t len,
                                int (*cb)(void *ctx, const kot_timerecord *r), void *ctx,
                                lr_error *err);

#endif
