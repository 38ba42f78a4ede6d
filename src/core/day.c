/*
 * day — the day engine (rules in day.h).
 *
 * Steps: sort the events by stream and time; pair them into sessions and
 * orphan logoffs; give each its work day; then per day compute clock-in,
 * clock-out and breaks. Everything is allocated once per call and freed by
 * day_output_free(); intermediate arrays are freed before returning.
 */
#include "core/day.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"

typedef struct session {
    int64_t day;
    int64_t start, end; /* end < 0: no logoff */
    int64_t stream, account;
    int64_t logon_id, logoff_id;
    unsigned logon_flags, logoff_flags; /* the caller's (day_event.flags) */
    int shared;
} session;

typedef struct orphan {
    int64_t day;
    int64_t utc;
    int64_t id;
    unsigned flags; /* the caller's */
} orphan;

typedef struct interval {
    int64_t a, b;
    int64_t a_id, b_id; /* the events that opened and closed it */
} interval;

int64_t day_of_local(int64_t local, int day_change_min)
{
    return tf_floor_div(local - (int64_t)day_change_min * 60, 86400);
}

const char *punch_kind_name(punch_kind k)
{
    switch (k) {
    case PUNCH_CLOCK_IN: return "clock_in";
    case PUNCH_CLOCK_OUT: return "clock_out";
    case PUNCH_BREAK_START: return "break_start";
    case PUNCH_BREAK_END: return "break_end";
    }
    return "unknown";
}

int punch_kind_parse(const char *s)
{
    for (int k = PUNCH_CLOCK_IN; k <= PUNCH_BREAK_END; k++)
        if (strcmp(s, punch_kind_name((punch_kind)k)) == 0)
            return k;
    return 0;
}

void day_flags_format(unsigned flags, char *out, size_t outsz)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {DAY_FLAG_NO_LOGOFF, "no_logoff"},
        {DAY_FLAG_NO_LOGON, "no_logon"},
        {DAY_FLAG_ORPHAN_IGNORED, "logoff_ignored"},
        {DAY_FLAG_SHARED_ACCOUNT, "shared_account"},
        {DAY_FLAG_ENDED_BY_BOOT, "ended_by_boot"},
        {DAY_FLAG_AUTO_RESTART, "auto_restart"},
        {DAY_FLAG_REMOTE, "remote"},
    };
    size_t n = 0;
    if (outsz == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (flags & names[i].bit) {
            int w = snprintf(out + n, outsz - n, "%s%s", n ? "," : "", names[i].name);
            if (w < 0 || (size_t)w >= outsz - n)
                return;
            n += (size_t)w;
        }
    }
}

/* Sort key for pairing: stream, time, logoff before logon (a logoff and a
 * logon in the same second close one session and open the next), id. */
static int cmp_event(const void *pa, const void *pb)
{
    const day_event *a = pa, *b = pb;
    if (a->stream != b->stream)
        return a->stream < b->stream ? -1 : 1;
    if (a->utc != b->utc)
        return a->utc < b->utc ? -1 : 1;
    if (a->op != b->op)
        return a->op == DAY_LOGOFF ? -1 : 1;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return 0;
}

static int cmp_session(const void *pa, const void *pb)
{
    const session *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->logon_id < b->logon_id ? -1 : a->logon_id > b->logon_id;
}

static int cmp_orphan(const void *pa, const void *pb)
{
    const orphan *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->utc != b->utc)
        return a->utc < b->utc ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_interval(const void *pa, const void *pb)
{
    const interval *a = pa, *b = pb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

static int cmp_punch(const void *pa, const void *pb)
{
    const day_punch *a = pa, *b = pb;
    if (a->utc != b->utc)
        return a->utc < b->utc ? -1 : 1;
    return (int)a->kind - (int)b->kind;
}

static int cmp_flag(const void *pa, const void *pb)
{
    const day_event_flag *a = pa, *b = pb;
    return a->event_id < b->event_id ? -1 : a->event_id > b->event_id;
}

typedef struct builder {
    day_output *out;
    size_t cap_days, cap_punches, cap_flags;
} builder;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c;
    void *np;
    if (need <= *cap)
        return 1;
    c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    np = realloc(*p, c * elem);
    if (!np)
        return 0;
    *p = np;
    *cap = c;
    return 1;
}

static int add_punch(builder *b, punch_kind k, int64_t utc, int64_t event_id)
{
    day_output *o = b->out;
    if (!grow((void **)&o->punches, &b->cap_punches, o->npunches + 1, sizeof *o->punches))
        return 0;
    o->punches[o->npunches].kind = k;
    o->punches[o->npunches].utc = utc;
    o->punches[o->npunches].event_id = event_id;
    o->npunches++;
    return 1;
}

/* Flags on event id for day; an event flagged on this day already (one
 * logoff that ends two sessions) keeps one entry with both's flags. */
static int add_flag(builder *b, int64_t id, int64_t day, unsigned flags)
{
    day_output *o = b->out;
    for (size_t i = o->nflags; i-- > 0 && o->flags[i].day == day;) {
        if (o->flags[i].event_id == id) {
            o->flags[i].flags |= flags;
            return 1;
        }
    }
    if (!grow((void **)&o->flags, &b->cap_flags, o->nflags + 1, sizeof *o->flags))
        return 0;
    o->flags[o->nflags].event_id = id;
    o->flags[o->nflags].day = day;
    o->flags[o->nflags].flags = flags;
    o->nflags++;
    return 1;
}

/* The session opened by `on` and closed by `off` (NULL: no logoff). */
static session make_session(const day_event *on, const day_event *off, const day_rules *r)
{
    return (session){day_of_local(on->local, r->day_change_min),
                     on->utc,
                     off ? off->utc : -1,
                     on->stream,
                     on->account,
                     on->id,
                     off ? off->id : 0,
                     on->flags,
                     off ? off->flags : 0,
                     0};
}

/* Pairs sorted events into sessions and orphans (rules in day.h). */
static void pair_events(const day_event *ev, size_t n, const day_rules *r, session *ss,
                        size_t *nss, orphan *os, size_t *nos)
{
    size_t ns = 0, no = 0;
    const day_event *open = NULL;

    for (size_t i = 0; i < n; i++) {
        const day_event *e = &ev[i];
        if (open && (open->stream != e->stream || e->op == DAY_LOGON)) {
            /* a new stream, or a second logon: the open one got no logoff */
            ss[ns++] = make_session(open, NULL, r);
            open = NULL;
        }
        if (e->op == DAY_LOGON) {
            open = e;
        } else if (open && e->utc - open->utc <= r->max_shift_sec) {
            ss[ns++] = make_session(open, e, r);
            open = NULL;
        } else {
            if (open)
                ss[ns++] = make_session(open, NULL, r);
            os[no++] = (orphan){day_of_local(e->local, r->day_change_min), e->utc, e->id, e->flags};
            open = NULL;
        }
    }
    if (open)
        ss[ns++] = make_session(open, NULL, r);
    *nss = ns;
    *nos = no;
}

/* Marks sessions of one account on different hosts that overlap in time.
 * Sessions without a logoff count as instants. O(k^2) per day, k small. */
static void mark_shared(session *s, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        int64_t ie = s[i].end < 0 ? s[i].start : s[i].end;
        for (size_t j = i + 1; j < k; j++) {
            int64_t je = s[j].end < 0 ? s[j].start : s[j].end;
            if (s[i].account != s[j].account || s[i].stream == s[j].stream)
                continue;
            if (s[i].start < je && s[j].start < ie) {
                s[i].shared = 1;
                s[j].shared = 1;
            }
        }
    }
}

/* Derives one work day from its sessions s[0..k) and orphans o[0..m). */
static lr_status derive_one(builder *b, const day_rules *r, int64_t day, session *s, size_t k,
                            const orphan *o, size_t m, interval *scratch)
{
    day_output *out = b->out;
    size_t first = out->npunches, first_flag = out->nflags, ni = 0;
    int64_t in = -1, outt = -1, in_id = 0, out_id = 0; /* and the events that made them */
    unsigned dflags = 0;

    mark_shared(s, k);
    for (size_t i = 0; i < k; i++) {
        unsigned f = 0;
        if (in < 0 || s[i].start < in) {
            in = s[i].start;
            in_id = s[i].logon_id;
        }
        if (s[i].end >= 0) {
            if (s[i].end > outt) {
                outt = s[i].end;
                out_id = s[i].logoff_id;
            }
            scratch[ni++] = (interval){s[i].start, s[i].end, s[i].logon_id, s[i].logoff_id};
        } else {
            f |= DAY_FLAG_NO_LOGOFF;
        }
        if (s[i].shared)
            f |= DAY_FLAG_SHARED_ACCOUNT;
        f |= s[i].logon_flags;
        if (f) {
            dflags |= f;
            if (!add_flag(b, s[i].logon_id, day, f))
                return LR_ENOMEM;
        }
        /* the logoff: shared with its logon, and its own */
        f = (f & DAY_FLAG_SHARED_ACCOUNT) | s[i].logoff_flags;
        if (s[i].logoff_id && f) {
            dflags |= f;
            if (!add_flag(b, s[i].logoff_id, day, f))
                return LR_ENOMEM;
        }
    }
    for (size_t i = 0; i < m; i++) {
        unsigned f = DAY_FLAG_NO_LOGON | o[i].flags;
        if (in < 0 || o[i].utc > in) {
            if (o[i].utc > outt) {
                outt = o[i].utc;
                out_id = o[i].id;
            }
        } else {
            f |= DAY_FLAG_ORPHAN_IGNORED;
        }
        dflags |= f;
        if (!add_flag(b, o[i].id, day, f))
            return LR_ENOMEM;
    }

    if (in >= 0 && !add_punch(b, PUNCH_CLOCK_IN, in, in_id))
        return LR_ENOMEM;
    if (r->breaks && ni > 1) {
        int64_t cur_end, cur_end_id;
        qsort(scratch, ni, sizeof *scratch, cmp_interval);
        cur_end = scratch[0].b;
        cur_end_id = scratch[0].b_id;
        for (size_t i = 1; i < ni; i++) {
            if (scratch[i].a - cur_end >= r->min_break_sec && scratch[i].a > cur_end) {
                if (!add_punch(b, PUNCH_BREAK_START, cur_end, cur_end_id) ||
                    !add_punch(b, PUNCH_BREAK_END, scratch[i].a, scratch[i].a_id))
                    return LR_ENOMEM;
            }
            if (scratch[i].b > cur_end) {
                cur_end = scratch[i].b;
                cur_end_id = scratch[i].b_id;
            }
        }
    }
    if (outt >= 0 && !add_punch(b, PUNCH_CLOCK_OUT, outt, out_id))
        return LR_ENOMEM;

    if (out->npunches == first && dflags == 0)
        return LR_OK;
    if (out->npunches - first > 1)
        qsort(out->punches + first, out->npunches - first, sizeof *out->punches, cmp_punch);
    if (out->nflags - first_flag > 1)
        qsort(out->flags + first_flag, out->nflags - first_flag, sizeof *out->flags, cmp_flag);
    if (!grow((void **)&out->days, &b->cap_days, out->ndays + 1, sizeof *out->days))
        return LR_ENOMEM;
    out->days[out->ndays++] = (day_result){day,        first, out->npunches - first,
                                           first_flag, out->nflags - first_flag, dflags};
    return LR_OK;
}

lr_status day_derive(const day_event *events, size_t n, const day_rules *r, day_output *out)
{
    day_event *ev = NULL;
    session *ss = NULL;
    orphan *os = NULL;
    interval *scratch = NULL;
    size_t nss = 0, nos = 0, i, j;
    builder b = {out, 0, 0, 0};
    lr_status st = LR_ENOMEM;

    memset(out, 0, sizeof *out);
    if (r->day_change_min < 0 || r->day_change_min >= 1440 || r->max_shift_sec <= 0 ||
        r->min_break_sec < 0)
        return LR_EINVAL;
    if (n == 0)
        return LR_OK;
    ev = malloc(n * sizeof *ev);
    ss = malloc(n * sizeof *ss);
    os = malloc(n * sizeof *os);
    scratch = malloc(n * sizeof *scratch);
    if (!ev || !ss || !os || !scratch)
        goto done;
    memcpy(ev, events, n * sizeof *ev);
    qsort(ev, n, sizeof *ev, cmp_event);
    pair_events(ev, n, r, ss, &nss, os, &nos);
    qsort(ss, nss, sizeof *ss, cmp_session);
    qsort(os, nos, sizeof *os, cmp_orphan);

    /* Walk both lists day by day. */
    i = j = 0;
    while (i < nss || j < nos) {
        int64_t day;
        size_t i2 = i, j2 = j;
        if (i < nss && (j >= nos || ss[i].day <= os[j].day))
            day = ss[i].day;
        else
            day = os[j].day;
        while (i2 < nss && ss[i2].day == day)
            i2++;
        while (j2 < nos && os[j2].day == day)
            j2++;
        st = derive_one(&b, r, day, ss + i, i2 - i, os + j, j2 - j, scratch);
        if (st != LR_OK)
            goto done;
        i = i2;
        j = j2;
    }
    st = LR_OK;
done:
    free(ev);
    free(ss);
    free(os);
    free(scratch);
    if (st != LR_OK)
        day_output_free(out);
    return st;
}

void day_output_free(day_output *out)
{
    free(out->days);
    free(out->punches);
    free(out->flags);
    memset(out, 0, sizeof *out);
}

const day_result *day_output_find(const day_output *out, int64_t day)
{
    size_t lo = 0, hi = out->ndays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (out->days[mid].day < day)
            lo = mid + 1;
        else if (out->days[mid].day > day)
            hi = mid;
        else
            return &out->days[mid];
    }
    return NULL;
}
