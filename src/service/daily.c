/*
 * daily — the facts of the 日別データ view (see daily.h).
 */
#include "service/daily.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

/* The work day b->day under day-change dc, in UTC: [from, to). */
void daily_window(daily_board *b, int dc, int64_t *from, int64_t *to)
{
    int64_t wall = b->day * 86400 + (int64_t)dc * 60;
    int off;
    for (size_t i = 0; i < b->nwindows; i++)
        if (b->windows[i].dc == dc) {
            *from = b->windows[i].from;
            *to = b->windows[i].to;
            return;
        }
    tz_utc_of_wall(b->c->tz, wall, from, &off);
    tz_utc_of_wall(b->c->tz, wall + 86400, to, &off);
    if (b->nwindows < sizeof b->windows / sizeof b->windows[0]) {
        b->windows[b->nwindows].dc = dc;
        b->windows[b->nwindows].from = *from;
        b->windows[b->nwindows++].to = *to;
    }
}

static int by_id(const void *a, const void *b)
{
    const daily_person *x = a, *y = b;
    return x->e.id < y->e.id ? -1 : x->e.id > y->e.id;
}

static daily_person *find(daily_board *b, int64_t id)
{
    daily_person key;
    key.e.id = id;
    return b->n ? bsearch(&key, b->people, b->n, sizeof key, by_id) : NULL;
}

static int keep_employee(void *ctx, const lr_employee *e)
{
    daily_board *b = ctx;
    const lr_division *div = NULL;
    daily_person *p;
    if (e->deleted || (b->employee_id && e->id != b->employee_id))
        return 0;
    for (size_t i = 0; i < b->ndivs; i++)
        if (b->divs[i].id == e->division_id)
            div = &b->divs[i];
    /* another division's employee: their events and punches are not kept */
    if (b->division[0] && (!div || strcmp(div->code, b->division) != 0))
        return 0;
    if (!vec_room((void **)&b->people, &b->cap, b->n, sizeof *b->people))
        return 1;
    p = &b->people[b->n++];
    memset(p, 0, sizeof *p);
    p->e = *e;
    daily_window(b, e->day_change_min, &p->from, &p->to);
    return 0;
}

/* The offset of the event's PC among p's PCs, added when new (an
 * employee uses a handful, so a look through their events is enough). */
static lr_status stream_of(daily_board *b, const daily_person *p, const lr_event *e, uint32_t *off)
{
    size_t na = strlen(e->account), nh = strlen(e->host);
    for (size_t i = 0; i < p->nevs; i++) {
        const char *s = b->streams.data + p->evs[i].stream;
        if (strncmp(s, e->account, na) == 0 && s[na] == '\t' && strcmp(s + na + 1, e->host) == 0) {
            *off = p->evs[i].stream;
            return LR_OK;
        }
    }
    *off = (uint32_t)b->streams.len;
    if (buf_append(&b->streams, e->account, na) != LR_OK ||
        buf_append(&b->streams, "\t", 1) != LR_OK || buf_append(&b->streams, e->host, nh + 1) != LR_OK)
        return LR_ENOMEM;
    return LR_OK;
}

static int keep_event(void *ctx, const lr_event_row *r)
{
    daily_board *b = ctx;
    daily_person *p = find(b, r->employee_id);
    daily_event *v;
    const lr_event *e = r->event;
    /* the sessions around the day too: one crossing its edge pairs */
    if (!p || e->utc < p->from - b->c->max_shift_sec || e->utc >= p->to + b->c->max_shift_sec)
        return 0;
    if (strcmp(e->op, "logon") != 0 && strcmp(e->op, "logoff") != 0)
        return 0;
    if (!vec_room((void **)&p->evs, &p->capevs, p->nevs, sizeof *p->evs))
        return 1;
    v = &p->evs[p->nevs];
    v->utc = e->utc;
    v->op = strcmp(e->op, "logon") == 0 ? 'i' : 'o';
    if (stream_of(b, p, e, &v->stream) != LR_OK)
        return 1;
    p->nevs++;
    p->inday += e->utc >= p->from && e->utc < p->to;
    return 0;
}

static int keep_punch(void *ctx, const lr_day_punch_row *r)
{
    daily_board *b = ctx;
    daily_person *p = find(b, r->employee_id);
    daily_punch *k;
    if (!p)
        return 0;
    if (!vec_room((void **)&p->punches, &p->cappunches, p->npunches, sizeof *p->punches))
        return 1;
    k = &p->punches[p->npunches++];
    k->kind = r->kind;
    k->utc = r->utc;
    snprintf(k->state, sizeof k->state, "%s", r->state ? r->state : "");
    snprintf(k->reason, sizeof k->reason, "%s", r->reason ? r->reason : "");
    snprintf(k->method, sizeof k->method, "%s", r->method ? r->method : "PC");
    k->ev_id = r->event.id;
    k->ev_utc = r->event.utc;
    text_copy_cut(k->ev_source, sizeof k->ev_source, r->event.source ? r->event.source : "");
    text_copy_cut(k->ev_op, sizeof k->ev_op, r->event.op ? r->event.op : "");
    text_copy_cut(k->ev_host, sizeof k->ev_host, r->event.host ? r->event.host : "");
    text_copy_cut(k->ev_account, sizeof k->ev_account, r->event.account ? r->event.account : "");
    return 0;
}

void daily_board_free(daily_board *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->people[i].evs);
        free(b->people[i].punches);
    }
    free(b->people);
    buf_free(&b->streams);
    free(b->divs);
    memset(b, 0, sizeof *b);
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const daily_person *)a)->e.code, ((const daily_person *)b)->e.code);
}

static lr_status load(lr_store *s, const lr_company *c, int64_t day, const char *division,
                      int64_t employee_id, int with_records, daily_board *b, lr_error *err)
{
    int64_t from = INT64_MAX, to = 0;
    char iso[11];
    lr_status st;

    memset(b, 0, sizeof *b);
    buf_init(&b->streams, (size_t)1 << 30);
    b->c = c;
    b->day = day;
    b->division = division;
    b->employee_id = employee_id;
    st = store_divisions_all(s, c->id, &b->divs, &b->ndivs, err);
    if (st != LR_OK || !with_records)
        return st;
    if ((st = store_employees_list(s, c->id, keep_employee, b, err)) != LR_OK)
        return st;
    if (b->n)
        qsort(b->people, b->n, sizeof *b->people, by_id);
    /* the events of every employee's work day, and of the sessions that
     * cross its edges (up to the longest shift either side) */
    for (size_t i = 0; i < b->n; i++) {
        from = b->people[i].from < from ? b->people[i].from : from;
        to = b->people[i].to > to ? b->people[i].to : to;
    }
    from -= c->max_shift_sec;
    to += c->max_shift_sec;
    tf_format_date(day, iso);
    if ((st = store_day_events(s, c->id, from, to, keep_event, b, err)) != LR_OK ||
        (st = store_day_punches(s, c->id, iso, keep_punch, b, err)) != LR_OK)
        return st;
    if (b->n)
        qsort(b->people, b->n, sizeof *b->people, by_code);
    return LR_OK;
}

lr_status daily_board_load(lr_store *s, const lr_company *c, int64_t day, const char *division,
                           int with_records, daily_board *b, lr_error *err)
{
    return load(s, c, day, division, 0, with_records, b, err);
}

lr_status daily_board_load_employee(lr_store *s, const lr_company *c, int64_t day,
                                    int64_t employee_id, daily_board *b, lr_error *err)
{
    return load(s, c, day, "", employee_id, 1, b, err);
}
