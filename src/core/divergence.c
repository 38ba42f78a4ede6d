/*
 * divergence — the record against the PC, per work day (see divergence.h).
 */
#include "core/divergence.h"

#include <stdlib.h>
#include <string.h>

int div_limits_valid(const div_limits *lim)
{
    return lim->start_min >= DIV_LIMIT_MIN && lim->start_min <= DIV_LIMIT_MAX &&
           lim->end_min >= DIV_LIMIT_MIN && lim->end_min <= DIV_LIMIT_MAX;
}

void div_judge(div_day *d, const div_limits *lim)
{
    int pc = d->pc_start || d->pc_end, rec = d->rec_start || d->rec_end;
    int over_start, over_end;

    d->has_start_diff = d->pc_start && d->rec_start;
    d->has_end_diff = d->pc_end && d->rec_end;
    d->start_diff_min = d->has_start_diff ? (int)((d->rec_start - d->pc_start) / 60) : 0;
    d->end_diff_min = d->has_end_diff ? (int)((d->pc_end - d->rec_end) / 60) : 0;
    if (pc && !rec) {
        d->kind = DIV_PC_ONLY;
        return;
    }
    if (rec && !pc) {
        d->kind = DIV_RECORD_ONLY;
        return;
    }
    over_start = d->has_start_diff && d->start_diff_min > lim->start_min;
    over_end = d->has_end_diff && d->end_diff_min > lim->end_min;
    if (over_start || over_end)
        d->kind = over_start && over_end ? DIV_OVER_BOTH : over_start ? DIV_OVER_START
                                                                      : DIV_OVER_END;
    else if ((d->has_start_diff && d->start_diff_min < -lim->start_min) ||
             (d->has_end_diff && d->end_diff_min < -lim->end_min))
        d->kind = DIV_UNDER;
    else
        d->kind = DIV_NONE;
}

/* The day's entry in v[0..*n), added (zeroed) when new; v sorted by day. */
static div_day *day_in(div_day **v, size_t *n, size_t *cap, int64_t day)
{
    size_t lo = 0, hi = *n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((*v)[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < *n && (*v)[lo].day == day)
        return &(*v)[lo];
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        div_day *x = realloc(*v, c * sizeof *x);
        if (!x)
            return NULL;
        *v = x;
        *cap = c;
    }
    memmove(&(*v)[lo + 1], &(*v)[lo], (*n - lo) * sizeof **v);
    memset(&(*v)[lo], 0, sizeof **v);
    (*v)[lo].day = day;
    (*n)++;
    return &(*v)[lo];
}

/* Folds one side's punches into the days of v: first clock-in, last
 * clock-out. */
static int fold(div_day **v, size_t *nv, size_t *cap, const div_record *r, size_t n, int rec)
{
    for (size_t i = 0; i < n; i++) {
        div_day *d;
        int64_t *start, *end;
        if (r[i].kind != PUNCH_CLOCK_IN && r[i].kind != PUNCH_CLOCK_OUT)
            continue;
        if (!(d = day_in(v, nv, cap, r[i].day)))
            return 0;
        start = rec ? &d->rec_start : &d->pc_start;
        end = rec ? &d->rec_end : &d->pc_end;
        if (r[i].kind == PUNCH_CLOCK_IN && (!*start || r[i].utc < *start))
            *start = r[i].utc;
        if (r[i].kind == PUNCH_CLOCK_OUT && r[i].utc > *end)
            *end = r[i].utc;
    }
    return 1;
}

lr_status div_compare_records(const div_record *pc, size_t npc, const div_record *rec, size_t n,
                              const div_limits *lim, div_day **out, size_t *nout)
{
    div_day *v = NULL;
    size_t nv = 0, cap = 0;

    *out = NULL;
    *nout = 0;
    if (!div_limits_valid(lim))
        return LR_EINVAL;
    if (!fold(&v, &nv, &cap, pc, npc, 0) || !fold(&v, &nv, &cap, rec, n, 1)) {
        free(v);
        return LR_ENOMEM;
    }
    for (size_t i = 0; i < nv; i++)
        div_judge(&v[i], lim);
    *out = v;
    *nout = nv;
    return LR_OK;
}

lr_status div_compare(const day_output *pc, const div_record *rec, size_t n,
                      const div_limits *lim, div_day **out, size_t *nout)
{
    div_record *mine = malloc((pc && pc->npunches ? pc->npunches : 1) * sizeof *mine);
    size_t k = 0;
    lr_status st;
    if (!mine)
        return LR_ENOMEM;
    for (size_t i = 0; pc && i < pc->ndays; i++) {
        const day_result *r = &pc->days[i];
        for (size_t j = 0; j < r->npunches; j++) {
            const day_punch *p = &pc->punches[r->first_punch + j];
            mine[k++] = (div_record){r->day, p->kind, p->utc};
        }
    }
    st = div_compare_records(mine, k, rec, n, lim, out, nout);
    free(mine);
    return st;
}

const char *div_kind_name(div_kind k)
{
    static const char *const names[] = {"", "over_start", "over_end", "over_both",
                                        "under", "pc_only", "record_only"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "";
}

div_kind div_kind_of(const char *name)
{
    for (int k = DIV_OVER_START; k <= DIV_RECORD_ONLY; k++)
        if (strcmp(name, div_kind_name((div_kind)k)) == 0)
            return (div_kind)k;
    return DIV_NONE;
}
