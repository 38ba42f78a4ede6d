/*
 * ingest — batch storage and re-derivation (see ingest.h).
 */
#include "service/ingest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/day.h"
#include "core/event_parse.h"
#include "util/log.h"
#include "util/vec.h"

#define MAX_RESOLVE 8

void span_set_init(span_set *ss)
{
    memset(ss, 0, sizeof *ss);
}

void span_set_free(span_set *ss)
{
    free(ss->v);
    free(ss->slots);
    memset(ss, 0, sizeof *ss);
}

static size_t slot_of(int64_t id, size_t nslots)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 16) & (nslots - 1);
}

static lr_status rehash(span_set *ss, size_t nslots)
{
    size_t *slots = malloc(nslots * sizeof *slots);
    if (!slots)
        return LR_ENOMEM;
    for (size_t i = 0; i < nslots; i++)
        slots[i] = SIZE_MAX;
    for (size_t i = 0; i < ss->n; i++) {
        size_t j = slot_of(ss->v[i].employee_id, nslots);
        while (slots[j] != SIZE_MAX)
            j = (j + 1) & (nslots - 1);
        slots[j] = i;
    }
    free(ss->slots);
    ss->slots = slots;
    ss->nslots = nslots;
    return LR_OK;
}

lr_status span_set_add(span_set *ss, int64_t employee_id, int64_t d0, int64_t d1)
{
    size_t j;
    if (ss->nslots == 0 || (ss->n + 1) * 2 > ss->nslots)
        if (rehash(ss, ss->nslots ? ss->nslots * 2 : 64) != LR_OK)
            return LR_ENOMEM;
    j = slot_of(employee_id, ss->nslots);
    while (ss->slots[j] != SIZE_MAX) {
        day_span *sp = &ss->v[ss->slots[j]];
        if (sp->employee_id == employee_id) {
            if (d0 < sp->d0)
                sp->d0 = d0;
            if (d1 > sp->d1)
                sp->d1 = d1;
            return LR_OK;
        }
        j = (j + 1) & (ss->nslots - 1);
    }
    if (!vec_room((void **)&ss->v, &ss->cap, ss->n, sizeof *ss->v))
        return LR_ENOMEM;
    ss->v[ss->n] = (day_span){employee_id, d0, d1};
    ss->slots[j] = ss->n++;
    return LR_OK;
}

void ingest_event_days(const lr_company *c, const lr_employee *e, int64_t utc, int64_t *d0,
                       int64_t *d1)
{
    *d0 = day_of_local(rederive_local(c, utc - c->max_shift_sec), e->day_change_min);
    *d1 = day_of_local(rederive_local(c, utc + c->max_shift_sec), e->day_change_min);
}

typedef struct span_ctx {
    const lr_company *c;
    const lr_employee *e;
    link_kind kind;
    span_set *ss;
    int oom;
} span_ctx;

static int add_event_span(void *ctx, const lr_event *ev)
{
    span_ctx *k = ctx;
    int sk = event_source_kind(ev->source);
    int64_t d0, d1;
    if (sk != (int)k->kind && sk != LINK_NONE)
        return 0;
    ingest_event_days(k->c, k->e, ev->utc, &d0, &d1);
    if (span_set_add(k->ss, k->e->id, d0, d1) != LR_OK) {
        k->oom = 1;
        return 1;
    }
    return 0;
}

lr_status ingest_account_spans(lr_store *s, const lr_company *c, const lr_employee *e,
                               link_kind kind, const char *account, span_set *ss, lr_error *err)
{
    span_ctx k = {c, e, kind, ss, 0};
    lr_status st =
        store_events_of_account(s, c->id, account, INT64_MIN, INT64_MAX, add_event_span, &k, err);
    if (st == LR_OK && k.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory");
    return st;
}

lr_status ingest_rederive_spans(lr_store *s, const lr_company *c, const span_set *ss,
                                rederive_stats *stats, lr_error *err)
{
    for (size_t i = 0; i < ss->n; i++) {
        lr_employee e;
        lr_status st = store_employee_by_id(s, ss->v[i].employee_id, &e, err);
        if (st != LR_OK)
            return st;
        st = rederive_days(s, c, &e, ss->v[i].d0, ss->v[i].d1, stats, err);
        if (st != LR_OK)
            return st;
    }
    return LR_OK;
}

lr_status ingest_begin(ingest_run *run, lr_store *s, const lr_company *c, lr_error *err)
{
    memset(run, 0, sizeof *run);
    run->s = s;
    run->c = c;
    run->now = (int64_t)time(NULL);
    span_set_init(&run->ss);
    return store_begin(s, err);
}

/* Stores the run's version counts (inside its transaction). */
static lr_status flush_versions(ingest_run *run, lr_error *err)
{
    for (size_t i = 0; i < run->nvers; i++) {
        const ingest_version *v = &run->vers[i];
        lr_status st = store_source_versions_add(run->s, run->c->id, v->source, v->version, v->n,
                                                 v->last_utc, err);
        if (st != LR_OK)
            return st;
    }
    run->nvers = 0;
    return LR_OK;
}

static lr_status count_version(ingest_run *run, const lr_event *e, lr_error *err)
{
    ingest_version *v;
    lr_status st;
    for (size_t i = 0; i < run->nvers; i++) {
        v = &run->vers[i];
        if (strcmp(v->version, e->version) == 0 && strcmp(v->source, e->source) == 0) {
            v->n++;
            if (e->utc > v->last_utc)
                v->last_utc = e->utc;
            return LR_OK;
        }
    }
    if (run->nvers == INGEST_VERSIONS && (st = flush_versions(run, err)) != LR_OK)
        return st;
    v = &run->vers[run->nvers++];
    snprintf(v->source, sizeof v->source, "%s", e->source);
    snprintf(v->version, sizeof v->version, "%s", e->version);
    v->n = 1;
    v->last_utc = e->utc;
    return LR_OK;
}

lr_status ingest_add(ingest_run *run, lr_event *e, lr_error *err)
{
    lr_store *s = run->s;
    const lr_company *c = run->c;
    int64_t ids[MAX_RESOLVE];
    size_t nids = 0;
    int kind;
    lr_status st;

    e->received_at = run->now;
    st = store_event_insert(s, c->id, e, err);
    if (st == LR_EEXIST) {
        run->res.duplicates++;
        return LR_OK;
    }
    if (st != LR_OK)
        return st;
    run->res.accepted++;
    if ((st = count_version(run, e, err)) != LR_OK)
        return st;
    kind = event_source_kind(e->source);
    st = store_link_resolve(s, c->id, (link_kind)(kind < 0 ? 0 : kind), e->account, ids,
                            MAX_RESOLVE, &nids, err);
    if (st != LR_OK)
        return st;
    if (nids == 0)
        run->res.unlinked++;
    if (strcmp(e->op, "logon") != 0 && strcmp(e->op, "logoff") != 0)
        return LR_OK; /* stored for the log view; never punched */
    for (size_t j = 0; j < nids; j++) {
        int64_t d0, d1;
        if (!run->have_cached || run->cached.id != ids[j]) {
            if ((st = store_employee_by_id(s, ids[j], &run->cached, err)) != LR_OK)
                return st;
            run->have_cached = 1;
        }
        ingest_event_days(c, &run->cached, e->utc, &d0, &d1);
        if (span_set_add(&run->ss, ids[j], d0, d1) != LR_OK)
            return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    return LR_OK;
}

lr_status ingest_commit(ingest_run *run, ingest_result *res, lr_error *err)
{
    lr_status st = flush_versions(run, err);
    if (st == LR_OK)
        st = ingest_rederive_spans(run->s, run->c, &run->ss, &run->res.punches, err);
    if (st == LR_OK)
        st = store_commit(run->s, err);
    if (st != LR_OK) {
        ingest_abort(run);
        memset(res, 0, sizeof *res);
        return st;
    }
    *res = run->res;
    span_set_free(&run->ss);
    return LR_OK;
}

void ingest_abort(ingest_run *run)
{
    store_rollback(run->s);
    span_set_free(&run->ss);
}

lr_status ingest_events(lr_store *s, const lr_company *c, lr_event *events, size_t n,
                        ingest_result *res, lr_error *err)
{
    ingest_run run;
    lr_status st;

    memset(res, 0, sizeof *res);
    if ((st = ingest_begin(&run, s, c, err)) != LR_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if ((st = ingest_add(&run, &events[i], err)) != LR_OK) {
            ingest_abort(&run);
            return st;
        }
    }
    return ingest_commit(&run, res, err);
}

void ingest_note(lr_store *s, const lr_company *c, const char *source, const lr_error *problem)
{
    char words[512] = "";
    lr_error err;
    if (problem)
        lr_error_format(problem, words, sizeof words);
    if (store_source_result(s, c->id, source, (int64_t)time(NULL),
                            problem ? lr_status_code(problem->code) : "", words, &err) != LR_OK)
        log_warn("status of %s for %s not recorded: %s", source, c->code, err.message);
}

lr_status ingest_json(lr_store *s, const lr_company *c, const char *what, const char *body,
                      size_t len, lr_event_batch *b, ingest_result *res, lr_error *err)
{
    lr_status st = event_batch_parse_json(body, len, LR_INGEST_MAX_EVENTS, what, b, err);
    if (st == LR_OK && (st = ingest_events(s, c, b->events, b->nevents, res, err)) != LR_OK)
        event_batch_free(b);
    ingest_note(s, c, "api", st == LR_OK ? NULL : err);
    if (st == LR_OK && b->nrejects) {
        lr_error rej;
        lr_fail(&rej, LR_EINVAL, "%s: event %zu rejected: %s", what, b->rejects[0].index,
                b->rejects[0].error);
        ingest_note(s, c, "api", &rej);
    }
    return st;
}

json_t *ingest_reply_json(const ingest_result *res, const lr_reject *rejects, size_t nrejects)
{
    json_t *rej = json_array();
    if (!rej)
        return NULL;
    for (size_t i = 0; i < nrejects; i++)
        json_array_append_new(rej, json_pack("{s:I, s:s}", "index", (json_int_t)rejects[i].index,
                                             "error", rejects[i].error));
    return json_pack("{s:I, s:I, s:o, s:I, s:{s:I, s:I, s:I}}", "accepted",
                     (json_int_t)res->accepted, "duplicates", (json_int_t)res->duplicates,
                     "rejected", rej, "unlinked", (json_int_t)res->unlinked, "punches", "added",
                     (json_int_t)res->punches.added, "replaced", (json_int_t)res->punches.replaced,
                     "retracted", (json_int_t)res->punches.retracted);
}
