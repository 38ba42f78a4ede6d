/*
 * metrics — what loginrecd counts for Prometheus (GET /metrics on
 * metrics_listen): process-wide counters, bumped where things happen
 * (ingest, delivery, the MaLion poller, the HTTP front), and written out
 * with the gauges the caller read (the outbox, companies in error) in
 * Prometheus' text format 0.0.4.
 *
 * Every label takes a value from a fixed list (anything else is "other"),
 * so no series is ever made per company, user or path. Counting is lock
 * free (relaxed atomics): a scrape may see one request's counts half
 * added, never a torn number.
 */
#ifndef LR_UTIL_METRICS_H
#define LR_UTIL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The process started now (process_start_time_seconds; else the first
 * scrape's time). */
void metrics_start(void);
/* A batch or file of source (api, lanscope, evtx, winlogbeat, wtmp,
 * journald, malion) was stored: its events accepted, duplicate, and
 * rejected one by one (a JSON batch's rejects), and the punches derived
 * from it (added, replaced, retracted). */
void metrics_ingest(const char *source, size_t accepted, size_t duplicates, size_t rejected,
                    size_t punches);
/* The process started now (process_start_time_seconds; else the first
 * scrape's time). */
void metrics_start(void);
/* A batch or file of source refused whole (nothing of it stored). */
void metrics_refused(const char *source);
/* One delivery attempt to KING OF TIME ended with outcome (ok, retry,
 * unknown, rate_limited, rejected, auth, restricted, or a read-back's
 * read_back_found, _absent, _failed, _malformed). */
void metrics_delivery(const char *outcome);
/* A punch reached KING OF TIME, seconds after its event was stored. */
void metrics_delivered(double seconds);
/* One MaLion poll of a company ended: ok, or error. */
void metrics_malion_poll(const char *outcome);
/* One HTTP answer: its path's class (api, ui, health, metrics, static)
 * and status. */
void metrics_http(const char *path, int status);

/* What the caller read from the store at the scrape. */
typedef struct metrics_gauges {
    int64_t outbox_pending, outbox_sending, outbox_failed;
    int64_t companies;                 /* all of them */
    int64_t companies_delivery_failed; /* with a punch that failed to reach KING OF TIME */
    int64_t companies_malion_failing;  /* whose last MaLion poll failed */
    int store_ok;                      /* 0: the store did not answer (the gauges are not set) */
} metrics_gauges;

/* The whole exposition: the counters, the gauges g, the process's
 * resident memory and start time. */
lr_status metrics_render(lr_buf *out, const metrics_gauges *g);

#endif
