/*
 * overtime — 36協定's early warning (see overtime.h).
 */
#include "core/overtime.h"

#include <string.h>

#define LEGAL_DAY_MIN (8 * 60)

int ot_work_min(const ot_day *d)
{
    int span, rest;
    if (!d->start || !d->end || d->end <= d->start)
        return 0;
    span = (int)((d->end - d->start) / 60);
    if (d->has_breaks)
        rest = d->break_min;
    else
        rest = span > 8 * 60 ? 60 : span > 6 * 60 ? 45 : 0;
    return span > rest ? span - rest : 0;
}

int ot_over_min(const ot_day *d)
{
    int w = ot_work_min(d);
    return w > LEGAL_DAY_MIN ? w - LEGAL_DAY_MIN : 0;
}

void ot_month_sum(const ot_day *days, size_t n, int64_t first, int64_t last, int64_t today,
                  ot_month *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (days[i].day < first || days[i].day > last || !ot_work_min(&days[i]))
            continue;
        out->days++;
        out->work_min += ot_work_min(&days[i]);
        out->over_min += ot_over_min(&days[i]);
    }
    out->projected_min = out->over_min;
    if (today >= first && today < last)
        out->projected_min =
            (int)((int64_t)out->over_min * (last - first + 1) / (today - first + 1));
}

int ot_judge(const ot_month *months, size_t n, const ot_limits *lim, int *avg_min)
{
    int w = OT_NONE, best = 0;
    int64_t sum = months[0].over_min;
    if (months[0].over_min > lim->month_min)
        w |= OT_MONTH;
    else if (months[0].projected_min > lim->month_min)
        w |= OT_PROJECTED;
    for (size_t k = 1; k < n && k < OT_MONTHS; k++) {
        int avg;
        sum += months[k].over_min;
        avg = (int)(sum / (int64_t)(k + 1));
        if (avg > best)
            best = avg;
    }
    if (best > lim->avg_min)
        w |= OT_AVERAGE;
    if (avg_min)
        *avg_min = best;
    return w;
}
