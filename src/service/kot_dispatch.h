/*
 * kot_dispatch — the state machine of one outbox row's delivery to KING OF
 * TIME (打刻連携), exactly once. No store, no clock, no I/O: given the row,
 * its company's rules and the time, it says what to do first; given the
 * answer to each call, what to do next; and how the attempt ends. The
 * runner (kot_deliver) claims, calls, paces and records; the tests drive
 * this with answers of their own.
 *
 * Per row: a punch no longer current is not sent (superseded); a break
 * punch is not sent while 休憩打刻する is off; a retracted punch that was
 * never delivered needs nothing, one that was is parked for a person (the
 * WebAPI cannot delete a punch); an employee without a KoT key is parked.
 * Otherwise the row is claimed (committed as 'sending' before any call, so
 * a crash leaves it visibly in flight) and its punch POSTed. An answer
 * that may have taken effect without saying so (timeout, dropped
 * connection, 5xx but 503, a crash) makes the row uncertain: its next
 * attempt first reads that employee's day back and, if the punch is there,
 * ends as done without sending it again.
 *
 * Restricted hours (08:30-10:00, 17:30-18:30 JST) are "later", never
 * "refused": an uncertain row is not read back in them (KoT would refuse)
 * but waits for the window's end plus jitter, with no call and no backoff
 * retries; new punches are POSTed as usual. A 403 with code 104, or a 503
 * (maintenance), did not take effect: in the window the row waits for its
 * end, otherwise it is retried on backoff. Rate limits and errors that did
 * not take effect are retried on exponential backoff with jitter; a refusal
 * (400, 401/403 but 104) parks the row as failed with the reason until
 * `loginrec outbox retry`.
 */
#ifndef LR_SERVICE_KOT_DISPATCH_H
#define LR_SERVICE_KOT_DISPATCH_H

#include "sinks/kot_api.h"
#include "sinks/kot_reply.h"
#include "store/store.h"

typedef struct dispatch_cfg {
    long timeout_ms;          /* per KoT call */
    long backoff_base_ms;     /* first retry after about this long */
    long backoff_max_ms;
    long poll_ms;             /* how often idle delivery looks for due rows */
    long sync_interval_s;     /* employee sync every this long; 0: never */
    int fetch_at_min;         /* the nightly read of KoT's record (乖離), minutes after
                                 midnight in each company's zone; -1: never */
    long lease_s;             /* due rows taken stay this instance's this long */
    long restricted_jitter_s; /* rows waiting for KoT's restricted hours to end
                                 spread over this long after the end */
    int64_t (*clock_ms)(void); /* the one clock (util/clock); tests run their own */
} dispatch_cfg;

/* Defaults, overridable by LOGINREC_KOT_TIMEOUT_MS, LOGINREC_RETRY_BASE_MS,
 * LOGINREC_RETRY_MAX_MS, LOGINREC_DISPATCH_POLL_MS, LOGINREC_OUTBOX_LEASE_S
 * and LOGINREC_KOT_RESTRICTED_JITTER_S (default 120); sync every hour. */
void dispatch_cfg_default(dispatch_cfg *cfg);

/* Delay before attempt `attempts + 1`, with ±50% jitter, in ms. */
long dispatch_backoff_ms(const dispatch_cfg *cfg, int attempts);

typedef struct dispatch_stats {
    size_t rows; /* due rows taken */
    size_t sent, already_there, superseded, skipped, retried, failed, calls;
    size_t waiting; /* wait for KoT's restricted hours to end */
} dispatch_stats;

/* What one call saw, as delivery_attempts keeps it (never the token). */
typedef struct kd_attempt {
    int64_t at;
    int http_status; /* 0: no answer */
    char outcome[24];
    char request[600];
    char answer[1025];
    long duration_ms;
} kd_attempt;

typedef enum kd_step {
    KD_END = 0, /* the attempt is over: end_state, reason, words, ... */
    KD_CALL,    /* make `call`, then hand its answer to kd_answer */
} kd_step;

/* The company's rules the machine reads. */
typedef struct kd_rules {
    const char *company_code;
    const char *tz; /* for the words about a punch to delete by hand */
    int break_punches;
    int record_mode; /* 客観記録のみ: every row ends "record_mode", nothing is sent */
} kd_rules;

/* One row's attempt. Filled by kd_begin; freed with kd_row_clear. */
typedef struct kd_row {
    lr_delivery d;
    kd_step step;
    kot_request call; /* step KD_CALL: the request to make */
    int reading_back; /* the call is the read-back */
    int uncertain;    /* what is believed now: the punch may be in KoT */
    kot_request post; /* the punch, built once */
    /* step KD_END */
    const char *end_state; /* done | failed | pending */
    const char *reason;    /* its code (outbox.reason) */
    char words[400];       /* for people ("" : the code says it all) */
    int64_t next_at;       /* pending: the next attempt, seconds since the epoch */
    kd_attempt att[2];     /* the calls made, to record */
    int natt;
} kd_row;

/* The first step of a row taken from the outbox, at now_ms (milliseconds
 * since the epoch). KD_CALL means the row must be claimed before the call. */
kd_step kd_begin(kd_row *r, const lr_delivery *d, const kd_rules *k, const dispatch_cfg *cfg,
                 int64_t now_ms);

/* The answer to r->call, which arrived at now_ms; the next step. */
kd_step kd_answer(kd_row *r, const kot_reply *reply, const dispatch_cfg *cfg, int64_t now_ms);

/* The attempt ended while its call was never made (the runner stopped, a
 * call could not start): back to pending at now, as uncertain as before. */
void kd_abandon(kd_row *r, const char *why, int64_t now_ms);

/* Counts the row's end into st. */
void kd_tally(const kd_row *r, dispatch_stats *st);

void kd_row_clear(kd_row *r);

#endif
