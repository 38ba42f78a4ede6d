/*
 * admin_divisions — divisions (所属): setting one, and moving its 日付変更時間
 * with a preview of the punches that would change (see admin.h).
 */
#include "service/admin.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/day.h"
#include "core/event_parse.h"
#include "service/ingest.h"
#include "util/clock.h"
#include "util/company_code.h"
#include "util/timefmt.h"
#include "util/tz.h"

lr_status admin_division_set(lr_store *s, const char *code, const char *div, const char *name,
                             const char *day_change, const char *actor, lr_error *err)
{
    lr_company c;
    lr_division d = {0};
    lr_status st;
    char detail[160];

    if ((st = admin_check_text("division code", div, 63, err)) != LR_OK ||
        (name && (st = admin_check_text("division name", name, 255, err)) != LR_OK) ||
        (st = tf_parse_hhmm(day_change, &d.day_change_min, err)) != LR_OK)
        return st;
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK && !name) {
        lr_division have;
        st = store_division_get(s, c.id, div, &have, err);
        if (st == LR_OK)
            snprintf(d.name, sizeof d.name, "%s", have.name);
        else if (st == LR_ENOTFOUND)
            lr_fail(err, st, "division '%s' does not exist; give its name (--name) to create it",
                    div);
    } else if (st == LR_OK) {
        snprintf(d.name, sizeof d.name, "%s", name);
    }
    if (st == LR_OK) {
        d.company_id = c.id;
        snprintf(d.code, sizeof d.code, "%s", div);
        st = store_division_upsert(s, &d, err);
    }
    snprintf(detail, sizeof detail, "%.63s day-change %s", div, day_change);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "division.set", detail, err);
}

typedef struct division_members {
    int64_t division_id;
    int64_t from_day, to_day;
    span_set *ss;
    size_t n;
    int oom;
} division_members;

static int add_member(void *ctx, const lr_employee *e)
{
    division_members *m = ctx;
    if (e->deleted || e->division_id != m->division_id)
        return 0;
    m->n++;
    if (span_set_add(m->ss, e->id, m->from_day, m->to_day) != LR_OK) {
        m->oom = 1;
        return 1;
    }
    return 0;
}

lr_status admin_division_day_change(lr_store *s, const char *code, const char *div,
                                    const char *day_change, const char *from, int dry_run,
                                    const char *actor, division_change *res, lr_error *err)
{
    lr_company c;
    lr_division d;
    span_set ss;
    division_members m = {0};
    int64_t from_day = 0;
    char detail[200];
    lr_status st;

    memset(res, 0, sizeof *res);
    if ((st = tf_parse_hhmm(day_change, &res->after_min, err)) != LR_OK ||
        (from && (st = tf_parse_date(from, &from_day, err)) != LR_OK))
        return st;
    span_set_init(&ss);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_company_get(s, code, &c, err)) != LR_OK ||
        (st = store_division_get(s, c.id, div, &d, err)) != LR_OK)
        goto out;
    res->before_min = d.day_change_min;
    d.day_change_min = res->after_min;
    if ((st = store_division_upsert(s, &d, err)) != LR_OK || !from)
        goto out;
    /* the employees' days from `from` to today, under the new boundary */
    m.division_id = d.id;
    m.ss = &ss;
    m.from_day = from_day;
    m.to_day = day_of_local(rederive_local(&c, clock_now()), res->after_min);
    if (m.to_day < from_day) {
        st = lr_fail(err, LR_EINVAL, "the date to re-derive from (%s) is in the future", from);
        goto out;
    }
    st = store_employees_list(s, c.id, add_member, &m, err);
    if (st == LR_OK && m.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory listing the division's employees");
    res->employees = m.n;
    if (st == LR_OK)
        st = ingest_rederive_spans(s, &c, &ss, NULL, &res->punches, err);
out:
    span_set_free(&ss);
    if (dry_run || st != LR_OK) {
        store_rollback(s);
        return st;
    }
    snprintf(detail, sizeof detail, "%.63s %02d:%02d -> %s re-derived from %s (%zu added, %zu "
             "replaced, %zu retracted)",
             div, res->before_min / 60, res->before_min % 60, day_change, from ? from : "-",
             res->punches.added, res->punches.replaced, res->punches.retracted);
    return admin_commit_audited(s, st, c.id, actor, "division.day_change", detail, err);
}
