/*
 * rederive — day re-derivation against the ledger (see rederive.h).
 */
#include "service/rederive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_parse.h"
#include "core/punch.h"
#include "service/unix_days.h"
#include "service/win_days.h"
#include "util/timefmt.h"
#include "util/tz.h"

#define MAX_LINKS 8
#define MAX_DAY_PUNCHES 256

int64_t rederive_local(const lr_company *c, int64_t utc)
{
    return utc + tz_offset_at(c->tz, utc);
}

/* Interned strings -> small integers (streams and accounts of one
 * employee: a handful, so a linear table is enough). */
typedef struct intern {
    char **s;
    size_t n, cap;
} intern;

static int64_t intern_id(intern *t, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *k;
    for (size_t i = 0; i < t->n; i++)
        if (strncmp(t->s[i], a, la) == 0 && t->s[i][la] == '\x1f' && strcmp(t->s[i] + la + 1, b) == 0)
            return (int64_t)i + 1;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 8;
        char **ns = realloc(t->s, nc * sizeof *ns);
        if (!ns)
            return -1;
        t->s = ns;
        t->cap = nc;
    }
    k = malloc(la + lb + 2);
    if (!k)
        return -1;
    memcpy(k, a, la);
    k[la] = '\x1f';
    memcpy(k + la + 1, b, lb + 1);
    t->s[t->n++] = k;
    return (int64_t)t->n;
}

static void intern_free(intern *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
}

typedef struct collect {
    const lr_company *c;
    link_kind kind;
    day_event *ev;
    size_t n, cap;
    intern streams, accounts;
    int oom;
} collect;

static int collect_event(void *ctx, const lr_event *e)
{
    collect *k = ctx;
    int sk = event_source_kind(e->source);
    day_event de;

    if (sk != (int)k->kind && sk != LINK_NONE)
        return 0; /* another product's user of the same name */
    if (sk == LINK_WINDOWS || sk == LINK_LINUX)
        return 0; /* a PC's own records make sessions first (win_days, unix_days) */
    if (strcmp(e->op, "logon") == 0)
        de.op = DAY_LOGON;
    else if (strcmp(e->op, "logoff") == 0)
        de.op = DAY_LOGOFF;
    else
        return 0; /* manual 5.2.2: only logon/logoff are punched */
    de.id = e->id;
    de.flags = 0;
    de.utc = e->utc;
    de.local = rederive_local(k->c, e->utc);
    de.stream = intern_id(&k->streams, e->account, e->host);
    de.account = intern_id(&k->accounts, e->account, "");
    if (de.stream < 0 || de.account < 0) {
        k->oom = 1;
        return 1;
    }
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 64;
        day_event *ne = realloc(k->ev, nc * sizeof *ne);
        if (!ne) {
            k->oom = 1;
            return 1;
        }
        k->ev = ne;
        k->cap = nc;
    }
    k->ev[k->n++] = de;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    const day_event *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Applies the diff of one day to ledger + outbox. */
static lr_status apply_day(lr_store *s, const lr_company *c, const lr_employee *e, int64_t day,
                           const day_output *out, rederive_stats *stats, lr_error *err)
{
    punch_stored old[MAX_DAY_PUNCHES];
    punch_change ch[2 * MAX_DAY_PUNCHES];
    const day_result *r = day_output_find(out, day);
    const day_punch *fresh = r ? out->punches + r->first_punch : NULL;
    size_t nold = 0, nnew = r ? r->npunches : 0, nch;
    char dstr[11], key[128];
    lr_status st;

    if (nnew > MAX_DAY_PUNCHES)
        return lr_fail(err, LR_ETOOBIG, "employee %s: more than %d punches on one day", e->code,
                       MAX_DAY_PUNCHES);
    tf_format_date(day, dstr);
    if ((st = store_punches_of_day(s, e->id, dstr, old, MAX_DAY_PUNCHES, &nold, err)) != LR_OK)
        return st;
    nch = punch_diff(old, nold, fresh, nnew, ch);
    for (size_t i = 0; i < nch; i++) {
        int64_t id = 0;
        switch (ch[i].action) {
        case PUNCH_KEEP:
            stats->kept++;
            break;
        case PUNCH_ADD:
        case PUNCH_REPLACE:
            if (ch[i].action == PUNCH_REPLACE &&
                (st = store_punch_end(s, ch[i].old_id, "replaced", err)) != LR_OK)
                return st;
            if ((st = store_punch_insert(s, c->id, e->id, dstr, ch[i].kind, ch[i].utc,
                                         ch[i].old_id, &id, err)) != LR_OK)
                return st;
            snprintf(key, sizeof key, "%lld/%s/%d/%lld/%lld", (long long)e->id, dstr, ch[i].kind,
                     (long long)ch[i].utc, (long long)id);
            if ((st = store_outbox_enqueue(s, c->id, id,
                                           ch[i].action == PUNCH_ADD ? "add" : "correct",
                                           ch[i].old_id, key, err)) != LR_OK)
                return st;
            if (ch[i].action == PUNCH_ADD)
                stats->added++;
            else
                stats->replaced++;
            break;
        case PUNCH_RETRACT:
            if ((st = store_punch_end(s, ch[i].old_id, "retracted", err)) != LR_OK)
                return st;
            snprintf(key, sizeof key, "retract/%lld", (long long)ch[i].old_id);
            if ((st = store_outbox_enqueue(s, c->id, ch[i].old_id, "retract", 0, key, err)) != LR_OK)
                return st;
            stats->retracted++;
            break;
        }
    }
    st = store_flags_replace(s, e->id, dstr, r ? out->flags + r->first_flag : NULL,
                             r ? r->nflags : 0, err);
    if (st != LR_OK)
        return st;
    stats->days++;
    return LR_OK;
}

lr_status rederive_days(lr_store *s, const lr_company *c, const lr_employee *e, int64_t d0,
                        int64_t d1, rederive_stats *stats, lr_error *err)
{
    lr_link links[MAX_LINKS];
    size_t nlinks = 0, w = 0;
    collect k;
    day_rules rules = DAY_RULES_DEFAULT;
    day_output out;
    lr_status st;
    int64_t from, to;

    memset(&k, 0, sizeof k);
    memset(&out, 0, sizeof out);
    k.c = c;
    if (e->deleted)
        return LR_OK; /* no new punches for employees gone from KoT */
    if ((st = store_links_of_employee(s, e->id, links, MAX_LINKS, &nlinks, err)) != LR_OK)
        return st;
    /* a day's sessions may start max_shift before it or end max_shift
     * after it; two more days cover any zone offset and day-change time */
    from = d0 * 86400 - c->max_shift_sec - 2 * 86400;
    to = (d1 + 1) * 86400 + c->max_shift_sec + 2 * 86400;
    for (size_t i = 0; i < nlinks; i++) {
        k.kind = links[i].kind;
        st = store_events_of_account(s, c->id, links[i].account, from, to, collect_event, &k, err);
        if (st != LR_OK)
            goto done;
        if (k.oom) {
            st = lr_fail(err, LR_ENOMEM, "out of memory");
            goto done;
        }
    }
    /* a generic event matches every link with its account: count it once */
    if (k.n > 1) {
        qsort(k.ev, k.n, sizeof *k.ev, cmp_id);
        for (size_t i = 0; i < k.n; i++)
            if (w == 0 || k.ev[i].id != k.ev[w - 1].id)
                k.ev[w++] = k.ev[i];
        k.n = w;
    }
    /* a PC's own sessions, after the count-once above: a shutdown can end
     * two sessions, and each end is an event of its own */
    for (size_t i = 0; i < nlinks && st == LR_OK; i++) {
        int64_t next_stream = -1 - (int64_t)i * 1000000;
        pc_days_out o = {&k.ev, &k.n, &k.cap, &next_stream, 0};
        if (links[i].kind != LINK_WINDOWS && links[i].kind != LINK_LINUX)
            continue;
        if ((o.account_key = intern_id(&k.accounts, links[i].account, "")) < 0)
            st = lr_fail(err, LR_ENOMEM, "out of memory");
        else if (links[i].kind == LINK_WINDOWS)
            st = win_days_add(s, c, links[i].account, from, to, &o, err);
        else
            st = unix_days_add(s, c, links[i].account, from, to, &o, err);
    }
    if (st != LR_OK)
        goto done;
    rules.day_change_min = e->day_change_min;
    rules.max_shift_sec = c->max_shift_sec;
    rules.breaks = c->break_punches;
    rules.min_break_sec = c->min_break_sec;
    if ((st = day_derive(k.ev, k.n, &rules, &out)) != LR_OK) {
        lr_fail(err, st, "day engine failed for employee %s", e->code);
        goto done;
    }
    for (int64_t d = d0; d <= d1; d++)
        if ((st = apply_day(s, c, e, d, &out, stats, err)) != LR_OK)
            goto done;
done:
    day_output_free(&out);
    free(k.ev);
    intern_free(&k.streams);
    intern_free(&k.accounts);
    return st;
}
