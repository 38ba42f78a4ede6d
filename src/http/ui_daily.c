/*
 * ui_daily — 日別データ (daily view): for one work day and division, each
 * employee's 出勤 / 退勤 (and breaks) with method "PC" and where each
 * punch's delivery to KING OF TIME stands, beside a timeline of the day's
 * PC sessions (logon → logoff per PC), so an administrator sees at a
 * glance which session a punch came from.
 *
 * An employee's day runs from their division's 日付変更時間 for 24 hours;
 * the timeline spans exactly that. Sessions are paired from the events
 * around it too (up to the longest shift either side), so a session that
 * crosses the day change is PC use drawn to the edge and marked as
 * continuing, and a punch outside the window is listed at its real time
 * with its mark at the edge. Employees with neither events nor
 * punches that day are counted, not listed; the others come PAGE to a
 * page, by code (a day of 10,000 employees drawn at once was 11 MB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/day.h"
#include "words/i18n.h"
#include "http/ui_internal.h"
#include "service/daily.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

const char *const ui_daily_params[] = {"day", "division", "page", NULL};

#define DAY_MIN 1440
#define PAGE 100
#define OPEN_MAX 16 /* PCs one employee is logged on to at once */

/* The service's facts, and what the page counts as it lists them. */
typedef struct board {
    daily_board d;
    ui_req *u;
    size_t nodata; /* employees of the division without events or punches */
    size_t listed; /* employees with records (on every page) */
} board;

/* Minutes from the start of p's day, clamped to the bar. */
double ui_daily_x(const daily_person *p, int64_t utc)
{
    double m = (double)(utc - p->from) / 60.0 * DAY_MIN / ((double)(p->to - p->from) / 60.0);
    return m < 0 ? 0 : m > DAY_MIN ? DAY_MIN : m;
}

static void hhmm(const lr_company *c, int64_t utc, char out[6])
{
    char t[20];
    ui_local_time(c->tz, utc, t);
    memcpy(out, t + 11, 5);
    out[5] = '\0';
}

/* "06:00", or "06:00（翌日）" / "22:00（前日）" outside p's work day. */
void ui_daily_when(ui_req *u, const daily_board *d, const daily_person *p, int64_t utc, char *out,
                   size_t outsz)
{
    char t[6];
    hhmm(d->c, utc, t);
    snprintf(out, outsz, "%s%s", t,
             utc > p->to      ? i18n_text(u->lang, "daily.next_day")
             : utc < p->from ? i18n_text(u->lang, "daily.prev_day")
                             : "");
}

/* A session from..to on PC pc, drawn inside p's work day. no_on / no_off:
 * its logon / logoff is missing (drawn "open"); a session cut by the
 * day's edge is PC use all the same ("continues"). NULL when it is wholly
 * outside the day. */
static json_t *bar(ui_req *u, const daily_board *d, const daily_person *p, int64_t from,
                   int64_t to, int no_on, int no_off, uint32_t pc)
{
    char a[48], z[48], title[400];
    const char *stream = d->streams.data + pc;
    const char *tab = strchr(stream, '\t');
    int64_t f = from < p->from ? p->from : from, t = to > p->to ? p->to : to;
    double x, w;
    if (t < f || (t == f && from != to) || from >= p->to || to < p->from)
        return NULL;
    x = ui_daily_x(p, f);
    w = ui_daily_x(p, t) - x;
    ui_daily_when(u, d, p, from, a, sizeof a);
    ui_daily_when(u, d, p, to, z, sizeof z);
    snprintf(title, sizeof title, "%s%s–%s%s %s (%.*s)", no_on ? "… " : "", a, z,
             no_off ? " …" : "", tab ? tab + 1 : "", tab ? (int)(tab - stream) : 0, stream);
    return json_pack("{s:f, s:f, s:s, s:s}", "x", x, "w", w < 1 ? 1 : w, "title", title, "class",
                     no_on || no_off ? " open" : (from < p->from || to > p->to) ? " continues" : "");
}

static void add_bar(json_t *a, json_t *bar_or_null)
{
    if (bar_or_null)
        json_array_append_new(a, bar_or_null);
}

typedef struct open_pc {
    uint32_t stream;
    int64_t at;
} open_pc;

/* The day's sessions: per PC (account and host), a logon opens one and
 * the next logoff (within the longest shift) closes it; a logoff without a
 * logon starts at the day's start, a logon without logoff runs to the next
 * logon on that PC or the day's end (or now). */
json_t *ui_daily_sessions(ui_req *u, const daily_board *d, const daily_person *p, int64_t now)
{
    open_pc open[OPEN_MAX];
    size_t nopen = 0;
    json_t *a = json_array();
    int64_t end = now < p->to ? now : p->to;
    for (size_t i = 0; i < p->nevs; i++) {
        const daily_event *v = &p->evs[i];
        size_t k = 0;
        while (k < nopen && open[k].stream != v->stream)
            k++;
        if (k < nopen && (v->op == 'i' || v->utc - open[k].at > d->c->max_shift_sec)) {
            /* no logoff came: that session ends where this event is */
            if (open[k].at >= p->from)
                add_bar(a, bar(u, d, p, open[k].at, v->utc < end ? v->utc : end, 0, 1, v->stream));
            open[k] = open[--nopen];
            k = nopen;
        }
        if (v->op == 'i') {
            if (nopen < OPEN_MAX)
                open[nopen++] = (open_pc){v->stream, v->utc};
        } else if (k < nopen) {
            add_bar(a, bar(u, d, p, open[k].at, v->utc, 0, 0, v->stream));
            open[k] = open[--nopen];
        } else if (v->utc >= p->from && v->utc < p->to) {
            add_bar(a, bar(u, d, p, p->from, v->utc, 1, 0, v->stream));
        }
    }
    for (size_t k = 0; k < nopen; k++)
        if (open[k].at >= p->from)
            add_bar(a, bar(u, d, p, open[k].at, end > open[k].at ? end : open[k].at, 0, 1,
                           open[k].stream));
    return a;
}

/* Where a punch's delivery stands, in words and a tag class. */
static json_t *delivery(ui_req *u, const lr_company *c, const char *state, const char *reason)
{
    const char *key, *cls;
    const char *why = ui_reason(u, reason);
    if (!state[0]) {
        key = "daily.not_queued", cls = "muted";
    } else if (strcmp(state, "done") == 0) {
        int skipped = strcmp(reason, "breaks_off") == 0 || strcmp(reason, "superseded") == 0 ||
                      strcmp(reason, "record_mode") == 0;
        key = skipped ? "daily.skipped" : "daily.sent", cls = skipped ? "muted" : "good";
        if (!skipped)
            why = NULL; /* 送信済み says it all */
    } else if (strcmp(state, "failed") == 0) {
        key = "daily.failed", cls = "bad";
    } else if (!c->punch_delivery) {
        key = "daily.delivery_off", cls = "muted", why = NULL;
    } else {
        key = "daily.waiting", cls = "warn";
    }
    return json_pack("{s:s, s:s, s:s}", "label", i18n_text(u->lang, key), "class", cls, "why",
                     why ? why : "");
}

static json_t *punches(ui_req *u, const board *b, const daily_person *p, json_t **marks)
{
    json_t *a = json_array();
    *marks = json_array();
    for (size_t i = 0; i < p->npunches; i++) {
        const daily_punch *r = &p->punches[i];
        char t[48], title[120];
        int outside = r->utc < p->from || r->utc >= p->to;
        double x = ui_daily_x(p, r->utc);
        json_t *o;
        ui_daily_when(u, &b->d, p, r->utc, t, sizeof t);
        o = json_pack("{s:s, s:s, s:s, s:o}", "kind", ui_punch_kind(u, r->kind), "time", t,
                      "method", r->method, "delivery", delivery(u, b->d.c, r->state, r->reason));
        if (r->ev_id) { /* the event behind it: which logon or logoff made it */
            char et[48];
            ui_daily_when(u, &b->d, p, r->ev_utc, et, sizeof et);
            json_object_set_new(
                o, "from",
                json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->ev_id, "op",
                          i18n_text(u->lang, strcmp(r->ev_op, "logon") == 0    ? "logs.op_logon"
                                             : strcmp(r->ev_op, "logoff") == 0 ? "logs.op_logoff"
                                                                               : "logs.op_other"),
                          "time", et, "host", r->ev_host, "source", ui_source_name(u, r->ev_source), "account",
                          r->ev_account));
        }
        json_array_append_new(a, o);
        snprintf(title, sizeof title, "%s %s", ui_punch_kind(u, r->kind), t);
        /* a punch past the day's edge (a night's clock-out): its mark stays
         * inside the bar, at that edge, and says where the punch is */
        json_array_append_new(*marks, json_pack("{s:f, s:s, s:s}", "x",
                                                x > DAY_MIN - 6 ? DAY_MIN - 6 : x, "class",
                                                r->kind == PUNCH_CLOCK_IN || r->kind == PUNCH_CLOCK_OUT
                                                    ? (outside ? "work beyond" : "work")
                                                    : (outside ? "rest beyond" : "rest"),
                                                "title", title));
    }
    return a;
}

static json_t *rows(ui_req *u, board *b, size_t page)
{
    json_t *a = json_array();
    int64_t now = clock_now();
    /* by code, as the employee list is */
    for (size_t i = 0; i < b->d.n; i++) {
        daily_person *p = &b->d.people[i];
        json_t *marks, *ps;
        char start[6];
        if (!p->inday && !p->npunches) {
            b->nodata++;
            continue;
        }
        if (b->listed++ / PAGE != page)
            continue;
        hhmm(b->d.c, p->from, start);
        ps = punches(u, b, p, &marks);
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "code", p->e.code, "name",
                         p->e.last_name, "first", p->e.first_name, "start", start, "punches", ps,
                         "bars", ui_daily_sessions(u, &b->d, p, now), "marks", marks, "shifted",
                         p->e.day_change_min != 0));
    }
    return a;
}

/* Another day or page, same division. */
static void day_href(int64_t day, const char *division, size_t page, char *out, size_t outsz)
{
    char d[11], p[24];
    form f = {0};
    tf_format_date(day, d);
    snprintf(p, sizeof p, "%zu", page + 1);
    form_add(&f, "day", d);
    form_add(&f, "division", division);
    if (page)
        form_add(&f, "page", p);
    ui_href("/daily", &f, out, outsz);
    form_free(&f);
}

void ui_daily_view(ui_req *u)
{
    lr_company c;
    lr_error err;
    board b;
    const char *dayq = http_query(u->rq, "day"), *division = http_query(u->rq, "division");
    const char *pageq = http_query(u->rq, "page");
    size_t page = 0;
    char day[11], prev[400], next[400];
    int64_t when_day = 0;
    int bad_day = 0;
    lr_status st;
    json_t *d, *divs, *list;

    memset(&b, 0, sizeof b);
    b.u = u;
    if (!division)
        division = "";
    if ((st = store_company_get(u->s, u->se.company_code, &c, &err)) != LR_OK)
        goto fail;
    if (pageq && pageq[0]) {
        char *end;
        long v = strtol(pageq, &end, 10);
        bad_day |= *end || v < 1 || v > 100000;
        page = bad_day ? 0 : (size_t)v - 1;
    }
    if (dayq && dayq[0]) {
        bad_day |= tf_parse_date(dayq, &when_day, NULL) != LR_OK;
    } else {
        int64_t t = clock_now();
        when_day = day_of_local(t + tz_offset_at(c.tz, t), 0);
    }
    if ((st = daily_board_load(u->s, &c, when_day, division, !bad_day, &b.d, &err)) != LR_OK)
        goto fail;
    tf_format_date(b.d.day, day);
    divs = json_array();
    json_array_append_new(divs, json_pack("{s:s, s:s, s:b}", "value", "", "label",
                                          i18n_text(u->lang, "daily.all_divisions"), "selected",
                                          division[0] == 0));
    for (size_t i = 0; i < b.d.ndivs; i++)
        json_array_append_new(divs, json_pack("{s:s, s:s, s:b}", "value", b.d.divs[i].code, "label",
                                              b.d.divs[i].name, "selected",
                                              strcmp(b.d.divs[i].code, division) == 0));
    list = bad_day ? json_array() : rows(u, &b, page);
    day_href(b.d.day - 1, division, 0, prev, sizeof prev);
    day_href(b.d.day + 1, division, 0, next, sizeof next);
    d = json_pack("{s:b, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:b, s:b}", "nav_daily", 1, "day",
                  bad_day ? (dayq ? dayq : "") : day, "prev", prev, "next", next, "division",
                  division, "divisions", divs, "rows", list, "listed", (json_int_t)b.listed,
                  "nodata", (json_int_t)b.nodata, "bad_day", bad_day, "delivery",
                  c.punch_delivery);
    if (!bad_day && b.listed > PAGE) {
        char href[400], range[64];
        size_t first = page * PAGE + 1, shown = json_array_size(list);
        if (shown)
            snprintf(range, sizeof range, "%zu–%zu / %zu", first, first + shown - 1, b.listed);
        else
            snprintf(range, sizeof range, "0 / %zu", b.listed);
        json_object_set_new(d, "range", json_string(range));
        if (page) {
            day_href(b.d.day, division, page - 1, href, sizeof href);
            json_object_set_new(d, "page_prev", json_string(href));
        }
        if ((page + 1) * PAGE < b.listed) {
            day_href(b.d.day, division, page + 1, href, sizeof href);
            json_object_set_new(d, "page_next", json_string(href));
        }
    }
    daily_board_free(&b.d);
    ui_render(u, bad_day ? 400 : 200, "daily", "page.daily", d);
    return;
fail:
    log_error("daily view of %s: %s", u->se.company_code, err.message);
    daily_board_free(&b.d);
    ui_error_page(u, 500, "error.title");
}
