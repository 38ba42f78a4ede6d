/*
 * metrics — counters and their exposition (see metrics.h).
 */
#include "util/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A label's values; the last is where anything else goes. */
static const char *const sources[] = {"api",  "lanscope", "evtx",  "winlogbeat",
                                      "wtmp", "journald", "malion", "other"};
#define NSOURCES (sizeof sources / sizeof *sources)
static const char *const delivery_outcomes[] = {
    "ok",         "retry",           "unknown",          "rate_limited",
    "rejected",   "auth",            "restricted",       "read_back_found",
    "read_back_absent", "read_back_failed", "read_back_malformed", "other"};
#define NDELIVERY (sizeof delivery_outcomes / sizeof *delivery_outcomes)
static const char *const poll_outcomes[] = {"ok", "error", "other"};
#define NPOLL (sizeof poll_outcomes / sizeof *poll_outcomes)
static const char *const route_classes[] = {"api", "ui", "health", "metrics", "static"};
#define NCLASSES (sizeof route_classes / sizeof *route_classes)
/* the statuses loginrecd answers; any other counts as its class's 0 */
static const int statuses[] = {200, 204, 302, 303, 304, 400, 401, 403, 404, 405, 409,
                               413, 415, 422, 429, 500, 503, 0};
#define NSTATUSES (sizeof statuses / sizeof *statuses)
/* delivery latency buckets, seconds: a punch is usually sent within
 * seconds, restricted hours hold one up to 90 minutes, a late logoff or a
 * KING OF TIME outage for a day */
static const double latency_le[] = {1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400};
#define NLATENCY (sizeof latency_le / sizeof *latency_le)

enum { EV_ACCEPTED, EV_DUPLICATE, EV_REJECTED, EV_RESULTS };
static const char *const ev_results[EV_RESULTS] = {"accepted", "duplicate", "rejected"};

static atomic_ullong events[NSOURCES][EV_RESULTS];
static atomic_ullong refused[NSOURCES];
static atomic_ullong punches;
static atomic_ullong delivery[NDELIVERY];
static atomic_ullong latency_bucket[NLATENCY + 1]; /* the last: +Inf only */
static atomic_ullong latency_count;
static _Atomic double latency_sum;
static atomic_ullong polls[NPOLL];
static atomic_ullong http[NCLASSES][NSTATUSES];
static atomic_llong start_time;

static size_t pick(const char *const *names, size_t n, const char *v)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (v && strcmp(names[i], v) == 0)
            return i;
    return n - 1;
}

static void add(atomic_ullong *c, unsigned long long n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static unsigned long long get(atomic_ullong *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_start(void)
{
    long long zero = 0;
    atomic_compare_exchange_strong(&start_time, &zero, (long long)time(NULL));
}

void metrics_ingest(const char *source, size_t accepted, size_t duplicates, size_t rejected,
                    size_t derived)
{
    size_t s = pick(sources, NSOURCES, source);
    add(&events[s][EV_ACCEPTED], accepted);
    add(&events[s][EV_DUPLICATE], duplicates);
    add(&events[s][EV_REJECTED], rejected);
    add(&punches, derived);
}

void metrics_refused(const char *source)
{
    add(&refused[pick(sources, NSOURCES, source)], 1);
}

void metrics_delivery(const char *outcome)
{
    add(&delivery[pick(delivery_outcomes, NDELIVERY, outcome)], 1);
}

void metrics_delivered(double seconds)
{
    size_t i = 0;
    double sum;
    if (seconds < 0)
        seconds = 0;
    while (i < NLATENCY && seconds > latency_le[i])
        i++;
    add(&latency_bucket[i], 1);
    add(&latency_count, 1);
    sum = atomic_load_explicit(&latency_sum, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&latency_sum, &sum, sum + seconds,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

void metrics_malion_poll(const char *outcome)
{
    add(&polls[pick(poll_outcomes, NPOLL, outcome)], 1);
}

static size_t route_class(const char *path)
{
    if (strncmp(path, "/api/", 5) == 0)
        return 0;
    if (strcmp(path, "/healthz") == 0)
        return 2;
    if (strcmp(path, "/metrics") == 0)
        return 3;
    if (strncmp(path, "/static/", 8) == 0 || strcmp(path, "/favicon.ico") == 0)
        return 4;
    return 1;
}

void metrics_http(const char *path, int status)
{
    size_t k = 0;
    while (k + 1 < NSTATUSES && statuses[k] != status)
        k++;
    add(&http[route_class(path ? path : "")][k], 1);
}

/* "# HELP name help\n# TYPE name type\n" */
static void head(lr_buf *b, const char *name, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The process's resident memory, bytes (0 when /proc cannot tell). */
static long long rss_bytes(void)
{
    long long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f)
        return 0;
    if (fscanf(f, "%lld %lld", &pages, &rss) != 2)
        rss = 0;
    fclose(f);
    return rss * sysconf(_SC_PAGESIZE);
}

lr_status metrics_render(lr_buf *b, const metrics_gauges *g)
{
    unsigned long long cum = 0;
    metrics_start();
    head(b, "loginrec_events_total", "counter",
         "Events of stored batches and files, by source and result (rejected: refused one by "
         "one in a batch that was kept or refused).");
    for (size_t s = 0; s < NSOURCES; s++)
        for (size_t r = 0; r < EV_RESULTS; r++)
            buf_printf(b, "loginrec_events_total{source=\"%s\",result=\"%s\"} %llu\n", sources[s],
                       ev_results[r], get(&events[s][r]));
    head(b, "loginrec_batches_refused_total", "counter",
         "Batches and files refused whole (nothing of them stored), by source.");
    for (size_t s = 0; s < NSOURCES; s++)
        buf_printf(b, "loginrec_batches_refused_total{source=\"%s\"} %llu\n", sources[s],
                   get(&refused[s]));
    head(b, "loginrec_punches_derived_total", "counter",
         "Punches added, replaced or retracted by ingest: each a row queued for KING OF TIME.");
    buf_printf(b, "loginrec_punches_derived_total %llu\n", get(&punches));
    head(b, "loginrec_delivery_attempts_total", "counter",
         "Delivery attempts to KING OF TIME, by outcome.");
    for (size_t i = 0; i < NDELIVERY; i++)
        buf_printf(b, "loginrec_delivery_attempts_total{outcome=\"%s\"} %llu\n",
                   delivery_outcomes[i], get(&delivery[i]));
    head(b, "loginrec_delivery_latency_seconds", "histogram",
         "From an event stored (its 200) to its punch accepted by KING OF TIME (2xx).");
    for (size_t i = 0; i <= NLATENCY; i++) {
        cum += get(&latency_bucket[i]);
        if (i < NLATENCY)
            buf_printf(b, "loginrec_delivery_latency_seconds_bucket{le=\"%g\"} %llu\n",
                       latency_le[i], cum);
    }
    buf_printf(b, "loginrec_delivery_latency_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    buf_printf(b, "loginrec_delivery_latency_seconds_sum %.3f\n",
               atomic_load_explicit(&latency_sum, memory_order_relaxed));
    buf_printf(b, "loginrec_delivery_latency_seconds_count %llu\n", cum);
    head(b, "loginrec_malion_polls_total", "counter", "MaLion polls of a company, by outcome.");
    for (size_t i = 0; i < NPOLL; i++)
        buf_printf(b, "loginrec_malion_polls_total{outcome=\"%s\"} %llu\n", poll_outcomes[i],
                   get(&polls[i]));
    head(b, "loginrec_http_requests_total", "counter",
         "HTTP answers, by route class and status (code 0: any other status).");
    for (size_t c = 0; c < NCLASSES; c++)
        for (size_t k = 0; k < NSTATUSES; k++)
            if (get(&http[c][k]))
                buf_printf(b, "loginrec_http_requests_total{class=\"%s\",code=\"%d\"} %llu\n",
                           route_classes[c], statuses[k], get(&http[c][k]));
    if (g && g->store_ok) {
        head(b, "loginrec_outbox_rows", "gauge",
             "Punches not yet delivered to KING OF TIME, by state.");
        buf_printf(b, "loginrec_outbox_rows{state=\"pending\"} %lld\n",
                   (long long)g->outbox_pending);
        buf_printf(b, "loginrec_outbox_rows{state=\"sending\"} %lld\n",
                   (long long)g->outbox_sending);
        buf_printf(b, "loginrec_outbox_rows{state=\"failed\"} %lld\n",
                   (long long)g->outbox_failed);
        head(b, "loginrec_companies", "gauge", "Companies in the database.");
        buf_printf(b, "loginrec_companies %lld\n", (long long)g->companies);
        head(b, "loginrec_companies_in_error", "gauge",
             "Companies with something failing, by what: delivery (a punch that failed to "
             "reach KING OF TIME), malion (the last poll failed).");
        buf_printf(b, "loginrec_companies_in_error{what=\"delivery\"} %lld\n",
                   (long long)g->companies_delivery_failed);
        buf_printf(b, "loginrec_companies_in_error{what=\"malion\"} %lld\n",
                   (long long)g->companies_malion_failing);
    }
    head(b, "loginrec_store_up", "gauge", "1 when the database answered this scrape, else 0.");
    buf_printf(b, "loginrec_store_up %d\n", g && g->store_ok ? 1 : 0);
    head(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    buf_printf(b, "process_resident_memory_bytes %lld\n", rss_bytes());
    head(b, "process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.");
    return buf_printf(b, "process_start_time_seconds %lld\n",
                      (long long)atomic_load(&start_time));
}
