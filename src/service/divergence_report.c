/*
 * divergence_report — the 乖離 report (see divergence_report.h).
 */
#include "service/divergence_report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/ledger_export.h"
#include "util/csv.h"
#include "util/encoding.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

lr_status div_parse_status(const char *s, div_status_filter *out, lr_error *err)
{
    static const char *const names[] = {"open", "confirmed", "all"};
    if (!s || !*s) {
        *out = DIV_STATUS_OPEN;
        return LR_OK;
    }
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (div_status_filter)i;
            return LR_OK;
        }
    return lr_fail(err, LR_EINVAL, "status '%s': expected open, confirmed or all", s);
}

lr_status div_parse_min(const char *s, int *out, lr_error *err)
{
    char *end;
    long n;
    *out = 0;
    if (!s || !*s)
        return LR_OK;
    n = strtol(s, &end, 10);
    if (*end || n < 0 || n > DIV_MIN_MAX)
        return lr_fail(err, LR_EINVAL, "min is '%s'; expected minutes (0 to %d)", s, DIV_MIN_MAX);
    *out = (int)n;
    return LR_OK;
}

div_limits div_limits_of(const lr_company *c, const lr_division *divs, size_t ndivs,
                         int64_t division_id)
{
    div_limits lim = {c->div_start_min, c->div_end_min};
    for (size_t i = 0; division_id && i < ndivs; i++)
        if (divs[i].id == division_id) {
            if (divs[i].div_start_min)
                lim.start_min = divs[i].div_start_min;
            if (divs[i].div_end_min)
                lim.end_min = divs[i].div_end_min;
        }
    if (!div_limits_valid(&lim))
        lim = (div_limits)DIV_LIMITS_DEFAULT;
    return lim;
}

int div_size(const div_day *d)
{
    /* a day on one side only: as large as that side's span */
    if (d->kind == DIV_PC_ONLY || d->kind == DIV_RECORD_ONLY) {
        int64_t a0 = d->kind == DIV_PC_ONLY ? d->pc_start : d->rec_start;
        int64_t a1 = d->kind == DIV_PC_ONLY ? d->pc_end : d->rec_end;
        return a0 && a1 > a0 ? (int)((a1 - a0) / 60) : 0;
    }
    int a = d->has_start_diff ? abs(d->start_diff_min) : 0;
    int b = d->has_end_diff ? abs(d->end_diff_min) : 0;
    return a > b ? a : b;
}

/* Both sides gathered an employee at a time. */
typedef struct grouping {
    int (*keep)(void *ctx, const lr_div_side *r);
    int (*fn)(void *ctx, const lr_div_side *who, const div_side_punch *p, size_t n);
    void *ctx;
    lr_div_side who; /* the employee gathered (employee_id 0: none yet) */
    div_side_punch *p;
    size_t n, cap;
    int stop;
    lr_status st;
    lr_error *err;
} grouping;

static void group_flush(grouping *g)
{
    if (g->who.employee_id && !g->stop && g->st == LR_OK && g->fn(g->ctx, &g->who, g->p, g->n))
        g->stop = 1;
    g->n = 0;
    g->who.employee_id = 0;
}

static int group_take(void *ctx, const lr_div_side *r)
{
    grouping *g = ctx;
    int64_t day;
    if (g->keep && !g->keep(g->ctx, r))
        return 0;
    if (r->employee_id != g->who.employee_id) {
        group_flush(g);
        g->who = *r;
    }
    if (g->stop || g->st != LR_OK)
        return 1;
    if (tf_parse_date(r->work_day, &day, NULL) != LR_OK)
        return 0; /* the store only holds YYYY-MM-DD */
    if (!vec_room((void **)&g->p, &g->cap, g->n, sizeof *g->p)) {
        g->st = lr_fail(g->err, LR_ENOMEM, "out of memory reading both sides");
        return 1;
    }
    g->p[g->n++] = (div_side_punch){r->side, day, r->kind, r->utc};
    return 0;
}

lr_status div_by_employee(lr_store *s, const lr_company *c, const char *from, const char *to,
                          int breaks, int (*keep)(void *ctx, const lr_div_side *r),
                          int (*fn)(void *ctx, const lr_div_side *who, const div_side_punch *p,
                                    size_t n),
                          void *ctx, lr_error *err)
{
    grouping g = {keep, fn, ctx, {0}, NULL, 0, 0, 0, LR_OK, err};
    lr_status st = store_div_sides(s, c->id, from, to, breaks, group_take, &g, err);
    if (st == LR_OK)
        group_flush(&g);
    if (st == LR_OK)
        st = g.st;
    free(g.p);
    return st;
}

/* A report in progress: the kept days (by code, day), each employee's two
 * sides, and where rows go. */
typedef struct run {
    const lr_company *c;
    const div_query *q;
    lr_division *divs;
    size_t ndivs;
    int64_t division_id; /* the filter's; -1: every division */
    lr_divergence *kept;
    size_t nkept, capkept;
    div_record *pc, *rec;
    size_t cappc, caprec;
    div_row_cb cb;
    void *ctx;
    lr_status st;
    lr_error *err;
} run;

static int keep_kept(void *ctx, const lr_divergence *d)
{
    run *k = ctx;
    if (!vec_room((void **)&k->kept, &k->capkept, k->nkept, sizeof *k->kept)) {
        k->st = lr_fail(k->err, LR_ENOMEM, "out of memory reading divergent days");
        return 1;
    }
    k->kept[k->nkept++] = *d;
    return 0;
}

static int cmp_kept(const void *a, const void *b)
{
    const lr_divergence *x = a, *y = b;
    int r = strcmp(x->employee_code, y->employee_code);
    return r ? r : strcmp(x->work_day, y->work_day);
}

static const lr_divergence *find_kept(const run *k, const char *code, const char *day)
{
    lr_divergence probe;
    snprintf(probe.employee_code, sizeof probe.employee_code, "%s", code);
    snprintf(probe.work_day, sizeof probe.work_day, "%s", day);
    return k->nkept ? bsearch(&probe, k->kept, k->nkept, sizeof *k->kept, cmp_kept) : NULL;
}

static int wanted(const run *k, const div_row *r)
{
    const int confirmed = strcmp(r->status, "confirmed") == 0;
    if (k->q->status == DIV_STATUS_OPEN && confirmed)
        return 0;
    if (k->q->status == DIV_STATUS_CONFIRMED && !confirmed)
        return 0;
    return !k->q->min_size || div_size(&r->d) >= k->q->min_size;
}

/* The query's employee and division only. */
static int in_query(void *ctx, const lr_div_side *r)
{
    const run *k = ctx;
    if (k->q->employee && k->q->employee[0] && strcmp(k->q->employee, r->employee_code) != 0)
        return 0;
    return k->division_id < 0 || r->division_id == k->division_id;
}

/* Judges an employee's days and hands on the divergent ones. */
static int judge_employee(void *ctx, const lr_div_side *who, const div_side_punch *p, size_t n)
{
    run *k = ctx;
    div_limits lim = div_limits_of(k->c, k->divs, k->ndivs, who->division_id);
    div_day *v = NULL;
    size_t nv = 0, npc = 0, nrec = 0;
    int stop = 0;
    if (!vec_reserve((void **)&k->pc, &k->cappc, n, sizeof *k->pc) ||
        !vec_reserve((void **)&k->rec, &k->caprec, n, sizeof *k->rec)) {
        k->st = lr_fail(k->err, LR_ENOMEM, "out of memory comparing days");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        div_record x = {p[i].day, p[i].kind, p[i].utc};
        if (p[i].side == 0)
            k->pc[npc++] = x;
        else
            k->rec[nrec++] = x;
    }
    if (div_compare_records(k->pc, npc, k->rec, nrec, &lim, &v, &nv) != LR_OK) {
        k->st = lr_fail(k->err, LR_ENOMEM, "out of memory comparing days");
        return 1;
    }
    for (size_t i = 0; i < nv && !stop; i++) {
        div_row r = {who->employee_id, who->employee_code, who->division_id, "", v[i], "open",
                     NULL};
        if (v[i].kind == DIV_NONE)
            continue;
        tf_format_date(v[i].day, r.date);
        r.kept = find_kept(k, r.employee, r.date);
        if (r.kept && strcmp(r.kept->status, "confirmed") == 0)
            r.status = "confirmed";
        if (wanted(k, &r) && k->cb(k->ctx, &r))
            stop = 1;
    }
    free(v);
    return stop;
}

lr_status div_report(lr_store *s, const lr_company *c, const div_query *q, div_row_cb cb,
                     void *ctx, lr_error *err)
{
    run k = {0};
    lr_status st;

    if ((st = ledger_check_range(q->from, q->to, err)) != LR_OK)
        return st;
    k.c = c;
    k.q = q;
    k.cb = cb;
    k.ctx = ctx;
    k.err = err;
    k.division_id = -1;
    if ((st = store_divisions_all(s, c->id, &k.divs, &k.ndivs, err)) != LR_OK)
        return st;
    if (q->division && q->division[0]) {
        for (size_t i = 0; i < k.ndivs; i++)
            if (strcmp(k.divs[i].code, q->division) == 0)
                k.division_id = k.divs[i].id;
        if (k.division_id < 0) {
            st = lr_fail(err, LR_ENOTFOUND, "unknown division '%s'", q->division);
            goto out;
        }
    }
    st = store_divergences_list(s, c->id, q->from, q->to, keep_kept, &k, err);
    if (st == LR_OK && (st = k.st) == LR_OK) {
        /* by code in bytes, whatever the database's collation */
        if (k.nkept > 1)
            qsort(k.kept, k.nkept, sizeof *k.kept, cmp_kept);
        st = div_by_employee(s, c, q->from, q->to, 0, in_query, judge_employee, &k, err);
    }
    if (st == LR_OK)
        st = k.st;
out:
    free(k.divs);
    free(k.kept);
    free(k.pc);
    free(k.rec);
    return st;
}

/* Where exported rows go. */
typedef struct render {
    const lr_company *c;
    lr_buf *out;
    div_format fmt;
    const char *eol;
    size_t n;
    lr_status st;
} render;

static void iso_or_empty(const lr_company *c, int64_t utc, char out[32])
{
    if (utc)
        tz_format_iso(c->tz, utc, out);
    else
        out[0] = '\0';
}

static int put_row(void *ctx, const div_row *r)
{
    render *k = ctx;
    char t[5][32], sd[16] = "", ed[16] = "";
    const lr_divergence *f = r->kept;
    const int confirmed = strcmp(r->status, "confirmed") == 0;
    iso_or_empty(k->c, r->d.pc_start, t[0]);
    iso_or_empty(k->c, r->d.pc_end, t[1]);
    iso_or_empty(k->c, r->d.rec_start, t[2]);
    iso_or_empty(k->c, r->d.rec_end, t[3]);
    iso_or_empty(k->c, confirmed ? f->confirmed_at : 0, t[4]);
    if (r->d.has_start_diff)
        snprintf(sd, sizeof sd, "%d", r->d.start_diff_min);
    if (r->d.has_end_diff)
        snprintf(ed, sizeof ed, "%d", r->d.end_diff_min);
    if (k->fmt == DIV_CSV) {
        const char *fields[] = {r->employee,
                                r->date,
                                t[0],
                                t[1],
                                t[2],
                                t[3],
                                sd,
                                ed,
                                div_kind_name(r->d.kind),
                                r->status,
                                confirmed ? f->reason : "",
                                confirmed ? f->note : "",
                                confirmed ? f->result : "",
                                confirmed ? f->confirmed_by : "",
                                t[4]};
        k->st = csv_write_row(k->out, fields, sizeof fields / sizeof *fields, 0, k->eol);
    } else {
        json_t *o = json_object();
        char *txt;
        const char *keys[] = {"pc_start", "pc_end", "recorded_start", "recorded_end"};
        json_object_set_new(o, "employee", json_string(r->employee));
        json_object_set_new(o, "date", json_string(r->date));
        for (int i = 0; i < 4; i++)
            json_object_set_new(o, keys[i], t[i][0] ? json_string(t[i]) : json_null());
        json_object_set_new(o, "start_diff_min",
                            r->d.has_start_diff ? json_integer(r->d.start_diff_min) : json_null());
        json_object_set_new(o, "end_diff_min",
                            r->d.has_end_diff ? json_integer(r->d.end_diff_min) : json_null());
        json_object_set_new(o, "kind", json_string(div_kind_name(r->d.kind)));
        json_object_set_new(o, "status", json_string(r->status));
        json_object_set_new(o, "reason", json_string(confirmed ? f->reason : ""));
        json_object_set_new(o, "note", json_string(confirmed ? f->note : ""));
        json_object_set_new(o, "result", json_string(confirmed ? f->result : ""));
        json_object_set_new(o, "confirmed_by", json_string(confirmed ? f->confirmed_by : ""));
        json_object_set_new(o, "confirmed_at", t[4][0] ? json_string(t[4]) : json_null());
        txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        k->st = txt ? buf_printf(k->out, "%s%s", k->n ? ",\n" : "\n", txt) : LR_ENOMEM;
        free(txt);
        json_decref(o);
    }
    k->n++;
    return k->st != LR_OK;
}

lr_status div_export(lr_store *s, const lr_company *c, const div_query *q, div_format fmt,
                     int crlf, lr_buf *out, lr_error *err)
{
    render k = {c, out, fmt, crlf ? "\r\n" : "\n", 0, LR_OK};
    lr_status st;
    if (fmt == DIV_CSV)
        k.st = buf_printf(out,
                          "employee,date,pc_start,pc_end,recorded_start,recorded_end,"
                          "start_diff_min,end_diff_min,kind,status,reason,note,result,"
                          "confirmed_by,confirmed_at%s",
                          k.eol);
    else
        k.st = buf_puts(out, "[");
    if (k.st != LR_OK)
        return lr_fail(err, k.st, "divergence report too large");
    if ((st = div_report(s, c, q, put_row, &k, err)) != LR_OK)
        return st;
    if (k.st == LR_OK && fmt == DIV_JSON)
        k.st = buf_puts(out, k.n ? "\n]\n" : "]\n");
    if (k.st != LR_OK)
        return lr_fail(err, k.st, "divergence report too large (limit %zu bytes)", out->max);
    return LR_OK;
}

void div_row_kept(const div_row *r, lr_divergence *out)
{
    memset(out, 0, sizeof *out);
    out->employee_id = r->employee_id;
    snprintf(out->employee_code, sizeof out->employee_code, "%s", r->employee);
    snprintf(out->work_day, sizeof out->work_day, "%s", r->date);
    snprintf(out->kind, sizeof out->kind, "%s", div_kind_name(r->d.kind));
    out->has_start_diff = r->d.has_start_diff;
    out->has_end_diff = r->d.has_end_diff;
    out->start_diff_min = r->d.start_diff_min;
    out->end_diff_min = r->d.end_diff_min;
}

lr_status div_export_csv(lr_store *s, const lr_company *c, const div_query *q, int enc,
                         lr_buf *out, lr_error *err)
{
    lr_buf text;
    lr_status st;
    buf_init(&text, out->max);
    st = div_export(s, c, q, DIV_CSV, 1, &text, err);
    if (st == LR_OK)
        st = enc_encode(text.data ? text.data : "", text.len, (text_encoding)enc, out, err);
    buf_free(&text);
    return st;
}

/* The day's row, kept past its call. */
typedef struct one_day {
    div_row *r;
    lr_divergence *kept;
    int found;
} one_day;

static int take_day(void *ctx, const div_row *r)
{
    one_day *o = ctx;
    *o->r = *r;
    o->r->kept = NULL;
    if (r->kept) {
        *o->kept = *r->kept;
        o->r->kept = o->kept;
    } else
        div_row_kept(r, o->kept);
    o->found = 1;
    return 1;
}

lr_status div_report_day(lr_store *s, const lr_company *c, const char *employee,
                         const char *date, div_row *r, lr_divergence *kept, int *found,
                         lr_error *err)
{
    div_query q = {date, date, DIV_STATUS_ALL, NULL, employee, 0};
    one_day o = {r, kept, 0};
    lr_status st;
    memset(r, 0, sizeof *r);
    memset(kept, 0, sizeof *kept);
    st = div_report(s, c, &q, take_day, &o, err);
    *found = st == LR_OK && o.found;
    if (*found)
        r->employee = employee;
    return st;
}
