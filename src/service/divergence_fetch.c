/*
 * divergence_fetch — KING OF TIME's record, read back (see
 * divergence_fetch.h).
 */
#include "service/divergence_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/divergence.h"
#include "service/admin.h"
#include "service/divergence_report.h"
#include "service/kot_read.h"
#include "service/kot_settings.h"
#include "service/ledger_export.h"
#include "sinks/kot_api.h"
#include "sinks/kot_reply.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

#define WINDOW_DAYS 62

void div_fetch_summary(const div_fetch_stats *st, char *out, size_t outsz)
{
    snprintf(out, outsz, "%zu calls (fewest %zu), %zu records, %zu divergent days, %zu new, %zu "
                         "closed", st->calls, st->min_calls, st->records, st->divergent,
             st->opened, st->closed);
}

void div_fetch_default_range(const lr_company *c, int64_t now, char from[11], char to[11])
{
    int64_t today = tz_local_day(c->tz, now);
    tf_format_date(today - (DIV_FETCH_DAYS - 1), from);
    tf_format_date(today, to);
}

/* Today's instant of at_min in the company's zone. */
static int64_t nightly_at(const lr_company *c, int64_t now, int at_min)
{
    int64_t off = tz_offset_at(c->tz, now);
    return tf_floor_div(now + off, 86400) * 86400 + (int64_t)at_min * 60 - off;
}

int div_fetch_done_today(const lr_company *c, int64_t now, int at_min)
{
    return at_min >= 0 && now >= nightly_at(c, now, at_min) &&
           c->div_fetched_at >= nightly_at(c, now, at_min) &&
           strncmp(c->div_fetch_result, "failed:", 7) != 0;
}

int div_fetch_due(const lr_company *c, int64_t now, int at_min)
{
    int64_t at = nightly_at(c, now, at_min);
    if (at_min < 0 || now < at)
        return 0;
    if (c->div_fetched_at < at)
        return 1;
    /* a failed read is tried again an hour later */
    return strncmp(c->div_fetch_result, "failed:", 7) == 0 && now - c->div_fetched_at >= 3600;
}

/* A read in progress. */
typedef struct reading {
    lr_store *s;
    const lr_company *c;
    lr_employee *emps; /* present employees with a KoT key, by code */
    size_t nemps, cap;
    lr_employee **by_key;
    int64_t *stamp; /* emps[i]'s days of the window were cleared in window stamp[i] */
    int64_t window; /* the current window's number (from 1) */
    int64_t *owner; /* the call whose answer gave emps[i]'s records (calls count from 1) */
    int64_t call, window_first_call;
    char w0[11], w1[11];
    int64_t seq;
    int64_t now;
    div_fetch_stats *stats;
    lr_status st;
    lr_error *err;
} reading;

static int keep_emp(void *ctx, const lr_employee *e)
{
    reading *k = ctx;
    if (e->deleted || !e->kot_key[0])
        return 0;
    if (!vec_room((void **)&k->emps, &k->cap, k->nemps, sizeof *k->emps)) {
        k->st = lr_fail(k->err, LR_ENOMEM, "out of memory reading employees");
        return 1;
    }
    k->emps[k->nemps++] = *e;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp((*(lr_employee *const *)a)->kot_key, (*(lr_employee *const *)b)->kot_key);
}

/* Clears employee i's days of the window, once per window. */
static lr_status clear_once(reading *k, size_t i)
{
    if (k->stamp[i] == k->window)
        return LR_OK;
    k->stamp[i] = k->window;
    return store_kot_records_clear(k->s, k->c->id, k->emps[i].id, k->w0, k->w1, k->err);
}

static int put_record(void *ctx, const kot_timerecord *t)
{
    reading *k = ctx;
    lr_employee probe, *pp = &probe, **hit;
    lr_kot_record r = {0};
    size_t i;
    snprintf(probe.kot_key, sizeof probe.kot_key, "%s", t->employee_key);
    hit = k->nemps ? bsearch(&pp, k->by_key, k->nemps, sizeof *k->by_key, cmp_key) : NULL;
    if (!hit) {
        k->stats->unknown++;
        return 0;
    }
    if (t->code < PUNCH_CLOCK_IN || t->code > PUNCH_BREAK_END ||
        tf_parse_date(t->date, &(int64_t){0}, NULL) != LR_OK) {
        k->st = lr_fail(k->err, LR_EINVAL, "KING OF TIME timerecord: employee %s, %s: code %d "
                                           "is not 1-4, or the day is not YYYY-MM-DD",
                        (*hit)->code, t->date, t->code);
        return 1;
    }
    i = (size_t)(*hit - k->emps);
    /* an employee in two answers of one window (KoT moved them since the
     * last sync): the first answer's records are the whole day already */
    if (k->owner[i] >= k->window_first_call && k->owner[i] != k->call)
        return 0;
    k->owner[i] = k->call;
    if ((k->st = clear_once(k, i)) != LR_OK)
        return 1;
    r.employee_id = (*hit)->id;
    snprintf(r.work_day, sizeof r.work_day, "%s", t->date);
    r.seq = (int)++k->seq;
    r.kind = (punch_kind)t->code;
    r.utc = t->utc;
    snprintf(r.division_code, sizeof r.division_code, "%s", t->division_code);
    snprintf(r.credential_code, sizeof r.credential_code, "%s", t->credential_code);
    snprintf(r.credential_name, sizeof r.credential_name, "%s", t->credential_name);
    k->st = store_kot_record_insert(k->s, k->c->id, &r, k->now, k->err);
    k->stats->records++;
    return k->st != LR_OK;
}

/* One call's answer kept: its group's employees' days of the window
 * cleared, its records in, in one transaction. */
static lr_status keep_answer(reading *k, const size_t *members, size_t nmembers,
                             const kot_reply *r)
{
    lr_status st = store_begin(k->s, k->err);
    if (st != LR_OK)
        return st;
    k->st = LR_OK;
    for (size_t i = 0; st == LR_OK && i < nmembers; i++)
        st = clear_once(k, members[i]);
    if (st == LR_OK)
        st = kot_parse_timerecords(r->body.data, r->body.len, put_record, k, k->err);
    if (st == LR_OK)
        st = k->st;
    if (st == LR_OK)
        return store_commit(k->s, k->err);
    store_rollback(k->s);
    return st;
}

/* The kept days and what the read found, by employee then day. */
typedef struct judged {
    lr_divergence *v;
    size_t n, cap;
    int oom;
} judged;

static int take_row(void *ctx, const div_row *r)
{
    judged *j = ctx;
    lr_divergence *d;
    if (!vec_room((void **)&j->v, &j->cap, j->n, sizeof *j->v)) {
        j->oom = 1;
        return 1;
    }
    d = &j->v[j->n++];
    div_row_kept(r, d);
    /* new, or diverging again: its kept row is absent or closed */
    snprintf(d->status, sizeof d->status, "%s",
             !r->kept || strcmp(r->kept->status, "closed") == 0 ? "new" : "kept");
    return 0;
}

static int keep_all(void *ctx, const lr_divergence *d)
{
    judged *j = ctx;
    if (!vec_room((void **)&j->v, &j->cap, j->n, sizeof *j->v)) {
        j->oom = 1;
        return 1;
    }
    j->v[j->n++] = *d;
    return 0;
}

static int cmp_day(const void *a, const void *b)
{
    const lr_divergence *x = a, *y = b;
    if (x->employee_id != y->employee_id)
        return x->employee_id < y->employee_id ? -1 : 1;
    return strcmp(x->work_day, y->work_day);
}

lr_status div_keep(lr_store *s, const lr_company *c, const char *from, const char *to,
                   div_fetch_stats *stats, lr_error *err)
{
    div_query q = {from, to, DIV_STATUS_ALL, NULL, NULL, 0};
    judged now = {0}, kept = {0};
    int64_t at = clock_now();
    lr_status st = div_report(s, c, &q, take_row, &now, err);
    if (st == LR_OK)
        st = store_divergences_list(s, c->id, from, to, keep_all, &kept, err);
    if (st == LR_OK && (now.oom || kept.oom))
        st = lr_fail(err, LR_ENOMEM, "out of memory judging days");
    for (size_t i = 0; st == LR_OK && i < now.n; i++) {
        stats->divergent++;
        stats->opened += strcmp(now.v[i].status, "new") == 0;
        st = store_divergence_put(s, c->id, &now.v[i], at, err);
    }
    /* kept days that no longer diverge are closed */
    if (st == LR_OK && now.n > 1)
        qsort(now.v, now.n, sizeof *now.v, cmp_day);
    for (size_t i = 0; st == LR_OK && i < kept.n; i++) {
        if (strcmp(kept.v[i].status, "closed") == 0 ||
            (now.n && bsearch(&kept.v[i], now.v, now.n, sizeof *now.v, cmp_day)))
            continue;
        stats->closed++;
        st = store_divergence_close(s, c->id, kept.v[i].employee_id, kept.v[i].work_day, at, err);
    }
    free(now.v);
    free(kept.v);
    return st;
}

/* The employees of one call: a division's, or a batch of those of none. */
typedef struct group {
    const char *division; /* NULL: by keys */
    size_t *members;
    size_t n;
} group;

static lr_status make_groups(reading *k, const lr_division *divs, size_t ndivs, group **out,
                             size_t *nout, size_t **pool)
{
    size_t ng = 0, nonediv = 0, at = 0;
    group *g;
    size_t *m = malloc((k->nemps + 1) * sizeof *m);
    g = calloc(ndivs + k->nemps / DIV_KEYS_PER_CALL + 2, sizeof *g);
    *out = g;
    *pool = m;
    *nout = 0;
    if (!g || !m)
        return lr_fail(k->err, LR_ENOMEM, "out of memory");
    for (size_t d = 0; d < ndivs; d++) {
        group *x = &g[ng];
        x->division = divs[d].code;
        x->members = m + at;
        for (size_t i = 0; i < k->nemps; i++)
            if (k->emps[i].division_id == divs[d].id)
                m[at + x->n++] = i;
        at += x->n;
        if (x->n)
            ng++;
    }
    for (size_t i = 0; i < k->nemps; i++)
        if (!k->emps[i].division_id) {
            if (nonediv % DIV_KEYS_PER_CALL == 0) {
                g[ng].members = m + at;
                ng++;
            }
            g[ng - 1].members[g[ng - 1].n++] = i;
            at++;
            nonediv++;
        }
    *nout = ng;
    return LR_OK;
}

static lr_status call_group(reading *k, const kot_conn *kc, const group *g, kot_reply *r)
{
    kot_request q;
    lr_status built;
    if (g->division)
        built = kot_timerecords_division_get(k->w0, k->w1, g->division, &q, k->err);
    else {
        const char **keys = malloc(g->n * sizeof *keys);
        if (!keys)
            return lr_fail(k->err, LR_ENOMEM, "out of memory");
        for (size_t i = 0; i < g->n; i++)
            keys[i] = k->emps[g->members[i]].kot_key;
        built = kot_timerecords_get(k->w0, k->w1, keys, g->n, &q, k->err);
        free(keys);
    }
    k->stats->calls++;
    return kot_read(k->s, k->c, kc, built, &q, r, k->err);
}

lr_status div_fetch(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                    const char *from, const char *to, const char *actor,
                    const progress_hook *progress, div_fetch_stats *stats, lr_error *err)
{
    lr_company c;
    kot_conn *kc = NULL;
    lr_division *divs = NULL;
    size_t ndivs = 0, ngroups = 0, *pool = NULL;
    group *groups = NULL;
    reading k = {0};
    int64_t d0, d1, windows;
    char summary[200];
    lr_status st;

    memset(stats, 0, sizeof *stats);
    if ((st = store_company_get(s, code, &c, err)) != LR_OK)
        return st;
    if ((st = ledger_check_range(from, to, err)) != LR_OK)
        return st;
    k.now = clock_now();
    /* in the restricted hours nothing is tried, so nothing is recorded */
    if ((st = kot_read_allowed(k.now, "reads of the record", err)) != LR_OK)
        return st;
    if ((st = kot_settings_conn(s, &c, sec, timeout_ms, &kc, err)) != LR_OK)
        goto out;
    k.s = s;
    k.c = &c;
    k.stats = stats;
    k.err = err;
    st = store_employees_list(s, c.id, keep_emp, &k, err);
    if (st == LR_OK)
        st = k.st;
    if (st == LR_OK)
        st = store_divisions_all(s, c.id, &divs, &ndivs, err);
    if (st == LR_OK) {
        k.by_key = malloc((k.nemps + 1) * sizeof *k.by_key);
        k.stamp = calloc(k.nemps + 1, sizeof *k.stamp);
        k.owner = calloc(k.nemps + 1, sizeof *k.owner);
        if (!k.by_key || !k.stamp || !k.owner)
            st = lr_fail(err, LR_ENOMEM, "out of memory");
    }
    if (st == LR_OK) {
        for (size_t i = 0; i < k.nemps; i++)
            k.by_key[i] = &k.emps[i];
        if (k.nemps > 1)
            qsort(k.by_key, k.nemps, sizeof *k.by_key, cmp_key);
        st = make_groups(&k, divs, ndivs, &groups, &ngroups, &pool);
    }
    tf_parse_date(from, &d0, NULL);
    tf_parse_date(to, &d1, NULL);
    windows = (d1 - d0) / WINDOW_DAYS + 1;
    stats->min_calls = (size_t)windows * ngroups;
    for (int64_t w = d0; st == LR_OK && w <= d1; w += WINDOW_DAYS) {
        k.window++;
        k.window_first_call = k.call + 1;
        tf_format_date(w, k.w0);
        tf_format_date(w + WINDOW_DAYS - 1 < d1 ? w + WINDOW_DAYS - 1 : d1, k.w1);
        for (size_t g = 0; st == LR_OK && g < ngroups; g++) {
            kot_reply r = {0};
            progress_report(progress, PROGRESS_FETCH, stats->calls, stats->min_calls, 0);
            k.call++;
            st = call_group(&k, kc, &groups[g], &r);
            if (st == LR_OK)
                st = keep_answer(&k, groups[g].members, groups[g].n, &r);
            buf_free(&r.body);
        }
    }
    kot_conn_free(kc);
    /* then the days are judged and kept, with the summary, as one */
    if (st == LR_OK && (st = store_begin(s, err)) == LR_OK) {
        progress_report(progress, PROGRESS_COMPARE, 0, 0, 0);
        st = div_keep(s, &c, from, to, stats, err);
        div_fetch_summary(stats, summary, sizeof summary);
        if (st == LR_OK)
            st = store_company_div_fetch_result(s, c.id, clock_now(), summary, err);
        st = admin_commit_audited(s, st, c.id, actor, "divergence.fetch", summary, err);
    }
out:
    /* a failed read is recorded too: the nightly job tries again an hour on */
    if (st != LR_OK) {
        char why[256];
        snprintf(why, sizeof why, "failed: %.240s", err ? err->message : "error");
        store_company_div_fetch_result(s, c.id, clock_now(), why, NULL);
    }
    free(k.emps);
    free(k.by_key);
    free(k.stamp);
    free(k.owner);
    free(divs);
    free(groups);
    free(pool);
    return st;
}
