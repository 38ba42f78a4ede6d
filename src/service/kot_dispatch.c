/*
 * kot_dispatch — one outbox row's delivery, as a state machine (see
 * kot_dispatch.h).
 */
#include "service/kot_dispatch.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/encoding.h"
#include "util/clock.h"
#include "util/env.h"
#include "util/tz.h"

void dispatch_cfg_default(dispatch_cfg *cfg)
{
    cfg->timeout_ms = env_long("LOGINREC_KOT_TIMEOUT_MS", 10000, 1, LONG_MAX);
    cfg->backoff_base_ms = env_long("LOGINREC_RETRY_BASE_MS", 2000, 1, LONG_MAX);
    cfg->backoff_max_ms = env_long("LOGINREC_RETRY_MAX_MS", 15 * 60 * 1000, 1, LONG_MAX);
    cfg->poll_ms = env_long("LOGINREC_DISPATCH_POLL_MS", 1000, 1, LONG_MAX);
    cfg->sync_interval_s = 3600;
    cfg->fetch_at_min = 3 * 60;
    cfg->lease_s = env_long("LOGINREC_OUTBOX_LEASE_S", 30, 1, 86400);
    cfg->restricted_jitter_s = env_long("LOGINREC_KOT_RESTRICTED_JITTER_S", 120, 0, 3600);
    cfg->clock_ms = clock_now_ms;
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

static kd_step end(kd_row *r, const char *state, const char *reason, const char *words,
                   int64_t next_at)
{
    kot_request_free(&r->call);
    r->step = KD_END;
    r->end_state = state;
    if (strcmp(state, "done") == 0)
        r->uncertain = 0; /* settled: nothing is left to check */
    r->reason = reason;
    snprintf(r->words, sizeof r->words, "%s", words ? words : "");
    r->next_at = next_at;
    return KD_END;
}

static kd_step call(kd_row *r, kot_request q, int reading_back)
{
    kot_request_free(&r->call);
    r->call = q;
    r->reading_back = reading_back;
    r->step = KD_CALL;
    return KD_CALL;
}

/* Retry after the backoff of this attempt. */
static kd_step later(kd_row *r, const dispatch_cfg *cfg, const char *reason, const char *why,
                     int64_t now_ms)
{
    int64_t at = (now_ms + dispatch_backoff_ms(cfg, r->d.attempts + 1) + 999) / 1000;
    return end(r, "pending", reason, why, at);
}

/* Waits for the end of the restricted window that `ends` closes, plus
 * jitter, so that every waiting row does not ask at the same second. */
static kd_step wait_window(kd_row *r, const dispatch_cfg *cfg, int64_t ends)
{
    char why[200];
    int64_t jitter = cfg->restricted_jitter_s > 0
                         ? (int64_t)randombytes_uniform((uint32_t)cfg->restricted_jitter_s + 1)
                         : 0;
    snprintf(why, sizeof why,
             "KING OF TIME's restricted hours (08:30-10:00, 17:30-18:30 JST): %s after %s JST",
             r->uncertain ? "checked in KING OF TIME" : "sent", kot_restricted_end_words(ends - 1));
    return end(r, "pending", "restricted", why, ends + jitter);
}

/* KoT said "not now" (nothing took effect): in its restricted hours the
 * row waits for their end; otherwise (maintenance) it retries on backoff. */
static kd_step not_now(kd_row *r, const dispatch_cfg *cfg, const char *why, int64_t now_ms)
{
    int64_t ends;
    if (kot_restricted(now_ms / 1000, &ends))
        return wait_window(r, cfg, ends);
    return later(r, cfg, "kot_retry", why, now_ms);
}

static void attempt(kd_row *r, const kot_reply *a, const char *outcome, int64_t now_ms)
{
    kd_attempt *t;
    size_t n;
    if (r->natt >= 2)
        return;
    t = &r->att[r->natt++];
    t->at = now_ms / 1000;
    t->http_status = (int)a->status;
    snprintf(t->outcome, sizeof t->outcome, "%s", outcome);
    snprintf(t->request, sizeof t->request, "%s", a->request);
    n = a->body.len < sizeof t->answer - 1 ? a->body.len : sizeof t->answer - 1;
    if (n)
        memcpy(t->answer, a->body.data, n);
    /* kept as text: up to a character cut in two, or bytes that are not
     * UTF-8 (PostgreSQL refuses such text, and the row would never be
     * written) */
    {
        size_t bad_at;
        if (!enc_utf8_valid(t->answer, n, &bad_at))
            n = bad_at;
    }
    t->answer[n] = '\0';
    t->duration_ms = a->duration_ms;
}

kd_step kd_begin(kd_row *r, const lr_delivery *d, const kd_rules *k, const dispatch_cfg *cfg,
                 int64_t now_ms)
{
    char t[32], why[400];
    kot_punch p;
    lr_error err;
    int64_t ends;

    memset(r, 0, sizeof *r);
    r->d = *d;
    r->uncertain = d->uncertain;
    /* rows that need no call */
    if (k->record_mode)
        return end(r, "done", "record_mode", NULL, 0);
    if ((d->kind == PUNCH_BREAK_START || d->kind == PUNCH_BREAK_END) && !k->break_punches)
        return end(r, "done", "breaks_off", NULL, 0);
    if (strcmp(d->action, "retract") == 0) {
        if (!d->punch_sent)
            return end(r, "done", "superseded", NULL, 0);
        tz_format_iso(k->tz, d->utc, t);
        snprintf(why, sizeof why,
                 "KING OF TIME's WebAPI cannot delete a punch: remove %s %s of %s (employee "
                 "%s) in KING OF TIME",
                 punch_kind_name(d->kind), t, d->work_day, d->employee_code);
        return end(r, "failed", "cannot_delete", why, 0);
    }
    if (!d->punch_active)
        return end(r, "done", "superseded", NULL, 0);
    if (!d->kot_key[0]) {
        snprintf(why, sizeof why,
                 "employee %s has no KING OF TIME key: run 'loginrec kot sync %s', then "
                 "'loginrec outbox retry %s'",
                 d->employee_code, k->company_code, k->company_code);
        return end(r, "failed", "no_kot_key", why, 0);
    }
    p = (kot_punch){d->kot_key, d->work_day, d->utc, (int)d->kind, d->division_code};
    if (kot_punch_post(&p, &r->post, &err) != LR_OK)
        return end(r, "failed", "kot_rejected", err.message, 0);
    if (!r->uncertain) {
        kot_request q = r->post;
        r->post = (kot_request){0};
        return call(r, q, 0);
    }
    /* a read-back cannot be answered in the restricted hours: no call */
    if (kot_restricted(now_ms / 1000, &ends))
        return wait_window(r, cfg, ends);
    {
        const char *keys[1] = {d->kot_key};
        kot_request q;
        if (kot_timerecords_get(d->work_day, d->work_day, keys, 1, &q, &err) != LR_OK)
            return end(r, "failed", "kot_rejected", err.message, 0);
        return call(r, q, 1);
    }
}

typedef struct find_ctx {
    const lr_delivery *d;
    int found;
} find_ctx;

static int match_record(void *ctx, const kot_timerecord *t)
{
    find_ctx *f = ctx;
    if (strcmp(t->employee_key, f->d->kot_key) == 0 && t->utc == f->d->utc &&
        t->code == (int)f->d->kind)
        f->found = 1;
    return f->found;
}

static kd_step read_back_answered(kd_row *r, const kot_reply *a, const dispatch_cfg *cfg,
                                  int64_t now_ms)
{
    find_ctx f = {&r->d, 0};
    if (a->outcome != KOT_OK) {
        attempt(r, a, "read_back_failed", now_ms);
        if (a->outcome == KOT_RESTRICTED)
            return not_now(r, cfg, "KING OF TIME did not answer the check now", now_ms);
        return later(r, cfg, "read_back", "could not check what reached KING OF TIME", now_ms);
    }
    if (kot_parse_timerecords(a->body.data, a->body.len, match_record, &f, NULL) != LR_OK) {
        attempt(r, a, "read_back_malformed", now_ms);
        return later(r, cfg, "read_back", "could not check what reached KING OF TIME", now_ms);
    }
    attempt(r, a, f.found ? "read_back_found" : "read_back_absent", now_ms);
    if (f.found)
        return end(r, "done", "already_there", NULL, 0);
    /* not there: the POST is the first that can take effect */
    {
        kot_request q = r->post;
        r->uncertain = 0;
        r->post = (kot_request){0};
        return call(r, q, 0);
    }
}

kd_step kd_answer(kd_row *r, const kot_reply *a, const dispatch_cfg *cfg, int64_t now_ms)
{
    char why[400];
    if (r->reading_back)
        return read_back_answered(r, a, cfg, now_ms);
    attempt(r, a, kot_outcome_name(a->outcome), now_ms);
    snprintf(why, sizeof why, "%s", a->reason);
    switch (a->outcome) {
    case KOT_OK:
        r->uncertain = 0;
        return end(r, "done", "sent", NULL, 0);
    case KOT_RATE_LIMITED:
    case KOT_RETRY:
        /* did not take effect; an earlier doubt stays */
        return later(r, cfg, "kot_retry", why, now_ms);
    case KOT_UNKNOWN:
        r->uncertain = 1;
        return later(r, cfg, "kot_unknown", why, now_ms);
    case KOT_RESTRICTED:
        return not_now(r, cfg, why, now_ms);
    case KOT_AUTH:
        snprintf(why + strlen(why), sizeof why - strlen(why),
                 " — KING OF TIME refused the token: check it and the allowed IP addresses");
        return end(r, "failed", "kot_auth", why, 0);
    case KOT_REJECTED:
        break;
    }
    return end(r, "failed", "kot_rejected", why, 0);
}

void kd_abandon(kd_row *r, const char *why, int64_t now_ms)
{
    end(r, "pending", "kot_retry", why, now_ms / 1000);
}

void kd_tally(const kd_row *r, dispatch_stats *st)
{
    st->calls += (size_t)r->natt;
    if (strcmp(r->end_state, "failed") == 0)
        st->failed++;
    else if (strcmp(r->reason, "sent") == 0)
        st->sent++;
    else if (strcmp(r->reason, "already_there") == 0)
        st->already_there++;
    else if (strcmp(r->reason, "superseded") == 0)
        st->superseded++;
    else if (strcmp(r->reason, "breaks_off") == 0)
        st->skipped++;
    else if (strcmp(r->reason, "restricted") == 0)
        st->waiting++;
    else
        st->retried++;
}

void kd_row_clear(kd_row *r)
{
    kot_request_free(&r->call);
    kot_request_free(&r->post);
}
