/*
 * dispatch — the outbox to KING OF TIME, exactly once (see dispatch.h).
 */
#include "service/dispatch.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/company_lease.h"
#include "service/kot_settings.h"
#include "service/kot_sync.h"
#include "sinks/kot_api.h"
#include "sinks/kot_client.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"
#include "util/env.h"
#include "util/worker.h"

void dispatch_cfg_default(dispatch_cfg *cfg)
{
    cfg->timeout_ms = env_long("LOGINREC_KOT_TIMEOUT_MS", 10000, 1, LONG_MAX);
    cfg->backoff_base_ms = env_long("LOGINREC_RETRY_BASE_MS", 2000, 1, LONG_MAX);
    cfg->backoff_max_ms = env_long("LOGINREC_RETRY_MAX_MS", 15 * 60 * 1000, 1, LONG_MAX);
    cfg->poll_ms = env_long("LOGINREC_DISPATCH_POLL_MS", 1000, 1, LONG_MAX);
    cfg->batch = 200;
    cfg->sync_interval_s = 3600;
    cfg->lease_s = env_long("LOGINREC_OUTBOX_LEASE_S", 30, 1, 86400);
    cfg->restricted_jitter_s = env_long("LOGINREC_KOT_RESTRICTED_JITTER_S", 120, 0, 3600);
}

/* How long a row being sent stays this instance's: longer than one
 * attempt (a read-back and a POST, each up to the timeout), so that no
 * other instance takes it over while it may still reach KoT. */
static int64_t sending_lease_s(const dispatch_cfg *cfg)
{
    return 2 * ((cfg->timeout_ms + 999) / 1000) + 5;
}

long dispatch_backoff_ms(const dispatch_cfg *cfg, int attempts)
{
    double d = (double)cfg->backoff_base_ms;
    for (int i = 1; i < attempts && d < (double)cfg->backoff_max_ms; i++)
        d *= 2;
    if (d > (double)cfg->backoff_max_ms)
        d = (double)cfg->backoff_max_ms;
    /* jitter in [0.5, 1.5): many rows failing together do not retry together */
    return (long)(d * (0.5 + (double)randombytes_uniform(1000) / 1000.0));
}

static void record(lr_store *s, const lr_delivery *d, const kot_reply *r, const char *outcome)
{
    char answer[1025];
    lr_attempt a;
    snprintf(answer, sizeof answer, "%.*s", (int)(r->body.len < 1024 ? r->body.len : 1024),
             r->body.data ? r->body.data : "");
    a = (lr_attempt){d->id,     clock_now(), (int)r->status, outcome, r->request,
                     answer,    r->duration_ms};
    if (store_attempt_record(s, &a, NULL) != LR_OK)
        log_warn("could not record the attempt of outbox row %lld", (long long)d->id);
}

typedef struct find_ctx {
    const lr_delivery *d;
    int found;
} find_ctx;

static int match_record(void *ctx, const kot_timerecord *r)
{
    find_ctx *f = ctx;
    if (strcmp(r->employee_key, f->d->kot_key) == 0 && r->utc == f->d->utc &&
        r->code == (int)f->d->kind)
        f->found = 1;
    return f->found;
}

/* Reads the employee-day back (that employee only). KOT_OK with *found
 * set; otherwise what KoT answered (the row waits). */
static kot_outcome read_back(lr_store *s, kot_client *kc, const lr_delivery *d, int *found,
                             dispatch_stats *stats)
{
    const char *keys[1] = {d->kot_key};
    kot_request q;
    kot_reply r;
    find_ctx f = {d, 0};
    lr_status st;

    *found = 0;
    if (kot_timerecords_get(d->work_day, d->work_day, keys, 1, &q, NULL) != LR_OK)
        return KOT_REJECTED;
    stats->calls++;
    kot_call(kc, &q, &r);
    kot_request_free(&q);
    if (r.outcome != KOT_OK) {
        record(s, d, &r, "read_back_failed");
        buf_free(&r.body);
        return r.outcome;
    }
    st = kot_parse_timerecords(r.body.data, r.body.len, match_record, &f, NULL);
    record(s, d, &r, st != LR_OK ? "read_back_malformed" : f.found ? "read_back_found" : "read_back_absent");
    buf_free(&r.body);
    *found = f.found;
    return st == LR_OK ? KOT_OK : KOT_UNKNOWN;
}

/* Ends the attempt with its reason code and, for people, words (NULL:
 * the code says it all). */
static lr_status finish(lr_store *s, const lr_delivery *d, const char *state, const char *reason,
                        const char *words, int uncertain, int64_t next_at, lr_error *err)
{
    return store_outbox_finish(s, d->id, state, reason, words ? words : reason, uncertain,
                               next_at, err);
}

/* Schedules the next attempt of a claimed row. */
static lr_status later(lr_store *s, const lr_delivery *d, const dispatch_cfg *cfg, int uncertain,
                       const char *reason, const char *why, dispatch_stats *stats, lr_error *err)
{
    int64_t at = (clock_now_ms() + dispatch_backoff_ms(cfg, d->attempts + 1) + 999) / 1000;
    stats->retried++;
    return finish(s, d, "pending", reason, why, uncertain, at, err);
}

/* An uncertain row in KoT's restricted hours: its read-back would be
 * refused until the window ends, so it waits for the end (plus jitter, so
 * that every waiting row does not ask at the same second), not on backoff;
 * it is neither retried through the window nor parked as failed. */
static lr_status wait_window(lr_store *s, const lr_delivery *d, const dispatch_cfg *cfg,
                             int64_t ends, int uncertain, dispatch_stats *stats, lr_error *err)
{
    char why[200];
    int64_t jitter = cfg->restricted_jitter_s > 0
                         ? (int64_t)randombytes_uniform((uint32_t)cfg->restricted_jitter_s + 1)
                         : 0;
    snprintf(why, sizeof why,
             "KING OF TIME's restricted hours (08:30-10:00, 17:30-18:30 JST): %s after %s JST",
             uncertain ? "checked in KING OF TIME" : "sent", kot_restricted_end_words(ends - 1));
    stats->waiting++;
    return finish(s, d, "pending", "restricted", why, uncertain, ends + jitter, err);
}

/* KoT said "not now": in its restricted hours the row waits for their end;
 * otherwise (maintenance) it is retried on backoff. Nothing took effect. */
static lr_status not_now(lr_store *s, const lr_delivery *d, const dispatch_cfg *cfg,
                         const char *why, dispatch_stats *stats, lr_error *err)
{
    int64_t ends;
    if (kot_restricted(clock_now(), &ends))
        return wait_window(s, d, cfg, ends, d->uncertain, stats, err);
    return later(s, d, cfg, d->uncertain, "kot_retry", why, stats, err);
}

static lr_status deliver(lr_store *s, const lr_company *c, kot_client *kc, const lr_delivery *d,
                         const dispatch_cfg *cfg, dispatch_stats *stats, lr_error *err)
{
    char t[32], why[400];
    kot_reply r;
    kot_request q;
    kot_punch p;
    kot_outcome o;
    lr_status st;
    lr_error err2;
    int found = 0;
    int64_t ends;

    /* rows that need no call */
    if ((d->kind == PUNCH_BREAK_START || d->kind == PUNCH_BREAK_END) && !c->break_punches) {
        stats->skipped++;
        return finish(s, d, "done", "breaks_off", NULL, 0, 0, err);
    }
    if (strcmp(d->action, "retract") == 0) {
        if (!d->punch_sent) {
            stats->superseded++;
            return finish(s, d, "done", "superseded", NULL, 0, 0, err);
        }
        tz_format_iso(c->tz, d->utc, t);
        snprintf(why, sizeof why,
                 "KING OF TIME's WebAPI cannot delete a punch: remove %s %s of %s (employee "
                 "%s) in KING OF TIME",
                 punch_kind_name(d->kind), t, d->work_day, d->employee_code);
        stats->failed++;
        return finish(s, d, "failed", "cannot_delete", why, 0, 0, err);
    }
    if (!d->punch_active) {
        stats->superseded++;
        return finish(s, d, "done", "superseded", NULL, 0, 0, err);
    }
    if (!d->kot_key[0]) {
        snprintf(why, sizeof why,
                 "employee %s has no KING OF TIME key: run 'loginrec kot sync %s', then "
                 "'loginrec outbox retry %s'",
                 d->employee_code, c->code, c->code);
        stats->failed++;
        return finish(s, d, "failed", "no_kot_key", why, 0, 0, err);
    }
    /* a read-back cannot be answered in the restricted hours: no call */
    if (d->uncertain && kot_restricted(clock_now(), &ends))
        return wait_window(s, d, cfg, ends, 1, stats, err);
    p = (kot_punch){d->kot_key, d->work_day, d->utc, (int)d->kind, d->division_code};
    if (kot_punch_post(&p, &q, &err2) != LR_OK) {
        stats->failed++;
        return finish(s, d, "failed", "kot_rejected", err2.message, d->uncertain, 0, err);
    }
    if ((st = store_outbox_claim(s, d->id, clock_now() + sending_lease_s(cfg), err)) != LR_OK) {
        kot_request_free(&q);
        return st == LR_EBUSY ? LR_OK : st; /* another worker has it */
    }
    if (d->uncertain) {
        o = read_back(s, kc, d, &found, stats);
        if (o == KOT_OK && found) {
            kot_request_free(&q);
            stats->already_there++;
            return finish(s, d, "done", "already_there", NULL, 0, 0, err);
        }
        if (o != KOT_OK) {
            kot_request_free(&q);
            if (o == KOT_RESTRICTED)
                return not_now(s, d, cfg, "KING OF TIME did not answer the check now", stats, err);
            return later(s, d, cfg, 1, "read_back", "could not check what reached KING OF TIME",
                         stats, err);
        }
    }
    stats->calls++;
    kot_call(kc, &q, &r);
    kot_request_free(&q);
    record(s, d, &r, kot_outcome_name(r.outcome));
    snprintf(why, sizeof why, "%s", r.reason);
    buf_free(&r.body);
    switch (r.outcome) {
    case KOT_OK:
        stats->sent++;
        return finish(s, d, "done", "sent", NULL, 0, 0, err);
    case KOT_RATE_LIMITED:
    case KOT_RETRY:
        /* did not take effect; an earlier doubt stays */
        return later(s, d, cfg, d->uncertain, "kot_retry", why, stats, err);
    case KOT_UNKNOWN:
        return later(s, d, cfg, 1, "kot_unknown", why, stats, err);
    case KOT_RESTRICTED:
        return not_now(s, d, cfg, why, stats, err);
    case KOT_AUTH:
        stats->failed++;
        snprintf(why + strlen(why), sizeof why - strlen(why),
                 " — KING OF TIME refused the token: check it and the allowed IP addresses");
        return finish(s, d, "failed", "kot_auth", why, d->uncertain, 0, err);
    case KOT_REJECTED:
        stats->failed++;
        return finish(s, d, "failed", "kot_rejected", why, d->uncertain, 0, err);
    }
    return LR_OK;
}

lr_status dispatch_company(lr_store *s, const lr_company *c, const lr_secrets *sec,
                           const dispatch_cfg *cfg, dispatch_stats *stats, lr_error *err)
{
    lr_delivery *rows;
    kot_client *kc = NULL;
    size_t n = 0;
    lr_status st;

    if (!c->punch_delivery)
        return LR_OK;
    rows = calloc((size_t)cfg->batch, sizeof *rows);
    if (!rows)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    st = store_outbox_due(s, c->id, clock_now(), cfg->lease_s, rows, (size_t)cfg->batch,
                          &n, err);
    if (st == LR_OK && n > 0)
        st = kot_settings_client(s, c, sec, cfg->timeout_ms, &kc, err);
    stats->rows += n;
    for (size_t i = 0; st == LR_OK && i < n; i++)
        st = deliver(s, c, kc, &rows[i], cfg, stats, err);
    kot_client_free(kc);
    free(rows);
    return st;
}

/* ---- the background thread ---- */

struct dispatcher {
    worker *w;
    lr_store *s;
    lr_secrets sec;
    dispatch_cfg cfg;
};

typedef struct companies {
    lr_company *v;
    size_t n, cap;
} companies;

static int keep_company(void *ctx, const lr_company *c)
{
    companies *cs = ctx;
    if (!vec_room((void **)&cs->v, &cs->cap, cs->n, sizeof *cs->v))
        return 1;
    cs->v[cs->n++] = *c;
    return 0;
}

/* The periodic employee sync: due (an interval after the last attempt,
 * failed or not), outside busy hours, with a token. Instances sharing the
 * database take the company's "kot_sync" lease first, and look again at
 * when the last sync was once they hold it. */
static void maybe_sync(dispatcher *d, const lr_company *c)
{
    int64_t now = clock_now();
    lr_company fresh;
    kot_sync_stats st;
    lr_error err;
    if (d->cfg.sync_interval_s <= 0 || now - c->kot_synced_at < d->cfg.sync_interval_s ||
        kot_restricted(now, NULL) || !kot_settings_configured(d->s, c))
        return;
    if (!company_lease_take(d->s, "kot_sync", c->id))
        return; /* another instance syncs it */
    if (store_company_get(d->s, c->code, &fresh, NULL) == LR_OK &&
        now - fresh.kot_synced_at >= d->cfg.sync_interval_s) {
        if (kot_sync_company(d->s, c->code, &d->sec, d->cfg.timeout_ms, "sync-job", &st, &err) !=
            LR_OK) {
            log_warn("kot sync of company %s: %s", c->code, err.message);
        } else {
            char summary[200];
            kot_sync_summary(&st, summary, sizeof summary);
            log_info("kot sync of company %s: %s", c->code, summary);
        }
    }
    company_lease_drop(d->s, "kot_sync", c->id);
}

/* One round: every company's sync when due, then its due deliveries.
 * Returns non-zero while rows were taken (more may be due). */
static int round_once(void *arg)
{
    dispatcher *d = arg;
    companies cs = {0};
    size_t work = 0;
    lr_error err;

    if (store_shared(d->s)) {
        size_t recovered = 0;
        if (store_outbox_recover(d->s, clock_now(), &recovered, &err) != LR_OK)
            log_error("dispatcher: %s", err.message);
        else if (recovered)
            log_warn("dispatcher: %zu punch(es) were being sent by an instance that stopped; "
                     "they will be checked in KING OF TIME before any is sent again",
                     recovered);
    }
    if (store_companies_list(d->s, keep_company, &cs, &err) != LR_OK)
        log_error("dispatcher: %s", err.message);
    for (size_t i = 0; i < cs.n; i++)
        maybe_sync(d, &cs.v[i]);
    for (size_t i = 0; i < cs.n; i++) {
        dispatch_stats st = {0};
        if (!cs.v[i].punch_delivery)
            continue;
        lr_error_clear(&err);
        if (dispatch_company(d->s, &cs.v[i], &d->sec, &d->cfg, &st, &err) != LR_OK &&
            err.code != LR_ENOTFOUND)
            log_error("dispatcher: company %s: %s", cs.v[i].code, err.message);
        work += st.rows;
        if (st.calls)
            log_info("dispatcher: company %s: %zu sent, %zu already there, %zu to retry, "
                     "%zu failed",
                     cs.v[i].code, st.sent, st.already_there, st.retried, st.failed);
    }
    free(cs.v);
    return work > 0;
}

lr_status dispatcher_start(const char *db, const lr_secrets *sec, const dispatch_cfg *cfg,
                           dispatcher **out, lr_error *err)
{
    dispatcher *d = calloc(1, sizeof *d);
    size_t recovered = 0;
    lr_status st;
    if (!d)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if ((st = store_open(db, &d->s, err)) != LR_OK) {
        free(d);
        return st;
    }
    d->sec = *sec;
    d->cfg = *cfg;
    /* alone on its database, whatever was being sent is this process's
     * past; shared, only rows whose lease ran out (every round does that) */
    if ((st = store_outbox_recover(d->s, store_shared(d->s) ? clock_now() : INT64_MAX,
                                   &recovered, err)) != LR_OK ||
        (st = worker_start("dispatcher", round_once, d, cfg->poll_ms, &d->w, err)) != LR_OK) {
        store_close(d->s);
        sodium_memzero(&d->sec, sizeof d->sec);
        free(d);
        return st;
    }
    if (recovered)
        log_warn("dispatcher: %zu punch(es) were in flight when the last process stopped; "
                 "they will be checked in KING OF TIME before any is sent again",
                 recovered);
    *out = d;
    return LR_OK;
}

void dispatcher_kick(dispatcher *d)
{
    worker_kick(d->w);
}

void dispatcher_stop(dispatcher *d)
{
    if (!d)
        return;
    worker_stop(d->w);
    store_close(d->s);
    sodium_memzero(&d->sec, sizeof d->sec);
    free(d);
}
