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
#include "util/clock.h"
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

static void event_days(const lr_company *c, int day_change_min, int64_t utc, int64_t *d0,
                       int64_t *d1)
{
    *d0 = day_of_local(rederive_local(c, utc - c->max_shift_sec), day_change_min);
    *d1 = day_of_local(rederive_local(c, utc + c->max_shift_sec), day_change_min);
}

void ingest_event_days(const lr_company *c, const lr_employee *e, int64_t utc, int64_t *d0,
                       int64_t *d1)
{
    event_days(c, e->day_change_min, utc, d0, d1);
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
                                const progress_hook *progress, rederive_stats *stats,
                                lr_error *err)
{
    /* instances sharing the database derive one company's days one at a
     * time (a no-op when ingest_begin took it already) */
    lr_status locked = ss->n ? store_lock_company(s, c->id, err) : LR_OK;
    if (locked != LR_OK)
        return locked;
    for (size_t i = 0; i < ss->n; i += 2 * REDERIVE_CHUNK) {
        size_t n = ss->n - i < 2 * REDERIVE_CHUNK ? ss->n - i : 2 * REDERIVE_CHUNK;
        lr_status st = rederive_spans(s, c, ss->v + i, n, stats, err);
        if (st != LR_OK)
            return st;
        progress_report(progress, PROGRESS_DERIVE, i + n, ss->n, 0);
    }
    return LR_OK;
}

/* The employees an account is linked to, and their day-change times, kept
 * for the run (one transaction: links do not change under it). A file has
 * each account many times, and asking the store for the links and then
 * each employee was 6 % of a 1,000,000-event ingest. Open addressing,
 * grown at half full. */
typedef struct account_entry {
    char *key; /* "KIND\x1fACCOUNT"; NULL: empty */
    size_t n;
    int64_t ids[MAX_RESOLVE];
    int day_change_min[MAX_RESOLVE];
} account_entry;

typedef struct account_cache {
    account_entry *v;
    size_t n, cap; /* cap: a power of two */
} account_cache;

static uint64_t key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

static account_entry *cache_slot(account_cache *ac, const char *key)
{
    size_t i = (size_t)key_hash(key) & (ac->cap - 1);
    while (ac->v[i].key && strcmp(ac->v[i].key, key) != 0)
        i = (i + 1) & (ac->cap - 1);
    return &ac->v[i];
}

static int cache_grow(account_cache *ac)
{
    account_cache bigger = {calloc(ac->cap ? ac->cap * 2 : 1024, sizeof *ac->v), ac->n,
                            ac->cap ? ac->cap * 2 : 1024};
    if (!bigger.v)
        return -1;
    for (size_t i = 0; i < ac->cap; i++)
        if (ac->v[i].key)
            *cache_slot(&bigger, ac->v[i].key) = ac->v[i];
    free(ac->v);
    *ac = bigger;
    return 0;
}

static void cache_free(account_cache *ac)
{
    if (!ac)
        return;
    for (size_t i = 0; i < ac->cap; i++)
        free(ac->v[i].key);
    free(ac->v);
    free(ac);
}

typedef struct new_entries {
    account_entry **v; /* the entries made for the keys, in their order */
} new_entries;

static void take_resolved(void *ctx, size_t i, int64_t employee_id, int day_change_min)
{
    account_entry *e = ((new_entries *)ctx)->v[i];
    if (e->n < MAX_RESOLVE) {
        e->ids[e->n] = employee_id;
        e->day_change_min[e->n++] = day_change_min;
    }
}

/* Entries for the accounts keys[0..n) that the run has not met yet, read
 * from the store at once. */
static lr_status resolve_accounts(ingest_run *run, store_account_key *keys, size_t n,
                                  lr_error *err)
{
    account_cache *ac = run->accounts;
    char key[LR_ACCOUNT_MAX + 8];
    size_t fresh = 0;
    new_entries ne = {NULL};
    lr_status st;

    if (!ac && !(ac = run->accounts = calloc(1, sizeof *ac)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    /* every new key its (empty) entry first: the table grows only here */
    for (size_t i = 0; i < n; i++) {
        account_entry *e;
        if ((ac->n + 1) * 2 > ac->cap && cache_grow(ac) != 0)
            return lr_fail(err, LR_ENOMEM, "out of memory");
        snprintf(key, sizeof key, "%d\x1f%s", (int)keys[i].kind, keys[i].account);
        e = cache_slot(ac, key);
        if (e->key)
            continue;
        if (!(e->key = strdup(key)))
            return lr_fail(err, LR_ENOMEM, "out of memory");
        ac->n++;
        keys[fresh++] = keys[i];
    }
    if (fresh == 0)
        return LR_OK;
    if (!(ne.v = malloc(fresh * sizeof *ne.v)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < fresh; i++) {
        snprintf(key, sizeof key, "%d\x1f%s", (int)keys[i].kind, keys[i].account);
        ne.v[i] = cache_slot(ac, key);
    }
    st = store_links_resolve_all(run->s, run->c->id, keys, fresh, take_resolved, &ne, err);
    free(ne.v);
    return st;
}

/* The account's entry, read from the store the first time. */
static lr_status account_links(ingest_run *run, int kind, const char *account,
                               const account_entry **out, lr_error *err)
{
    char key[LR_ACCOUNT_MAX + 8];
    store_account_key k = {(link_kind)kind, account};
    lr_status st = resolve_accounts(run, &k, 1, err);
    if (st != LR_OK)
        return st;
    snprintf(key, sizeof key, "%d\x1f%s", kind, account);
    *out = cache_slot(run->accounts, key);
    return LR_OK;
}

lr_status ingest_begin(ingest_run *run, lr_store *s, const lr_company *c, lr_error *err)
{
    lr_status st;
    memset(run, 0, sizeof *run);
    run->s = s;
    run->c = c;
    run->now = clock_now();
    span_set_init(&run->ss);
    store_bulk(s, 1);
    if ((st = store_begin(s, err)) != LR_OK) {
        store_bulk(s, 0);
        return st;
    }
    /* the run's events and the days they touch, as one writer of the
     * company among instances sharing the database */
    if ((st = store_lock_company(s, c->id, err)) != LR_OK) {
        store_rollback(s);
        store_bulk(s, 0);
    }
    return st;
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

/* Whether account is linked by kind, and (when spans) the days an event
 * at utc touches for every employee it is linked to. */
static lr_status add_spans(ingest_run *run, int kind, const char *account, int64_t utc, int spans,
                           int *linked, lr_error *err)
{
    const account_entry *links;
    lr_status st = account_links(run, kind, account, &links, err);
    if (st != LR_OK)
        return st;
    *linked = links->n > 0;
    for (size_t j = 0; spans && j < links->n; j++) {
        int64_t d0, d1;
        event_days(run->c, links->day_change_min[j], utc, &d0, &d1);
        if (span_set_add(&run->ss, links->ids[j], d0, d1) != LR_OK)
            return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    return LR_OK;
}

/* add_spans for an event's own account, which is counted when it is
 * linked to nobody. */
static lr_status add_account_spans(ingest_run *run, int kind, const lr_event *e, int spans,
                                   lr_error *err)
{
    int linked;
    lr_status st = add_spans(run, kind, e->account, e->utc, spans, &linked, err);
    if (st == LR_OK && !linked)
        run->res.unlinked++;
    return st;
}

/* Forgets the pending events (their raw records are the run's copies). */
static void drop_pending(ingest_run *run)
{
    for (size_t i = 0; i < run->npending; i++)
        free(run->pending[i].raw);
    run->npending = 0;
}

/* Stores the pending events at once, then counts each and adds the days
 * it touches. */
static lr_status flush_pending(ingest_run *run, lr_error *err)
{
    lr_status st = LR_OK;
    if (run->npending == 0)
        return LR_OK;
    st = store_events_insert_many(run->s, run->c->id, run->pending, run->npending, err);
    /* the links of the new events' accounts, read at once */
    if (st == LR_OK) {
        store_account_key *keys = malloc(run->npending * sizeof *keys);
        size_t nk = 0;
        if (!keys) {
            drop_pending(run);
            return lr_fail(err, LR_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < run->npending; i++) {
            int kind = event_source_kind(run->pending[i].source);
            if (run->pending[i].id)
                keys[nk++] = (store_account_key){kind < 0 ? LINK_NONE : (link_kind)kind,
                                                 run->pending[i].account};
        }
        st = resolve_accounts(run, keys, nk, err);
        free(keys);
    }
    for (size_t i = 0; st == LR_OK && i < run->npending; i++) {
        const lr_event *e = &run->pending[i];
        int kind = event_source_kind(e->source);
        if (e->id == 0) {
            run->res.duplicates++;
            continue;
        }
        run->res.accepted++;
        if ((st = count_version(run, e, err)) != LR_OK)
            break;
        /* other operations are stored for the log view and never punched */
        st = add_account_spans(run, kind < 0 ? 0 : kind, e,
                               strcmp(e->op, "logon") == 0 || strcmp(e->op, "logoff") == 0, err);
    }
    drop_pending(run);
    return st;
}

lr_status ingest_add(ingest_run *run, lr_event *e, lr_error *err)
{
    lr_event *p;
    if (!run->pending && !(run->pending = malloc(INGEST_PENDING * sizeof *run->pending)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    p = &run->pending[run->npending];
    *p = *e;
    p->received_at = run->now;
    /* the caller's record may go once this returns: the run keeps a copy */
    if (e->raw && !(p->raw = strdup(e->raw)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if (++run->npending == INGEST_PENDING)
        return flush_pending(run, err);
    return LR_OK;
}

typedef struct host_spans {
    ingest_run *run;
    link_kind kind;
    int64_t utc;
    lr_error *err;
    lr_status st;
} host_spans;

static int add_host_account(void *ctx, const char *account)
{
    host_spans *h = ctx;
    int linked;
    h->st = add_spans(h->run, h->kind, account, h->utc, 1, &linked, h->err);
    return h->st != LR_OK;
}

/* ingest_add for a record of a PC's own log: e is the event the log view
 * shows, record the record with its fields. Records that share an event
 * (a linked logon's two) share its row; a record stored already is a
 * duplicate. A host's own record (no account) re-derives the days of every
 * account seen on that host around it. */
static lr_status add_pc_record(ingest_run *run, lr_event *e, pc_log log, link_kind kind,
                               int64_t *event_row, const void *record, lr_error *err)
{
    lr_store *s = run->s;
    int64_t id = 0, shift = run->c->max_shift_sec;
    int new_row = 1;
    lr_status st;

    if ((st = flush_pending(run, err)) != LR_OK)
        return st;
    if (++run->added % 4096 == 0) /* a long file says how far it is */
        progress_report(run->progress, PROGRESS_STORE, run->added, run->expected, 0);
    e->received_at = run->now;
    st = store_event_insert(s, run->c->id, e, err);
    if (st == LR_EEXIST) { /* another record of the same event, or one sent again */
        new_row = 0;
        st = store_event_row(s, run->c->id, e, &id, err);
        e->id = id;
    }
    if (st != LR_OK)
        return st;
    *event_row = e->id;
    st = store_pc_record_insert(s, log, run->c->id, record, err);
    if (st == LR_EEXIST) {
        run->res.duplicates++;
        return LR_OK;
    }
    if (st != LR_OK)
        return st;
    run->res.accepted++;
    if (new_row && (st = count_version(run, e, err)) != LR_OK)
        return st;
    if (e->account[0])
        return add_account_spans(run, kind, e, 1, err);
    {
        host_spans h = {run, kind, e->utc, err, LR_OK};
        st = store_pc_accounts_on_host(s, run->c->id, e->host, e->utc - shift, e->utc + shift,
                                       add_host_account, &h, err);
        return st != LR_OK ? st : h.st;
    }
}

lr_status ingest_add_windows(ingest_run *run, lr_event *e, lr_win_row *r, lr_error *err)
{
    return add_pc_record(run, e, PC_WINDOWS, LINK_WINDOWS, &r->event_row, r, err);
}

lr_status ingest_add_linux(ingest_run *run, lr_event *e, lr_unix_row *r, lr_error *err)
{
    return add_pc_record(run, e, PC_LINUX, LINK_LINUX, &r->event_row, r, err);
}

static void run_free(ingest_run *run)
{
    drop_pending(run);
    free(run->pending);
    run->pending = NULL;
    span_set_free(&run->ss);
    cache_free(run->accounts);
    run->accounts = NULL;
}

lr_status ingest_commit(ingest_run *run, ingest_result *res, lr_error *err)
{
    lr_status st = flush_pending(run, err);
    if (st == LR_OK)
        st = flush_versions(run, err);
    if (st == LR_OK)
        st = ingest_rederive_spans(run->s, run->c, &run->ss, run->progress, &run->res.punches,
                                   err);
    if (st == LR_OK)
        st = store_commit(run->s, err);
    if (st != LR_OK) {
        ingest_abort(run);
        memset(res, 0, sizeof *res);
        return st;
    }
    *res = run->res;
    run_free(run);
    store_bulk(run->s, 0);
    return LR_OK;
}

void ingest_abort(ingest_run *run)
{
    store_rollback(run->s);
    store_bulk(run->s, 0);
    run_free(run);
}

static lr_status store_events(lr_store *s, const lr_company *c, lr_event *events, size_t n,
                              const progress_hook *progress, ingest_result *res, lr_error *err)
{
    ingest_run run;
    lr_status st;

    memset(res, 0, sizeof *res);
    if ((st = ingest_begin(&run, s, c, err)) != LR_OK)
        return st;
    run.progress = progress;
    for (size_t i = 0; i < n; i++) {
        if ((st = ingest_add(&run, &events[i], err)) != LR_OK) {
            ingest_abort(&run);
            return st;
        }
        if ((i & 4095) == 4095 || i + 1 == n)
            progress_report(progress, PROGRESS_STORE, i + 1, n, 0);
    }
    return ingest_commit(&run, res, err);
}

lr_status ingest_events(lr_store *s, const lr_company *c, lr_event *events, size_t n,
                        ingest_result *res, lr_error *err)
{
    return store_events(s, c, events, n, NULL, res, err);
}

size_t ingest_lines(const char *bytes, size_t n)
{
    size_t lines = n && bytes[n - 1] != '\n'; /* a last line without its newline */
    for (const char *p = bytes, *end = bytes + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        lines++;
    return lines > 1 ? lines : 0;
}

lr_status ingest_whole_file(lr_store *s, const lr_company *c, const char *source,
                      const progress_hook *progress, ingest_parse_fn parse, void *ctx,
                      ingest_result *res, lr_error *err)
{
    ingest_run run;
    lr_status st;
    memset(res, 0, sizeof *res);
    if ((st = ingest_begin(&run, s, c, err)) != LR_OK)
        return st;
    run.progress = progress;
    if ((st = parse(&run, ctx, err)) != LR_OK)
        ingest_abort(&run);
    else
        st = ingest_commit(&run, res, err);
    ingest_note(s, c, source, st == LR_OK ? NULL : err);
    return st;
}

void ingest_note(lr_store *s, const lr_company *c, const char *source, const lr_error *problem)
{
    char words[512] = "";
    lr_error err;
    if (problem)
        lr_error_format(problem, words, sizeof words);
    if (store_source_result(s, c->id, source, clock_now(),
                            problem ? lr_status_code(problem->code) : "", words, &err) != LR_OK)
        log_warn("status of %s for %s not recorded: %s", source, c->code, err.message);
}

lr_status ingest_json(lr_store *s, const lr_company *c, const char *what, const char *body,
                      size_t len, int partial, const progress_hook *progress, lr_event_batch *b,
                      ingest_result *res, lr_error *err)
{
    lr_status st = event_batch_parse_json(body, len, LR_INGEST_MAX_EVENTS, what, b, err);
    memset(res, 0, sizeof *res);
    if (st == LR_OK && b->nrejects && !partial)
        st = lr_fail(err, LR_EINVAL,
                     "%s: %zu of %zu events rejected, so nothing was stored (event %zu: %s); "
                     "correct them and send the batch again, or ask for partial acceptance "
                     "(?partial=1, loginrec ingest --partial) to keep the valid events",
                     what, b->nrejects, b->nrejects + b->nevents, b->rejects[0].index,
                     b->rejects[0].error);
    else if (st == LR_OK)
        st = store_events(s, c, b->events, b->nevents, progress, res, err);
    ingest_note(s, c, "api", st == LR_OK ? NULL : err);
    if (st == LR_OK && b->nrejects) {
        lr_error rej;
        lr_fail(&rej, LR_EINVAL, "%s: event %zu rejected: %s", what, b->rejects[0].index,
                b->rejects[0].error);
        ingest_note(s, c, "api", &rej);
    }
    return st;
}

