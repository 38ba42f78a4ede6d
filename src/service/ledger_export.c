/*
 * ledger_export — CSV / JSON rendering of the local ledger (see ledger_export.h).
 */
#include "service/ledger_export.h"

#include <stdlib.h>

#include "util/csv.h"
#include "util/timefmt.h"
#include "util/tz.h"

lr_status ledger_check_range(const char *from, const char *to, lr_error *err)
{
    int64_t a, b;
    lr_error e2;
    if (!from || !to)
        return lr_fail(err, LR_EINVAL, "both 'from' and 'to' dates are required (YYYY-MM-DD)");
    if (tf_parse_date(from, &a, &e2) != LR_OK)
        return lr_fail(err, LR_EINVAL, "'from' %s", e2.message);
    if (tf_parse_date(to, &b, &e2) != LR_OK)
        return lr_fail(err, LR_EINVAL, "'to' %s", e2.message);
    if (a > b)
        return lr_fail(err, LR_EINVAL, "'from' (%s) is after 'to' (%s)", from, to);
    if (b - a + 1 > LEDGER_MAX_DAYS)
        return lr_fail(err, LR_EINVAL, "at most %d days at once", LEDGER_MAX_DAYS);
    return LR_OK;
}

/* Where the rows go: the company (its time zone), the buffer, how many
 * rows so far, and how the last write went. */
typedef struct render {
    const lr_company *c;
    lr_buf *out;
    size_t n;
    lr_status st;
    int events; /* JSON: each punch's event too */
} render;

/* ,"event":{"id","source","account","host","op","time"} (time as its
 * source wrote it), or null when none is known (a punch from before loginrec
 * kept them, or its event purged). */
static lr_status json_event(render *k, const lr_ledger_row *r)
{
    static const char *const keys[5] = {",\"source\":", ",\"account\":", ",\"host\":",
                                        ",\"op\":", ",\"time\":"};
    const char *v[5] = {r->event.source, r->event.account, r->event.host, r->event.op, NULL};
    char t[32];
    lr_status st;
    if (!r->event.id)
        return buf_puts(k->out, ",\"event\":null");
    tf_format_iso(r->event.utc, r->event.offset_sec, t);
    v[4] = t;
    st = buf_printf(k->out, ",\"event\":{\"id\":%lld", (long long)r->event.id);
    for (int i = 0; i < 5 && st == LR_OK; i++)
        if ((st = buf_puts(k->out, keys[i])) == LR_OK)
            st = buf_json_string(k->out, v[i] ? v[i] : "");
    return st == LR_OK ? buf_puts(k->out, "}") : st;
}

static int csv_row(void *ctx, const lr_ledger_row *r)
{
    render *k = ctx;
    char t[32];
    const char *f[] = {r->employee_code, r->work_day, punch_kind_name(r->kind), t};
    tz_format_iso(k->c->tz, r->utc, t);
    k->st = csv_write_row(k->out, f, 4, 0, "\n");
    k->n++;
    return k->st != LR_OK;
}

/* A row as {"employee","date","kind","time","method"}, written straight
 * into the answer: a jansson object per row (packed, dumped, freed) was
 * two thirds of the read API's time (perf). */
static int json_row(void *ctx, const lr_ledger_row *r)
{
    render *k = ctx;
    const char *v[5] = {r->employee_code, r->work_day, punch_kind_name(r->kind), NULL,
                        r->method ? r->method : "PC"};
    static const char *const keys[5] = {"{\"employee\":", ",\"date\":", ",\"kind\":",
                                        ",\"time\":", ",\"method\":"};
    char t[32];
    tz_format_iso(k->c->tz, r->utc, t);
    v[3] = t;
    k->st = buf_puts(k->out, k->n ? ",\n" : "\n");
    for (int i = 0; i < 5 && k->st == LR_OK; i++)
        if ((k->st = buf_puts(k->out, keys[i])) == LR_OK)
            k->st = buf_json_string(k->out, v[i]);
    if (k->st == LR_OK && k->events)
        k->st = json_event(k, r);
    if (k->st == LR_OK)
        k->st = buf_puts(k->out, "}");
    k->n++;
    return k->st != LR_OK;
}

lr_status ledger_export(lr_store *s, const lr_company *c, const char *from, const char *to,
                        ledger_format fmt, lr_buf *out, lr_error *err)
{
    const int csv = fmt == LEDGER_CSV;
    render k = {c, out, 0, LR_OK, fmt == LEDGER_JSON_EVENTS};
    lr_status st = ledger_check_range(from, to, err);
    if (st != LR_OK)
        return st;
    k.st = buf_puts(out, csv ? "employee,date,kind,time\n" : "[");
    if (k.st != LR_OK)
        return lr_fail(err, k.st, "ledger export too large");
    st = store_ledger_list(s, c->id, from, to, k.events, csv ? csv_row : json_row, &k, err);
    if (st != LR_OK)
        return st;
    if (k.st == LR_OK && !csv)
        k.st = buf_puts(out, k.n ? "\n]\n" : "]\n");
    if (k.st != LR_OK)
        return lr_fail(err, k.st, "ledger export too large (limit %zu bytes)", out->max);
    return LR_OK;
}
