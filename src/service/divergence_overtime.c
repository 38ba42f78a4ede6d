/*
 * divergence_overtime — 36協定's early warning (see divergence_overtime.h).
 */
#include "service/divergence_overtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/admin.h"
#include "service/divergence_report.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

void div_month_of(const lr_company *c, int64_t now, char month[8])
{
    char day[11];
    tf_format_date(tz_local_day(c->tz, now), day);
    snprintf(month, 8, "%.7s", day);
}

/* The first and last day of the month k months before y-m. */
static void month_bounds(int y, int m, int k, int64_t *first, int64_t *last)
{
    tf_month_days(y, m - k, first, last);
}

typedef struct run {
    const lr_company *c;
    int y, m;
    int64_t today;
    div_side_punch *rows; /* the employee's, sorted */
    size_t cap;
    int (*cb)(void *ctx, const lr_ot_warning *w);
    void *ctx;
    lr_status st;
    lr_error *err;
} run;

static int cmp_row(const void *a, const void *b)
{
    const div_side_punch *x = a, *y = b;
    if (x->side != y->side)
        return x->side - y->side;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->utc < y->utc ? -1 : x->utc > y->utc;
}

/* One side's days from its sorted punches: first in, last out, breaks. */
static size_t side_days(const div_side_punch *r, size_t n, ot_day *out)
{
    size_t nd = 0;
    int64_t brk = 0;
    for (size_t i = 0; i < n; i++) {
        ot_day *d;
        if (!nd || out[nd - 1].day != r[i].day) {
            memset(&out[nd], 0, sizeof out[nd]);
            out[nd++].day = r[i].day;
            brk = 0;
        }
        d = &out[nd - 1];
        if (r[i].kind == PUNCH_CLOCK_IN && (!d->start || r[i].utc < d->start))
            d->start = r[i].utc;
        else if (r[i].kind == PUNCH_CLOCK_OUT && r[i].utc > d->end)
            d->end = r[i].utc;
        else if (r[i].kind == PUNCH_BREAK_START)
            brk = r[i].utc;
        else if (r[i].kind == PUNCH_BREAK_END && brk && r[i].utc > brk) {
            d->has_breaks = 1;
            d->break_min += (int)((r[i].utc - brk) / 60);
            brk = 0;
        }
    }
    return nd;
}

/* An employee's month, from both sides' punches. */
static int judge_employee(void *ctx, const lr_div_side *who, const div_side_punch *p, size_t n)
{
    run *k = ctx;
    ot_day *days;
    ot_month pc[OT_MONTHS], rec;
    ot_limits lim = {k->c->ot_month_min, k->c->ot_avg_min};
    lr_ot_warning w;
    size_t npc, nrec, split = 0;
    int64_t f, l;
    int avg = 0;
    if (!vec_reserve((void **)&k->rows, &k->cap, n, sizeof *k->rows) ||
        !(days = malloc((n + 1) * sizeof *days))) {
        k->st = lr_fail(k->err, LR_ENOMEM, "out of memory");
        return 1;
    }
    memcpy(k->rows, p, n * sizeof *p);
    qsort(k->rows, n, sizeof *k->rows, cmp_row);
    while (split < n && k->rows[split].side == 0)
        split++;
    npc = side_days(k->rows, split, days);
    for (int i = 0; i < OT_MONTHS; i++) {
        month_bounds(k->y, k->m, i, &f, &l);
        ot_month_sum(days, npc, f, l, i == 0 ? k->today : l + 1, &pc[i]);
    }
    nrec = side_days(k->rows + split, n - split, days);
    month_bounds(k->y, k->m, 0, &f, &l);
    ot_month_sum(days, nrec, f, l, l + 1, &rec);
    free(days);
    memset(&w, 0, sizeof w);
    w.employee_id = who->employee_id;
    snprintf(w.employee_code, sizeof w.employee_code, "%s", who->employee_code);
    snprintf(w.month, sizeof w.month, "%04d-%02d", k->y, k->m);
    w.pc_work_min = pc[0].work_min;
    w.pc_over_min = pc[0].over_min;
    w.projected_min = pc[0].projected_min;
    w.rec_work_min = rec.work_min;
    w.rec_over_min = rec.over_min;
    w.warning = ot_judge(pc, OT_MONTHS, &lim, &avg);
    w.avg_min = avg;
    w.computed_at = clock_now();
    return k->cb(k->ctx, &w);
}

lr_status div_overtime(lr_store *s, const lr_company *c, const char *month, int64_t now,
                       int (*cb)(void *ctx, const lr_ot_warning *w), void *ctx, lr_error *err)
{
    run k = {0};
    int64_t first, last;
    char from[11], to[11];
    lr_status st;
    if (!month || strlen(month) != 7 || month[4] != '-' ||
        sscanf(month, "%4d-%2d", &k.y, &k.m) != 2 || k.m < 1 || k.m > 12 || k.y < 1970)
        return lr_fail(err, LR_EINVAL, "month '%s': expected YYYY-MM", month ? month : "");
    k.c = c;
    k.today = tz_local_day(c->tz, now);
    k.cb = cb;
    k.ctx = ctx;
    k.err = err;
    month_bounds(k.y, k.m, OT_MONTHS - 1, &first, &last);
    tf_format_date(first, from);
    month_bounds(k.y, k.m, 0, &first, &last);
    tf_format_date(last, to);
    st = div_by_employee(s, c, from, to, 1, NULL, judge_employee, &k, err);
    if (st == LR_OK)
        st = k.st;
    free(k.rows);
    return st;
}

typedef struct keep {
    lr_ot_warning *v;
    size_t n, cap;
    int oom;
} keep;

static int keep_warning(void *ctx, const lr_ot_warning *w)
{
    keep *k = ctx;
    if (!w->warning)
        return 0;
    if (!vec_room((void **)&k->v, &k->cap, k->n, sizeof *k->v)) {
        k->oom = 1;
        return 1;
    }
    k->v[k->n++] = *w;
    return 0;
}

lr_status div_overtime_keep(lr_store *s, const lr_company *c, int64_t now, size_t *nwarn,
                            lr_error *err)
{
    char month[8];
    keep k = {0};
    lr_status st;
    div_month_of(c, now, month);
    st = div_overtime(s, c, month, now, keep_warning, &k, err);
    if (st == LR_OK && k.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory");
    if (st == LR_OK && (st = store_begin(s, err)) == LR_OK) {
        st = store_ot_warnings_replace(s, c->id, month, k.v, k.n, err);
        st = st == LR_OK ? store_commit(s, err) : st;
        if (st != LR_OK)
            store_rollback(s);
    }
    *nwarn = k.n;
    free(k.v);
    return st;
}

lr_status div_overtime_limits_set(lr_store *s, const char *code, int month_h, int avg_h,
                                  const char *actor, lr_error *err)
{
    lr_company c = {0};
    char detail[120];
    lr_status st;
    if ((month_h != -1 && (month_h < 1 || month_h > 720)) ||
        (avg_h != -1 && (avg_h < 1 || avg_h > 720)))
        return lr_fail(err, LR_EINVAL, "an overtime limit is 1-720 hours");
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK) {
        if (month_h >= 0)
            c.ot_month_min = month_h * 60;
        if (avg_h >= 0)
            c.ot_avg_min = avg_h * 60;
        st = store_company_ot_limits_set(s, c.id, c.ot_month_min, c.ot_avg_min, err);
    }
    snprintf(detail, sizeof detail, "overtime limits: %d h a month, %d h averaged",
             c.ot_month_min / 60, c.ot_avg_min / 60);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "divergence.overtime",
                                detail, err);
}
