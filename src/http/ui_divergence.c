/*
 * ui_divergence — 乖離 (issue 23): where KING OF TIME's record and the PC
 * disagree.
 *
 *   GET  /divergence            a month x employee grid, one cell a day,
 *                               coloured by how large the difference is and
 *                               whether it was confirmed (a heat map),
 *                               filtered by division, status and size; CSV
 *                               downloads of the same
 *   GET  /divergence/day        one employee's day: the PC sessions of
 *                               日別データ's timeline with the recorded punches
 *                               drawn on it, the numbers, and the reason form
 *   POST /divergence/confirm    what was found (divergence_review)
 *   GET  /divergence/download   the report's CSV, CP932 (or UTF-8), CRLF
 *
 * The page decides nothing: the days are divergence_report's, the
 * confirmation divergence_review's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/ui_internal.h"
#include "service/daily.h"
#include "service/divergence_report.h"
#include "service/divergence_overtime.h"
#include "service/divergence_review.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "words/i18n.h"

const char *const ui_divergence_params[] = {"month", "division", "status", "min", "page", NULL};
const char *const ui_divergence_day_params[] = {"employee", "date", "saved", NULL};
const char *const ui_divergence_download_params[] = {"month",    "division", "status",
                                                     "min",      "encoding", NULL};
const char *const ui_divergence_confirm_fields[] = {"csrf",   "employee", "date", "reason",
                                                    "result", "note",     NULL};

#define PAGE 100

/* A month's first and last day ("YYYY-MM"); 0 when it is not one. */
static int month_days(const char *month, int64_t *d0, int64_t *d1)
{
    int y, m;
    if (!month || strlen(month) != 7 || month[4] != '-' ||
        strspn(month, "0123456789") != 4 || strspn(month + 5, "0123456789") != 2 ||
        sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12 || y < 1970)
        return 0;
    tf_month_days(y, m, d0, d1);
    return 1;
}

/* The page's query, read and checked. */
typedef struct page_query {
    char month[8], from[11], to[11];
    int64_t d0, d1;
    const char *division, *status_name;
    div_query q;
    size_t page;
    int bad; /* a field that is not right: the page says so */
} page_query;

static void read_query(ui_req *u, const lr_company *c, page_query *p)
{
    const char *month = http_query(u->rq, "month"), *min = http_query(u->rq, "min");
    const char *pageq = http_query(u->rq, "page");
    memset(p, 0, sizeof *p);
    p->division = http_query(u->rq, "division");
    p->status_name = http_query(u->rq, "status");
    if (!p->division)
        p->division = "";
    if (!p->status_name || !p->status_name[0])
        p->status_name = "all";
    if (!month || !month[0]) {
        char today[11];
        tf_format_date(tz_local_day(c->tz, clock_now()), today);
        snprintf(p->month, sizeof p->month, "%.7s", today);
    } else
        snprintf(p->month, sizeof p->month, "%.7s", month);
    if (!month_days(p->month, &p->d0, &p->d1) || (month && strlen(month) != 7)) {
        p->bad = 1;
        month_days("2000-01", &p->d0, &p->d1);
    }
    tf_format_date(p->d0, p->from);
    tf_format_date(p->d1, p->to);
    p->q = (div_query){p->from, p->to, DIV_STATUS_ALL, p->division, NULL, 0};
    if (div_parse_status(p->status_name, &p->q.status, NULL) != LR_OK)
        p->bad = 1;
    if (div_parse_min(min, &p->q.min_size, NULL) != LR_OK)
        p->bad = 1;
    if (pageq && pageq[0]) {
        char *end;
        long v = strtol(pageq, &end, 10);
        if (*end || v < 1 || v > 100000)
            p->bad = 1;
        else
            p->page = (size_t)v - 1;
    }
}

/* /divergence with the page's filters and another month or page. */
static void grid_href(const page_query *p, const char *path, const char *month, size_t page,
                      const char *encoding, char *out, size_t outsz)
{
    form f = {0};
    char pg[24], min[16];
    form_add(&f, "month", month);
    if (p->division[0])
        form_add(&f, "division", p->division);
    form_add(&f, "status", p->status_name);
    if (p->q.min_size) {
        snprintf(min, sizeof min, "%d", p->q.min_size);
        form_add(&f, "min", min);
    }
    if (page) {
        snprintf(pg, sizeof pg, "%zu", page + 1);
        form_add(&f, "page", pg);
    }
    if (encoding)
        form_add(&f, "encoding", encoding);
    ui_href(path, &f, out, outsz);
    form_free(&f);
}

static void day_href(const char *employee, const char *date, char *out, size_t outsz)
{
    form f = {0};
    form_add(&f, "employee", employee);
    form_add(&f, "date", date);
    ui_href("/divergence/day", &f, out, outsz);
    form_free(&f);
}

/* The kind of a day in words. */
static const char *kind_words(ui_req *u, div_kind k)
{
    return ui_code_text(u, "div.kind", div_kind_name(k));
}

/* "+40分" / "-60 min", or "–" without the difference. */
static void diff_words(ui_req *u, int has, int v, char *out, size_t outsz)
{
    if (has)
        snprintf(out, outsz, "%+d%s", v, i18n_text(u->lang, "div.minutes"));
    else
        snprintf(out, outsz, "–");
}

/* A cell's colour: its kind, and for over and under how large. */
static const char *cell_class(const div_row *r)
{
    int size = div_size(&r->d);
    switch (r->d.kind) {
    case DIV_PC_ONLY: return "k-pc";
    case DIV_RECORD_ONLY: return "k-rec";
    case DIV_UNDER: return "under";
    default: return size <= 60 ? "s1" : size <= 120 ? "s2" : "s3";
    }
}

/* The grid as the report's rows come: by employee, then day. */
typedef struct grid {
    ui_req *u;
    const page_query *p;
    json_t *overtime; /* 36協定's warnings of the month */
    json_t *rows, *cells; /* cells: the current employee's, when on this page */
    int64_t employee_id;
    size_t employees, open, confirmed;
} grid;

static int take_row(void *ctx, const div_row *r)
{
    grid *g = ctx;
    char title[300], sd[32], ed[32], cls[24], href[300];
    int64_t day;
    if (strcmp(r->status, "confirmed") == 0)
        g->confirmed++;
    else
        g->open++;
    if (r->employee_id != g->employee_id) {
        g->employee_id = r->employee_id;
        g->cells = NULL;
        if (g->employees++ / PAGE == g->p->page) {
            lr_employee e;
            int n = (int)(g->p->d1 - g->p->d0 + 1);
            if (store_employee_by_id(g->u->s, r->employee_id, &e, NULL) != LR_OK)
                memset(&e, 0, sizeof e);
            g->cells = json_array();
            for (int i = 0; i < n; i++)
                json_array_append_new(g->cells, json_pack("{s:s, s:s, s:s}", "cls", "",
                                                          "title", "", "href", ""));
            json_array_append_new(g->rows, json_pack("{s:s, s:s, s:s, s:O}", "code", r->employee,
                                                     "name", e.last_name, "first", e.first_name,
                                                     "cells", g->cells));
            json_decref(g->cells); /* the row holds it */
        }
    }
    if (!g->cells || tf_parse_date(r->date, &day, NULL) != LR_OK || day < g->p->d0 ||
        day > g->p->d1)
        return 0;
    diff_words(g->u, r->d.has_start_diff, r->d.start_diff_min, sd, sizeof sd);
    diff_words(g->u, r->d.has_end_diff, r->d.end_diff_min, ed, sizeof ed);
    snprintf(title, sizeof title, "%s %s: %s (%s %s, %s %s) %s", r->employee, r->date,
             kind_words(g->u, r->d.kind), i18n_text(g->u->lang, "div.start_diff"), sd,
             i18n_text(g->u->lang, "div.end_diff"), ed,
             ui_code_text(g->u, "div.status", r->status));
    snprintf(cls, sizeof cls, "%s%s", cell_class(r),
             strcmp(r->status, "confirmed") == 0 ? " ok" : "");
    day_href(r->employee, r->date, href, sizeof href);
    json_array_set_new(g->cells, (size_t)(day - g->p->d0),
                       json_pack("{s:s, s:s, s:s}", "cls", cls, "title", title, "href", href));
    return 0;
}

/* 36協定: the month's warnings as the nightly job kept them. */
typedef struct ot_rows {
    ui_req *u;
    json_t *a;
    int64_t computed_at;
} ot_rows;

static int take_warning(void *ctx, const lr_ot_warning *w)
{
    ot_rows *k = ctx;
    char pc[16], proj[16], rec[16], avg[16], why[300] = "";
    snprintf(pc, sizeof pc, "%.1f", w->pc_over_min / 60.0);
    snprintf(proj, sizeof proj, "%.1f", w->projected_min / 60.0);
    snprintf(rec, sizeof rec, "%.1f", w->rec_over_min / 60.0);
    snprintf(avg, sizeof avg, "%.1f", w->avg_min / 60.0);
    if (w->warning & OT_MONTH)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%s ",
                 i18n_text(k->u->lang, "div.ot.month"));
    if (w->warning & OT_PROJECTED)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%s ",
                 i18n_text(k->u->lang, "div.ot.projected"));
    if (w->warning & OT_AVERAGE)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%s",
                 i18n_text(k->u->lang, "div.ot.average"));
    json_array_append_new(k->a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code",
                                          w->employee_code, "name", w->last_name, "first",
                                          w->first_name, "pc", pc, "projected", proj, "rec", rec,
                                          "avg", avg, "why", why));
    k->computed_at = w->computed_at;
    return 0;
}

static json_t *division_options(ui_req *u, const lr_company *c, const char *selected)
{
    lr_division *divs = NULL;
    size_t n = 0;
    json_t *a = json_array();
    json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", "", "label",
                                       i18n_text(u->lang, "daily.all_divisions"), "selected",
                                       selected[0] == 0));
    if (store_divisions_all(u->s, c->id, &divs, &n, NULL) == LR_OK)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", divs[i].code, "label",
                                               divs[i].name, "selected",
                                               strcmp(divs[i].code, selected) == 0));
    free(divs);
    return a;
}

void ui_divergence_view(ui_req *u)
{
    static const char *const statuses[] = {"all", "open", "confirmed", NULL};
    static const char *const status_keys[] = {"div.status.all", "div.status.open",
                                              "div.status.confirmed", NULL};
    lr_company c;
    lr_error err;
    page_query p;
    grid g = {0};
    json_t *d, *days;
    char prev[400], next[400], fetched[20] = "", csv[400], csv8[400], month[8], day[11];

    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK) {
        ui_error_page(u, 500, "error.title");
        return;
    }
    read_query(u, &c, &p);
    g.u = u;
    g.p = &p;
    g.rows = json_array();
    if (!p.bad && div_report(u->s, &c, &p.q, take_row, &g, &err) != LR_OK) {
        if (err.code != LR_ENOTFOUND) { /* an unknown division lists nothing */
            log_error("divergence page: %s", err.message);
            json_decref(g.rows);
            ui_error_page(u, 500, "error.title");
            return;
        }
        p.bad = 1;
    }
    days = json_array();
    for (int64_t i = p.d0; i <= p.d1; i++) {
        char ds[11];
        int64_t wd = ((i % 7) + 11) % 7; /* 1970-01-01 was a Thursday: 0 is Sunday */
        tf_format_date(i, ds);
        int dom = (int)strtol(ds + 8, NULL, 10);
        char cls[16];
        /* on a phone only every fifth day is numbered */
        snprintf(cls, sizeof cls, "%s%s", wd == 0 ? "sun" : wd == 6 ? "sat" : "",
                 dom == 1 || dom % 5 == 0 ? " tick" : "");
        json_array_append_new(days, json_pack("{s:s, s:s}", "d", ds + 8, "cls", cls));
    }
    /* the months either side: the day before the first, the day after the last */
    tf_format_date(p.d0 - 1, day);
    snprintf(month, sizeof month, "%.7s", day);
    grid_href(&p, "/divergence", month, 0, NULL, prev, sizeof prev);
    tf_format_date(p.d1 + 1, day);
    snprintf(month, sizeof month, "%.7s", day);
    grid_href(&p, "/divergence", month, 0, NULL, next, sizeof next);
    grid_href(&p, "/divergence/download", p.month, 0, "cp932", csv, sizeof csv);
    grid_href(&p, "/divergence/download", p.month, 0, "utf-8", csv8, sizeof csv8);
    if (c.div_fetched_at)
        ui_local_time(c.tz, c.div_fetched_at, fetched);
    {
        ot_rows k = {u, json_array(), 0};
        char when[20] = "", lim[120], mh[16], ah[16];
        const char *names[] = {"month", "avg"}, *values[] = {mh, ah};
        if (!p.bad)
            store_ot_warnings_list(u->s, c.id, p.month, take_warning, &k, NULL);
        if (k.computed_at)
            ui_local_time(c.tz, k.computed_at, when);
        snprintf(mh, sizeof mh, "%d", c.ot_month_min / 60);
        snprintf(ah, sizeof ah, "%d", c.ot_avg_min / 60);
        i18n_fill(u->lang, "div.ot.limits", lim, sizeof lim, names, values, 2);
        g.overtime = json_pack("{s:o, s:s, s:s}", "rows", k.a, "when", when, "limits", lim);
    }
    d = json_pack("{s:b, s:s, s:o, s:o, s:s, s:I, s:o, s:o, s:I, s:I, s:I, s:s, s:s, s:s, s:s, "
                  "s:b, s:s, s:b, s:b, s:s}",
                  "nav_divergence", 1, "month", p.month, "divisions",
                  division_options(u, &c, p.division), "statuses",
                  ui_options(u, statuses, status_keys, p.status_name), "division", p.division,
                  "min", (json_int_t)p.q.min_size, "days", days, "rows", g.rows, "open",
                  (json_int_t)g.open, "confirmed", (json_int_t)g.confirmed, "employees",
                  (json_int_t)g.employees, "prev", prev, "next", next, "csv", csv, "csv_utf8",
                  csv8, "bad", p.bad, "fetched", fetched, "never_fetched", c.div_fetched_at == 0,
                  "record_mode", strcmp(c.kot_mode, "record") == 0, "ndays",
                  p.d1 - p.d0 + 1 == 31   ? "d31"
                  : p.d1 - p.d0 + 1 == 30 ? "d30"
                  : p.d1 - p.d0 + 1 == 29 ? "d29"
                                           : "d28");
    json_object_set_new(d, "overtime", g.overtime);
    if (g.employees > PAGE) {
        char href[400], range[64];
        size_t first = p.page * PAGE + 1, shown = json_array_size(g.rows);
        snprintf(range, sizeof range, "%zu–%zu / %zu", shown ? first : 0,
                 shown ? first + shown - 1 : 0, g.employees);
        json_object_set_new(d, "range", json_string(range));
        if (p.page) {
            grid_href(&p, "/divergence", p.month, p.page - 1, NULL, href, sizeof href);
            json_object_set_new(d, "page_prev", json_string(href));
        }
        if ((p.page + 1) * PAGE < g.employees) {
            grid_href(&p, "/divergence", p.month, p.page + 1, NULL, href, sizeof href);
            json_object_set_new(d, "page_next", json_string(href));
        }
    }
    ui_render(u, p.bad ? 400 : 200, "divergence", "page.divergence", d);
}

void ui_divergence_download(ui_req *u)
{
    const char *encoding = http_query(u->rq, "encoding");
    int enc = ENC_CP932;
    lr_company c;
    lr_error err;
    page_query p;
    lr_status st;

    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK) {
        ui_error_page(u, 500, "error.title");
        return;
    }
    read_query(u, &c, &p);
    if (p.bad || (encoding && (enc = enc_parse(encoding)) < 0)) {
        ui_error_page(u, 400, "div.bad_query");
        return;
    }
    buf_reset(&u->rs->body);
    st = div_export_csv(u->s, &c, &p.q, enc, &u->rs->body, &err);
    if (st != LR_OK) {
        log_error("divergence download: %s", err.message);
        ui_error_page(u, st == LR_ENOTFOUND ? 404 : 500, "error.title");
        return;
    }
    u->rs->status = 200;
    u->rs->content_type =
        enc == ENC_CP932 ? "text/csv; charset=Windows-31J" : "text/csv; charset=utf-8";
    snprintf(u->rs->disposition, sizeof u->rs->disposition,
             "attachment; filename=\"divergence-%s-%s.csv\"", c.code, p.month);
}

/* ---- one day ---- */

typedef struct records {
    ui_req *u;
    const daily_board *b;
    const daily_person *p;
    json_t *list, *marks;
} records;

static int take_record(void *ctx, const lr_kot_record *r)
{
    records *k = ctx;
    char t[48], title[200];
    double x;
    ui_daily_when(k->u, k->b, k->p, r->utc, t, sizeof t);
    json_array_append_new(k->list, json_pack("{s:s, s:s, s:s}", "kind", ui_punch_kind(k->u, r->kind),
                                             "time", t, "how",
                                             r->credential_name[0] ? r->credential_name
                                             : r->credential_code[0] ? r->credential_code
                                                                      : "–"));
    snprintf(title, sizeof title, "%s %s %s", i18n_text(k->u->lang, "div.recorded"),
             ui_punch_kind(k->u, r->kind), t);
    x = ui_daily_x(k->p, r->utc);
    json_array_append_new(k->marks, json_pack("{s:f, s:s, s:s}", "x", x > 1434 ? 1434.0 : x,
                                              "class", "rec", "title", title));
    return 0;
}

/* The day page: the numbers, the timeline and the form. error_words: the
 * form's refusal, shown beside it. */
/* 日別データ's facts of the one person of b: the sessions (returned), our
 * punches and KING OF TIME's recorded punches. */
static json_t *draw_person(ui_req *u, daily_board *b, const char *date, json_t *marks,
                           json_t *pcp, json_t *recs)
{
    const daily_person *p = &b->people[0];
    json_t *bars = ui_daily_sessions(u, b, p, clock_now());
    records k = {u, b, p, recs, marks};
    for (size_t j = 0; j < p->npunches; j++) {
        char w[48], title[200];
        double x = ui_daily_x(p, p->punches[j].utc);
        if (p->punches[j].kind != PUNCH_CLOCK_IN && p->punches[j].kind != PUNCH_CLOCK_OUT)
            continue;
        ui_daily_when(u, b, p, p->punches[j].utc, w, sizeof w);
        snprintf(title, sizeof title, "PC %s %s", ui_punch_kind(u, p->punches[j].kind), w);
        json_array_append_new(marks, json_pack("{s:f, s:s, s:s}", "x", x > 1434 ? 1434.0 : x,
                                               "class", "work", "title", title));
        json_array_append_new(pcp, json_pack("{s:s, s:s}", "kind",
                                             ui_punch_kind(u, p->punches[j].kind), "time", w));
    }
    store_kot_records_of_day(u->s, p->e.id, date, take_record, &k, NULL);
    return bars;
}

static void day_page(ui_req *u, int status, const char *employee, const char *date,
                     const char *error_words, const form *given)
{
    lr_company c;
    lr_employee e;
    lr_error err;
    daily_board b;
    div_row row;
    lr_divergence kept;
    div_row *rp = &row;
    int64_t day;
    int found = 0;
    char t[4][48], sd[32], ed[32], when[20] = "", back[400];
    lr_div_reason reasons[DIV_REASONS_MAX];
    size_t nreasons = 0;
    json_t *d, *opts, *bars = NULL, *marks = json_array(), *recs = json_array(), *pcp = json_array();

    memset(&b, 0, sizeof b);
    memset(&row, 0, sizeof row);
    memset(&kept, 0, sizeof kept);
    if (!employee || !date || tf_parse_date(date, &day, NULL) != LR_OK) {
        json_decref(marks);
        json_decref(recs);
        json_decref(pcp);
        ui_error_page(u, 400, "div.bad_query");
        return;
    }
    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK ||
        store_employee_get(u->s, c.id, employee, &e, &err) != LR_OK) {
        json_decref(marks);
        json_decref(recs);
        json_decref(pcp);
        ui_error_page(u, 404, "div.no_employee");
        return;
    }
    if (div_report_day(u->s, &c, employee, date, &row, &kept, &found, &err) != LR_OK)
        found = 0;
    /* 日別データ's facts of that day: the sessions and our punches */
    if (daily_board_load_employee(u->s, &c, day, e.id, &b, &err) == LR_OK && b.n == 1)
        bars = draw_person(u, &b, date, marks, pcp, recs);
    for (int i = 0; i < 4; i++)
        t[i][0] = '\0';
    if (found) {
        int64_t v[4] = {rp->d.pc_start, rp->d.pc_end, rp->d.rec_start, rp->d.rec_end};
        for (int i = 0; i < 4; i++)
            if (v[i]) {
                char m[17];
                ui_local_minute(c.tz, v[i], m); /* "2026/11/02 09:00" */
                /* the day is in the title: its own times as 09:00, others as 11/03 07:00 */
                snprintf(t[i], sizeof t[i], "%s",
                         strncmp(m, date, 4) == 0 && strncmp(m + 5, date + 5, 2) == 0 &&
                                 strncmp(m + 8, date + 8, 2) == 0
                             ? m + 11
                             : m + 5);
            }
    }
    diff_words(u, found && rp->d.has_start_diff, rp->d.start_diff_min, sd, sizeof sd);
    diff_words(u, found && rp->d.has_end_diff, rp->d.end_diff_min, ed, sizeof ed);
    div_reasons(u->s, &c, reasons, DIV_REASONS_MAX, &nreasons, NULL);
    opts = json_array();
    {
        const char *chosen = given ? form_get(given, "reason") : rp->kept ? rp->kept->reason : "";
        for (size_t i = 0; i < nreasons; i++)
            json_array_append_new(
                opts, json_pack("{s:s, s:s, s:b}", "value", reasons[i].code, "label",
                                u->lang == LANG_JA ? reasons[i].label_ja : reasons[i].label_en,
                                "selected", chosen && strcmp(chosen, reasons[i].code) == 0));
    }
    if (found && rp->kept && rp->kept->confirmed_at)
        ui_local_time(c.tz, rp->kept->confirmed_at, when);
    {
        form f = {0};
        char m[8];
        snprintf(m, sizeof m, "%.7s", date);
        form_add(&f, "month", m);
        ui_href("/divergence", &f, back, sizeof back);
        form_free(&f);
    }
    {
        const char *result = given ? form_get(given, "result") : rp->kept ? rp->kept->result : "";
        const char *note = given ? form_get(given, "note") : rp->kept ? rp->kept->note : "";
        char start[6] = "00:00";
        if (b.n) {
            for (size_t i = 0; i < b.n; i++)
                if (b.people[i].e.id == e.id) {
                    char lt[20];
                    ui_local_time(c.tz, b.people[i].from, lt);
                    memcpy(start, lt + 11, 5);
                }
        }
        d = json_pack("{s:b, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
                      "s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:s, s:s, s:s, s:s, s:s}",
                      "nav_divergence", 1, "employee", e.code, "name", e.last_name, "first",
                      e.first_name, "date", date, "found", found, "kind",
                      found ? kind_words(u, rp->d.kind) : "", "status",
                      found ? ui_code_text(u, "div.status", rp->status) : "", "pc_start", t[0],
                      "pc_end", t[1], "rec_start", t[2], "rec_end", t[3], "start_diff", sd,
                      "end_diff", ed, "bars", bars ? bars : json_array(), "marks", marks,
                      "records", recs, "pc_punches", pcp, "reasons", opts, "corrected",
                      result && strcmp(result, "corrected") == 0, "no_correction",
                      result && strcmp(result, "no_correction") == 0, "note", note ? note : "",
                      "confirmed_by", found && rp->kept ? rp->kept->confirmed_by : "",
                      "confirmed_at", when, "back", back, "start", start);
    }
    if (error_words)
        json_object_set_new(d, "error", json_string(error_words));
    if (http_query(u->rq, "saved"))
        json_object_set_new(d, "saved", json_true());
    daily_board_free(&b);
    ui_render(u, status, "divergence_day", "page.divergence_day", d);
}

void ui_divergence_day(ui_req *u)
{
    day_page(u, 200, http_query(u->rq, "employee"), http_query(u->rq, "date"), NULL, NULL);
}

void ui_divergence_confirm(ui_req *u)
{
    const char *employee = form_get(&u->f, "employee"), *date = form_get(&u->f, "date");
    div_finding f = {employee, date, form_get(&u->f, "reason"), form_get(&u->f, "result"),
                     form_get(&u->f, "note")};
    lr_error err;
    lr_status st;
    char href[400];
    if (!employee || !date) {
        ui_error_page(u, 400, "div.bad_query");
        return;
    }
    st = div_confirm(u->s, u->se.company_code, &f, u->se.login, &err);
    if (st == LR_OK) {
        form q = {0};
        form_add(&q, "employee", employee);
        form_add(&q, "date", date);
        form_add(&q, "saved", "1");
        ui_href("/divergence/day", &q, href, sizeof href);
        form_free(&q);
        ui_redirect(u, href);
        return;
    }
    day_page(u, st == LR_ENOTFOUND ? 404 : st == LR_EINVAL ? 422 : 500, employee, date,
             i18n_text(u->lang, !f.result || !f.result[0] ? "div.need_result"
                                : !f.reason || !f.reason[0] ? "div.need_reason"
                                : st == LR_ENOTFOUND        ? "div.not_divergent"
                                                            : "div.refused"),
             &u->f);
}
