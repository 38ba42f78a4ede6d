/*
 * kot_sync — employees and divisions from KING OF TIME (see kot_sync.h).
 */
#include "service/kot_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/admin.h"
#include "service/kot_read.h"
#include "service/kot_settings.h"
#include "sinks/kot_api.h"
#include "sinks/kot_reply.h"
#include "util/clock.h"
#include "util/vec.h"

void kot_sync_summary(const kot_sync_stats *st, char *out, size_t outsz)
{
    snprintf(out, outsz, "%zu added, %zu updated, %zu deleted, %zu restored", st->added,
             st->updated, st->deleted, st->restored);
}

int kot_sync_summary_parse(const char *s, kot_sync_stats *st)
{
    int used = -1;
    memset(st, 0, sizeof *st);
    return sscanf(s, "%zu added, %zu updated, %zu deleted, %zu restored%n", &st->added,
                  &st->updated, &st->deleted, &st->restored, &used) == 4 &&
           used == (int)strlen(s);
}

/* Everything a sync compares, held for the transaction. */
typedef struct sync_ctx {
    lr_store *s;
    const lr_company *c;
    lr_employee *local; /* all employees of the company */
    size_t nlocal, cap;
    lr_employee **by_key;  /* local with a KoT key, by key */
    lr_employee **by_code; /* local never synced (no key), by code */
    size_t nkey, ncode;
    lr_division *divs; /* the company's divisions after the sync, by code */
    size_t ndivs;
    unsigned char *seen; /* local[i] is in KoT */
    kot_sync_stats *stats;
    const progress_hook *progress;
    size_t compared;
    lr_status st;
    lr_error *err;
} sync_ctx;

static int keep_local(void *ctx, const lr_employee *e)
{
    sync_ctx *k = ctx;
    if (!vec_room((void **)&k->local, &k->cap, k->nlocal, sizeof *k->local)) {
        k->st = lr_fail(k->err, LR_ENOMEM, "out of memory reading employees");
        return 1;
    }
    k->local[k->nlocal++] = *e;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp((*(lr_employee *const *)a)->kot_key, (*(lr_employee *const *)b)->kot_key);
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp((*(lr_employee *const *)a)->code, (*(lr_employee *const *)b)->code);
}

/* Indexes the local employees by KoT key, and those without one by code. */
static lr_status index_local(sync_ctx *k)
{
    k->by_key = malloc((k->nlocal + 1) * sizeof *k->by_key);
    k->by_code = malloc((k->nlocal + 1) * sizeof *k->by_code);
    k->seen = calloc(k->nlocal + 1, 1);
    if (!k->by_key || !k->by_code || !k->seen)
        return lr_fail(k->err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < k->nlocal; i++) {
        if (k->local[i].kot_key[0])
            k->by_key[k->nkey++] = &k->local[i];
        else
            k->by_code[k->ncode++] = &k->local[i];
    }
    if (k->nkey > 1)
        qsort(k->by_key, k->nkey, sizeof *k->by_key, cmp_key);
    if (k->ncode > 1)
        qsort(k->by_code, k->ncode, sizeof *k->by_code, cmp_code);
    return LR_OK;
}

static int put_division(void *ctx, const kot_division *d)
{
    sync_ctx *k = ctx;
    lr_division have, dv = {0};
    lr_status st = store_division_get(k->s, k->c->id, d->code, &have, NULL);
    dv.company_id = k->c->id;
    snprintf(dv.code, sizeof dv.code, "%s", d->code);
    snprintf(dv.name, sizeof dv.name, "%s", d->name);
    /* the API has no day-change time: keep what was set here */
    dv.day_change_min = st == LR_OK ? have.day_change_min : 0;
    if (st == LR_OK && strcmp(have.name, dv.name) == 0)
        return 0;
    k->st = store_division_upsert(k->s, &dv, k->err);
    k->stats->divisions++;
    return k->st != LR_OK;
}

static lr_employee *find_local(sync_ctx *k, const char *key, const char *code)
{
    lr_employee probe, *pp = &probe, **r = NULL;
    snprintf(probe.kot_key, sizeof probe.kot_key, "%s", key);
    snprintf(probe.code, sizeof probe.code, "%s", code);
    if (k->nkey)
        r = bsearch(&pp, k->by_key, k->nkey, sizeof *k->by_key, cmp_key);
    /* not synced before: adopt the local employee of the same code */
    if (!r && k->ncode)
        r = bsearch(&pp, k->by_code, k->ncode, sizeof *k->by_code, cmp_code);
    return r ? *r : NULL;
}

static int cmp_div_code(const void *key, const void *d)
{
    return strcmp(key, ((const lr_division *)d)->code);
}

static int put_employee(void *ctx, const kot_employee *ke)
{
    sync_ctx *k = ctx;
    lr_employee *e = find_local(k, ke->key, ke->code), want = {0};
    const lr_division *div = NULL;

    if ((++k->compared & 255) == 0)
        progress_report(k->progress, PROGRESS_COMPARE, k->compared, 0, 0);

    if (ke->division_code && ke->division_code[0] && k->ndivs)
        div = bsearch(ke->division_code, k->divs, k->ndivs, sizeof *k->divs, cmp_div_code);
    if (e)
        want = *e;
    want.company_id = k->c->id;
    snprintf(want.code, sizeof want.code, "%s", ke->code);
    snprintf(want.last_name, sizeof want.last_name, "%s", ke->last_name);
    snprintf(want.first_name, sizeof want.first_name, "%s", ke->first_name);
    snprintf(want.kot_key, sizeof want.kot_key, "%s", ke->key);
    want.division_id = div ? div->id : 0;
    want.deleted = 0;
    if (!e) {
        k->st = store_employee_insert(k->s, &want, k->err);
        k->stats->added++;
        return k->st != LR_OK;
    }
    k->seen[e - k->local] = 1;
    if (e->deleted)
        k->stats->restored++;
    else if (strcmp(want.code, e->code) || strcmp(want.last_name, e->last_name) ||
             strcmp(want.first_name, e->first_name) || strcmp(want.kot_key, e->kot_key) ||
             want.division_id != e->division_id)
        k->stats->updated++;
    else {
        k->stats->unchanged++;
        return 0;
    }
    k->st = store_employee_update(k->s, &want, k->err);
    return k->st != LR_OK;
}

lr_status kot_sync_company(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                           const char *actor, int dry_run, const progress_hook *progress,
                           kot_sync_stats *stats, lr_error *err)
{
    lr_company c;
    kot_conn *kc = NULL;
    kot_reply divs = {0}, emps = {0};
    kot_request q;
    sync_ctx k = {0};
    char summary[200];
    lr_status st;
    int64_t now = clock_now();

    memset(stats, 0, sizeof *stats);
    if ((st = store_company_get(s, code, &c, err)) != LR_OK)
        return st;
    if ((st = kot_read_allowed(now, "employee and division reads", err)) != LR_OK)
        return st;
    if ((st = kot_settings_conn(s, &c, sec, timeout_ms, &kc, err)) != LR_OK)
        return st;
    /* read both before writing anything: a failure leaves the store as is */
    progress_report(progress, PROGRESS_FETCH, 0, 0, 0);
    st = kot_read(s, &c, kc, kot_divisions_get(&q, err), &q, &divs, err);
    if (st == LR_OK)
        st = kot_read(s, &c, kc, kot_employees_get(&q, err), &q, &emps, err);
    kot_conn_free(kc);
    if (st != LR_OK)
        goto out;
    if ((st = store_begin(s, err)) != LR_OK)
        goto out;
    k.s = s;
    k.c = &c;
    k.stats = stats;
    k.progress = progress;
    k.err = err;
    st = kot_parse_divisions(divs.body.data, divs.body.len, put_division, &k, err);
    if (st == LR_OK && (st = k.st) == LR_OK)
        st = store_divisions_all(s, c.id, &k.divs, &k.ndivs, err);
    if (st == LR_OK && (st = k.st) == LR_OK)
        st = store_employees_list(s, c.id, keep_local, &k, err);
    if (st == LR_OK && (st = k.st) == LR_OK)
        st = index_local(&k);
    if (st == LR_OK)
        st = kot_parse_employees(emps.body.data, emps.body.len, put_employee, &k, err);
    if (st == LR_OK)
        st = k.st;
    /* employees KoT no longer lists: deleted, links and history kept */
    for (size_t i = 0; st == LR_OK && i < k.nlocal; i++) {
        if (k.seen[i] || k.local[i].deleted)
            continue;
        k.local[i].deleted = 1;
        st = store_employee_update(s, &k.local[i], err);
        stats->deleted++;
    }
    kot_sync_summary(stats, summary, sizeof summary);
    if (dry_run) { /* what a sync would do: the counts, nothing kept */
        store_rollback(s);
        goto out;
    }
    if (st == LR_OK)
        st = store_company_sync_result(s, c.id, clock_now(), "", summary, err);
    st = admin_commit_audited(s, st, c.id, actor, "kot.sync", summary, err);
out:
    if (st != LR_OK && !dry_run) {
        /* a failed attempt is recorded too: the status screen shows it, and
         * the periodic sync waits one interval before the next */
        char why[256];
        snprintf(why, sizeof why, "failed: %.240s", err ? err->message : "error");
        store_company_sync_result(s, c.id, clock_now(), lr_status_code(st), why, NULL);
    }
    free(k.local);
    free(k.by_key);
    free(k.by_code);
    free(k.divs);
    free(k.seen);
    buf_free(&divs.body);
    buf_free(&emps.body);
    return st;
}
