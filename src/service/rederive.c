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
#include "util/vec.h"

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

/* One span of a chunk: its employee, links, events and what the day
 * engine made of them. */
typedef struct person {
    const lr_employee *e;
    int64_t d0, d1;
    lr_link links[MAX_LINKS];
    size_t nlinks;
    collect k;
    day_output out;
    size_t first_day; /* its first day in the chunk's days */
} person;

/* What a chunk reads and writes, a statement at a time for all its days. */
typedef struct chunk {
    person *p;
    size_t n;
    int oom;
    /* the windows of events read: whose, and of which link kind */
    store_window *w;
    size_t *w_owner;
    link_kind *w_kind;
    size_t nw, capw, capwo, capwk;
    store_day *days;
    size_t ndays;
    /* the active punches of days, day by day (old_day[i]: the day of old[i]) */
    punch_stored *old;
    size_t *old_day;
    size_t nold, capold, capold_day;
    size_t *old_first, *old_count;
    store_punch_ending *ends;
    size_t nends, capends;
    store_punch_new *ins;
    size_t nins, capins;
    store_outbox_new *ob;
    size_t *ob_ins; /* the insert whose id the outbox row needs; SIZE_MAX: none */
    size_t nob, capob, capobi;
    store_flag_new *flags;
    size_t nflags, capflags;
} chunk;

static void take_link(void *ctx, size_t i, const lr_link *l)
{
    person *p = &((chunk *)ctx)->p[i];
    if (p->nlinks < MAX_LINKS)
        p->links[p->nlinks++] = *l;
}

static void take_event(void *ctx, size_t i, const lr_event *e)
{
    chunk *ch = ctx;
    person *p = &ch->p[ch->w_owner[i]];
    p->k.kind = ch->w_kind[i];
    if (collect_event(&p->k, e))
        ch->oom = 1;
}

static void take_old(void *ctx, size_t i, const punch_stored *o)
{
    chunk *ch = ctx;
    if (!vec_room((void **)&ch->old, &ch->capold, ch->nold, sizeof *ch->old) ||
        !vec_room((void **)&ch->old_day, &ch->capold_day, ch->nold, sizeof *ch->old_day)) {
        ch->oom = 1;
        return;
    }
    ch->old[ch->nold] = *o;
    ch->old_day[ch->nold++] = i;
}

/* The events a person's days are derived from: a day's sessions may start
 * max_shift before it or end max_shift after it; two more days cover any
 * zone offset and day-change time. */
static void event_window(const lr_company *c, const person *p, int64_t *from, int64_t *to)
{
    *from = p->d0 * 86400 - c->max_shift_sec - 2 * 86400;
    *to = (p->d1 + 1) * 86400 + c->max_shift_sec + 2 * 86400;
}

/* The events of every link of every person, in one read. */
static lr_status read_events(lr_store *s, const lr_company *c, chunk *ch, lr_error *err)
{
    for (size_t i = 0; i < ch->n; i++) {
        person *p = &ch->p[i];
        int64_t from, to;
        event_window(c, p, &from, &to);
        p->k.c = c;
        if (p->e->deleted)
            continue; /* no new punches for employees gone from KoT */
        for (size_t j = 0; j < p->nlinks; j++) {
            if (!vec_room((void **)&ch->w, &ch->capw, ch->nw, sizeof *ch->w) ||
                !vec_room((void **)&ch->w_owner, &ch->capwo, ch->nw, sizeof *ch->w_owner) ||
                !vec_room((void **)&ch->w_kind, &ch->capwk, ch->nw, sizeof *ch->w_kind))
                return lr_fail(err, LR_ENOMEM, "out of memory");
            ch->w[ch->nw] = (store_window){p->links[j].account, from, to};
            ch->w_owner[ch->nw] = i;
            ch->w_kind[ch->nw++] = p->links[j].kind;
        }
    }
    return store_events_of_accounts(s, c->id, ch->w, ch->nw, take_event, ch, err);
}

/* One person's events made into days (their PC's own sessions read here). */
static lr_status derive(lr_store *s, const lr_company *c, person *p, lr_error *err)
{
    collect *k = &p->k;
    day_rules rules = DAY_RULES_DEFAULT;
    int64_t from, to;
    size_t w = 0;
    lr_status st = LR_OK;
    event_window(c, p, &from, &to);
    /* a generic event matches every link with its account: count it once */
    if (k->n > 1) {
        qsort(k->ev, k->n, sizeof *k->ev, cmp_id);
        for (size_t i = 0; i < k->n; i++)
            if (w == 0 || k->ev[i].id != k->ev[w - 1].id)
                k->ev[w++] = k->ev[i];
        k->n = w;
    }
    /* a PC's own sessions, after the count-once above: a shutdown can end
     * two sessions, and each end is an event of its own */
    for (size_t i = 0; i < p->nlinks && st == LR_OK; i++) {
        int64_t next_stream = -1 - (int64_t)i * 1000000;
        pc_days_out o = {&k->ev, &k->n, &k->cap, &next_stream, 0};
        if (p->links[i].kind != LINK_WINDOWS && p->links[i].kind != LINK_LINUX)
            continue;
        if ((o.account_key = intern_id(&k->accounts, p->links[i].account, "")) < 0)
            st = lr_fail(err, LR_ENOMEM, "out of memory");
        else if (p->links[i].kind == LINK_WINDOWS)
            st = win_days_add(s, c, p->links[i].account, from, to, &o, err);
        else
            st = unix_days_add(s, c, p->links[i].account, from, to, &o, err);
    }
    if (st != LR_OK)
        return st;
    rules.day_change_min = p->e->day_change_min;
    rules.max_shift_sec = c->max_shift_sec;
    rules.breaks = c->break_punches;
    rules.min_break_sec = c->min_break_sec;
    if ((st = day_derive(k->ev, k->n, &rules, &p->out)) != LR_OK)
        return lr_fail(err, st, "day engine failed for employee %s", p->e->code);
    return LR_OK;
}

/* The days of every person, and their active punches, in one read. */
static lr_status read_days(lr_store *s, chunk *ch, lr_error *err)
{
    size_t nd = 0;
    for (size_t i = 0; i < ch->n; i++)
        if (!ch->p[i].e->deleted)
            nd += (size_t)(ch->p[i].d1 - ch->p[i].d0 + 1);
    ch->days = malloc((nd ? nd : 1) * sizeof *ch->days);
    ch->old_first = calloc(nd ? nd : 1, sizeof *ch->old_first);
    ch->old_count = calloc(nd ? nd : 1, sizeof *ch->old_count);
    if (!ch->days || !ch->old_first || !ch->old_count)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < ch->n; i++) {
        person *p = &ch->p[i];
        p->first_day = ch->ndays;
        for (int64_t d = p->d0; !p->e->deleted && d <= p->d1; d++) {
            store_day *sd = &ch->days[ch->ndays++];
            sd->employee_id = p->e->id;
            tf_format_date(d, sd->work_day);
        }
    }
    lr_status st = store_punches_of_days(s, ch->days, ch->ndays, take_old, ch, err);
    if (st != LR_OK)
        return st;
    if (ch->oom)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    /* the rows come day by day, in the days' order */
    for (size_t i = ch->nold; i-- > 0;) {
        ch->old_first[ch->old_day[i]] = i;
        ch->old_count[ch->old_day[i]]++;
    }
    return LR_OK;
}

/* The diff of one day, added to the chunk's writes. */
static lr_status diff_day(chunk *ch, const lr_company *c, const person *p, size_t di, int64_t day,
                          rederive_stats *stats, lr_error *err)
{
    punch_change cg[2 * MAX_DAY_PUNCHES];
    const day_result *r = day_output_find(&p->out, day);
    const day_punch *fresh = r ? p->out.punches + r->first_punch : NULL;
    size_t nold = ch->old_count[di], nnew = r ? r->npunches : 0, ncg;
    const char *dstr = ch->days[di].work_day;

    if (nnew > MAX_DAY_PUNCHES)
        return lr_fail(err, LR_ETOOBIG, "employee %s: more than %d punches on one day",
                       p->e->code, MAX_DAY_PUNCHES);
    if (nold > MAX_DAY_PUNCHES)
        return lr_fail(err, LR_ETOOBIG, "more than %d punches on %s", MAX_DAY_PUNCHES, dstr);
    ncg = punch_diff(nold ? ch->old + ch->old_first[di] : NULL, nold, fresh, nnew, cg);
    for (size_t i = 0; i < ncg; i++) {
        store_outbox_new *o;
        if (cg[i].action == PUNCH_KEEP) {
            stats->kept++;
            continue;
        }
        if (cg[i].action != PUNCH_ADD) {
            if (!vec_room((void **)&ch->ends, &ch->capends, ch->nends, sizeof *ch->ends))
                return lr_fail(err, LR_ENOMEM, "out of memory");
            ch->ends[ch->nends++] = (store_punch_ending){
                cg[i].old_id, cg[i].action == PUNCH_REPLACE ? "replaced" : "retracted"};
        }
        if (!vec_room((void **)&ch->ob, &ch->capob, ch->nob, sizeof *ch->ob) ||
            !vec_room((void **)&ch->ob_ins, &ch->capobi, ch->nob, sizeof *ch->ob_ins))
            return lr_fail(err, LR_ENOMEM, "out of memory");
        o = &ch->ob[ch->nob];
        memset(o, 0, sizeof *o);
        o->company_id = c->id;
        ch->ob_ins[ch->nob++] = SIZE_MAX;
        if (cg[i].action == PUNCH_RETRACT) {
            o->punch_id = cg[i].old_id;
            o->action = "retract";
            stats->retracted++;
            continue;
        }
        if (!vec_room((void **)&ch->ins, &ch->capins, ch->nins, sizeof *ch->ins))
            return lr_fail(err, LR_ENOMEM, "out of memory");
        ch->ins[ch->nins] = (store_punch_new){c->id,
                                              p->e->id,
                                              "",
                                              cg[i].kind,
                                              cg[i].utc,
                                              cg[i].action == PUNCH_REPLACE ? cg[i].old_id : 0,
                                              0,
                                              cg[i].event_id};
        memcpy(ch->ins[ch->nins].work_day, dstr, sizeof ch->ins[ch->nins].work_day);
        ch->ob_ins[ch->nob - 1] = ch->nins++;
        o->action = cg[i].action == PUNCH_ADD ? "add" : "correct";
        o->replaces = cg[i].action == PUNCH_REPLACE ? cg[i].old_id : 0;
        if (cg[i].action == PUNCH_ADD)
            stats->added++;
        else
            stats->replaced++;
    }
    for (size_t i = 0; r && i < r->nflags; i++) {
        const day_event_flag *f = &p->out.flags[r->first_flag + i];
        if (!vec_room((void **)&ch->flags, &ch->capflags, ch->nflags, sizeof *ch->flags))
            return lr_fail(err, LR_ENOMEM, "out of memory");
        ch->flags[ch->nflags] = (store_flag_new){f->event_id, p->e->id, "", f->flags};
        memcpy(ch->flags[ch->nflags++].work_day, dstr, sizeof ch->flags->work_day);
    }
    stats->days++;
    return LR_OK;
}

/* The chunk's changes: punches ended, then the new ones (an outbox row
 * names its punch by id), the outbox rows in the order decided, the flags. */
static lr_status write_changes(lr_store *s, const lr_company *c, chunk *ch, lr_error *err)
{
    lr_status st = store_punches_end(s, c->id, ch->ends, ch->nends, err);
    if (st == LR_OK)
        st = store_punches_insert(s, ch->ins, ch->nins, err);
    for (size_t i = 0; st == LR_OK && i < ch->nob; i++)
        if (ch->ob_ins[i] != SIZE_MAX)
            ch->ob[i].punch_id = ch->ins[ch->ob_ins[i]].id;
    if (st == LR_OK)
        st = store_outbox_enqueue_all(s, ch->ob, ch->nob, err);
    if (st == LR_OK)
        st = store_flags_replace_days(s, c->id, ch->days, ch->ndays, ch->flags, ch->nflags, err);
    return st;
}

static void chunk_free(chunk *ch)
{
    for (size_t i = 0; ch->p && i < ch->n; i++) {
        day_output_free(&ch->p[i].out);
        free(ch->p[i].k.ev);
        intern_free(&ch->p[i].k.streams);
        intern_free(&ch->p[i].k.accounts);
    }
    free(ch->p);
    free(ch->w);
    free(ch->w_owner);
    free(ch->w_kind);
    free(ch->days);
    free(ch->old);
    free(ch->old_day);
    free(ch->old_first);
    free(ch->old_count);
    free(ch->ends);
    free(ch->ins);
    free(ch->ob);
    free(ch->ob_ins);
    free(ch->flags);
}

static lr_status rederive_chunk(lr_store *s, const lr_company *c, const day_span *sp, size_t n,
                                rederive_stats *stats, lr_error *err)
{
    chunk ch;
    int64_t *ids = malloc(n * sizeof *ids);
    lr_employee *emps = malloc(n * sizeof *emps);
    lr_status st;

    memset(&ch, 0, sizeof ch);
    ch.n = n;
    ch.p = calloc(n, sizeof *ch.p);
    if (!ids || !emps || !ch.p) {
        st = lr_fail(err, LR_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = sp[i].employee_id;
        ch.p[i].e = &emps[i];
        ch.p[i].d0 = sp[i].d0;
        ch.p[i].d1 = sp[i].d1;
    }
    if ((st = store_employees_by_ids(s, ids, n, emps, err)) != LR_OK ||
        (st = store_links_of_employees(s, ids, n, take_link, &ch, err)) != LR_OK ||
        (st = read_events(s, c, &ch, err)) != LR_OK)
        goto done;
    if (ch.oom) {
        st = lr_fail(err, LR_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!emps[i].deleted && (st = derive(s, c, &ch.p[i], err)) != LR_OK)
            goto done;
    if ((st = read_days(s, &ch, err)) != LR_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const person *p = &ch.p[i];
        for (int64_t d = p->d0; !p->e->deleted && d <= p->d1; d++)
            if ((st = diff_day(&ch, c, p, p->first_day + (size_t)(d - p->d0), d, stats, err)) !=
                LR_OK)
                goto done;
    }
    st = write_changes(s, c, &ch, err);
done:
    chunk_free(&ch);
    free(ids);
    free(emps);
    return st;
}

lr_status rederive_spans(lr_store *s, const lr_company *c, const day_span *spans, size_t n,
                         rederive_stats *stats, lr_error *err)
{
    day_span piece[REDERIVE_CHUNK];
    size_t np = 0, days = 0;
    lr_status st = LR_OK;
    /* spans cut to at most REDERIVE_DAYS days, gathered until a chunk has
     * REDERIVE_CHUNK of them or REDERIVE_DAYS days */
    for (size_t i = 0; i < n && st == LR_OK; i++)
        for (int64_t d0 = spans[i].d0; d0 <= spans[i].d1 && st == LR_OK;) {
            int64_t d1 = spans[i].d1 - d0 >= REDERIVE_DAYS ? d0 + REDERIVE_DAYS - 1 : spans[i].d1;
            size_t len = (size_t)(d1 - d0 + 1);
            if (np == REDERIVE_CHUNK || (np && days + len > REDERIVE_DAYS)) {
                st = rederive_chunk(s, c, piece, np, stats, err);
                np = days = 0;
            }
            piece[np++] = (day_span){spans[i].employee_id, d0, d1};
            days += len;
            d0 = d1 + 1;
        }
    if (st == LR_OK && np)
        st = rederive_chunk(s, c, piece, np, stats, err);
    return st;
}
