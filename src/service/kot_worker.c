/*
 * kot_worker — the delivery and employee-sync threads of loginrecd (see
 * kot_worker.h).
 */
#include "service/kot_worker.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/company_lease.h"
#include "service/kot_deliver.h"
#include "service/kot_settings.h"
#include "service/divergence_fetch.h"
#include "service/divergence_overtime.h"
#include "service/kot_sync.h"
#include "sinks/kot_api.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/worker.h"

#define SYNC_LOOK_MS 1000 /* how often the sync thread looks for a due sync */

struct kot_worker {
    /* delivery: the send side on `thread`, the store side on `store_thread` */
    pthread_t thread, store_thread;
    atomic_int stop;
    lr_store *ds;
    kot_transport *tp;
    kot_deliver *dl;
    /* sync */
    worker *sw;
    lr_store *ss;
    lr_secrets sec;
    dispatch_cfg cfg;
    div_mail_env mail;
    int has_mail;
    /* companies whose summary the server refused, and when to try again */
    struct mail_retry {
        int64_t company_id, at;
    } retry[64];
    size_t nretry;
};

#define MAIL_RETRY_S 600

/* The send side: calls at their slots, answers. */
/* The two delivery threads are named (top -H, perf stat --per-thread:
 * bench/latency.sh counts the store side's fsyncs by its name). */
static void *send_loop(void *arg)
{
    kot_worker *w = arg;
    pthread_setname_np(pthread_self(), "kot-send");
    while (!atomic_load(&w->stop)) {
        int64_t next = kot_deliver_send_step(w->dl), now = clock_now_ms();
        /* at least once a second: a stop, a clock moved */
        if (next > now + 1000)
            next = now + 1000;
        if (!atomic_load(&w->stop))
            kot_deliver_wait(w->dl, next);
    }
    return NULL;
}

/* The store side: takes and finishes. */
static void *store_loop(void *arg)
{
    kot_worker *w = arg;
    pthread_setname_np(pthread_self(), "kot-store");
    while (!atomic_load(&w->stop)) {
        int64_t next = kot_deliver_store_step(w->dl);
        if (!atomic_load(&w->stop))
            kot_deliver_store_wait(w->dl, next);
    }
    return NULL;
}

/* The periodic employee sync of one company: due (an interval after the
 * last attempt, failed or not), outside the restricted hours, with a
 * token. Instances sharing the database take the company's "kot_sync"
 * lease first, and look again at when the last sync was once they hold it. */
static void maybe_sync(kot_worker *w, const lr_company *c)
{
    int64_t now = clock_now();
    lr_company fresh;
    kot_sync_stats st;
    lr_error err;
    if (w->cfg.sync_interval_s <= 0 || now - c->kot_synced_at < w->cfg.sync_interval_s ||
        kot_restricted(now, NULL) || !kot_settings_configured(w->ss, c))
        return;
    if (!company_lease_take(w->ss, "kot_sync", c->id))
        return; /* another instance syncs it */
    if (store_company_get(w->ss, c->code, &fresh, NULL) == LR_OK &&
        now - fresh.kot_synced_at >= w->cfg.sync_interval_s) {
        if (kot_sync_company(w->ss, c->code, &w->sec, w->cfg.timeout_ms, "sync-job", 0, NULL, &st, &err) !=
            LR_OK) {
            log_warn("kot sync of company %s: %s", c->code, err.message);
        } else {
            char summary[200];
            kot_sync_summary(&st, summary, sizeof summary);
            log_info("kot sync of company %s: %s", c->code, summary);
        }
    }
    company_lease_drop(w->ss, "kot_sync", c->id);
}

/* The company's daily summary of its divergent days, after its read:
 * at most one a day (div_mail_run claims the day). */
static void maybe_mail(kot_worker *w, const lr_company *c)
{
    div_mail_stats ms;
    lr_error err;
    lr_status st;
    int64_t now = clock_now();
    char today[11];
    size_t k = 0;
    if (!w->has_mail || !c->div_mail_to[0] || !div_fetch_done_today(c, now, w->cfg.fetch_at_min))
        return;
    tf_format_date(tz_local_day(c->tz, now), today);
    if (strcmp(c->div_mail_day, today) == 0)
        return; /* sent (or being sent) today */
    while (k < w->nretry && w->retry[k].company_id != c->id)
        k++;
    if (k < w->nretry && now < w->retry[k].at)
        return; /* refused a while ago: not yet */
    st = div_mail_run(w->ss, c->code, &w->sec, &w->mail, &ms, &err);
    if (st == LR_OK && ms.sent)
        log_info("divergence mail of company %s: %zu new, %zu open for longer, %zu overtime",
                 c->code, ms.fresh, ms.old, ms.overtime);
    else if (st != LR_OK && st != LR_EBUSY) {
        log_warn("divergence mail of company %s: %s; trying again in %d minutes", c->code,
                 err.message, MAIL_RETRY_S / 60);
        if (k == w->nretry && w->nretry < sizeof w->retry / sizeof *w->retry)
            w->retry[w->nretry++].company_id = c->id;
        if (k < w->nretry)
            w->retry[k].at = now + MAIL_RETRY_S;
        return;
    }
    if (k < w->nretry)
        w->retry[k] = w->retry[--w->nretry];
}

/* The nightly read of a company's record from KING OF TIME (乖離): due
 * once a day after cfg.fetch_at_min in its zone, outside the restricted
 * hours, with a token; one instance at a time (the "div_fetch" lease). */
/* Reads KING OF TIME's record when it is due; 1 when it read (the
 * company changed). */
static int maybe_fetch(kot_worker *w, const lr_company *c)
{
    int read = 0;
    int64_t now = clock_now();
    lr_company fresh;
    div_fetch_stats st;
    char from[11], to[11], summary[200];
    lr_error err;
    if (!div_fetch_due(c, now, w->cfg.fetch_at_min) || kot_restricted(now, NULL) ||
        !kot_settings_configured(w->ss, c))
        return 0;
    if (!company_lease_take(w->ss, "div_fetch", c->id))
        return 0;
    if (store_company_get(w->ss, c->code, &fresh, NULL) == LR_OK &&
        div_fetch_due(&fresh, now, w->cfg.fetch_at_min)) {
        div_fetch_default_range(&fresh, now, from, to);
        read = 1;
        if (div_fetch(w->ss, c->code, &w->sec, w->cfg.timeout_ms, from, to, "fetch-job", NULL,
                      &st, &err) != LR_OK) {
            log_warn("divergence read of company %s: %s", c->code, err.message);
        } else {
            size_t nwarn = 0;
            div_fetch_summary(&st, summary, sizeof summary);
            log_info("divergence read of company %s, %s..%s: %s", c->code, from, to, summary);
            /* 36協定: this month's warnings, for the page and the mail */
            if (div_overtime_keep(w->ss, &fresh, now, &nwarn, &err) != LR_OK)
                log_warn("overtime warnings of company %s: %s", c->code, err.message);
            else if (nwarn)
                log_info("overtime warnings of company %s: %zu employee(s)", c->code, nwarn);
        }
    }
    company_lease_drop(w->ss, "div_fetch", c->id);
    return read;
}

static int sync_round(void *arg)
{
    kot_worker *w = arg;
    lr_company *cs = NULL;
    size_t n = 0;
    lr_error err;
    if (store_companies_all(w->ss, &cs, &n, &err) != LR_OK)
        log_error("kot sync: %s", err.message);
    for (size_t i = 0; i < n; i++) {
        lr_company fresh;
        maybe_sync(w, &cs[i]);
        /* after a read this round, the company as the read left it */
        if (!maybe_fetch(w, &cs[i]))
            maybe_mail(w, &cs[i]);
        else if (store_company_get(w->ss, cs[i].code, &fresh, NULL) == LR_OK)
            maybe_mail(w, &fresh);
    }
    free(cs);
    return 0;
}

/* Stops the send thread (and the store thread when started), then ends
 * delivery on this one: what was not started goes back to pending, calls
 * in flight are waited for, ended rows are written. */
static void stop_delivery(kot_worker *w, int store_started)
{
    atomic_store(&w->stop, 1);
    kot_deliver_kick(w->dl);
    pthread_join(w->thread, NULL);
    if (store_started)
        pthread_join(w->store_thread, NULL);
    kot_deliver_stop(w->dl);
}

static void worker_free(kot_worker *w)
{
    kot_deliver_free(w->dl);
    if (w->tp)
        w->tp->ops->free(w->tp);
    store_close(w->ds);
    store_close(w->ss);
    sodium_memzero(&w->sec, sizeof w->sec);
    free(w);
}

lr_status kot_worker_start(const char *db, const lr_secrets *sec, const dispatch_cfg *cfg,
                           const div_mail_env *mail, kot_worker **out, lr_error *err)
{
    kot_worker *w = calloc(1, sizeof *w);
    size_t recovered = 0;
    lr_status st;
    if (!w)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    w->sec = *sec;
    w->cfg = *cfg;
    if (mail) {
        w->mail = *mail;
        w->has_mail = 1;
    }
    atomic_init(&w->stop, 0);
    if ((st = store_open(db, &w->ds, err)) != LR_OK || (st = store_open(db, &w->ss, err)) != LR_OK ||
        (st = kot_transport_curl(&w->tp, err)) != LR_OK ||
        (st = kot_deliver_new(w->ds, sec, cfg, w->tp, &w->dl, err)) != LR_OK)
        goto fail;
    /* alone on its database, whatever was being sent is this process's
     * past; shared, only rows whose lease ran out (every pass does that) */
    if ((st = store_outbox_recover(w->ds, store_shared(w->ds) ? clock_now() : INT64_MAX,
                                   &recovered, err)) != LR_OK)
        goto fail;
    if (recovered)
        log_warn("delivery: %zu punch(es) were in flight when the last process stopped; they "
                 "will be checked in KING OF TIME before any is sent again",
                 recovered);
    if (pthread_create(&w->thread, NULL, send_loop, w) != 0) {
        st = lr_fail(err, LR_ENOMEM, "cannot start the delivery thread");
        goto fail;
    }
    if (pthread_create(&w->store_thread, NULL, store_loop, w) != 0) {
        st = lr_fail(err, LR_ENOMEM, "cannot start the delivery thread");
        stop_delivery(w, 0);
        goto fail;
    }
    if ((cfg->sync_interval_s > 0 || cfg->fetch_at_min >= 0) &&
        (st = worker_start("kot sync", sync_round, w, SYNC_LOOK_MS, &w->sw, err)) != LR_OK) {
        stop_delivery(w, 1);
        goto fail;
    }
    *out = w;
    return LR_OK;
fail:
    worker_free(w);
    return st;
}

void kot_worker_kick(kot_worker *w)
{
    kot_deliver_kick(w->dl);
}

void kot_worker_stop(kot_worker *w)
{
    if (!w)
        return;
    worker_stop(w->sw);
    stop_delivery(w, 1);
    worker_free(w);
}
