/*
 * admin — validated administrator operations (see admin.h).
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

lr_status admin_check_text(const char *field, const char *v, size_t max, lr_error *err)
{
    size_t n = strlen(v);
    if (n == 0)
        return lr_fail(err, LR_EINVAL, "%s is empty", field);
    if (n > max)
        return lr_fail(err, LR_EINVAL, "%s is longer than %zu bytes", field, max);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return lr_fail(err, LR_EINVAL, "%s contains a control character", field);
    return LR_OK;
}

lr_status admin_parse_onoff(const char *field, const char *v, int *out, lr_error *err)
{
    if (strcmp(v, "on") == 0)
        *out = 1;
    else if (strcmp(v, "off") == 0)
        *out = 0;
    else
        return lr_fail(err, LR_EINVAL, "%s is '%s'; expected on or off", field, v);
    return LR_OK;
}

static lr_status check_employee_code(const char *emp, lr_error *err)
{
    lr_status st = admin_check_text("employee code", emp, 63, err);
    if (st != LR_OK)
        return st;
    for (const char *p = emp; *p; p++)
        if (*p == ' ' || *p == ',' || *p == '"')
            return lr_fail(err, LR_EINVAL, "employee code '%s' must not contain spaces, commas or quotes",
                           emp);
    return LR_OK;
}

/* Runs the common tail of every admin write: audit, commit, or roll back. */
lr_status admin_commit_audited(lr_store *s, lr_status st, int64_t company_id, const char *actor,
                               const char *action, const char *detail, lr_error *err)
{
    if (st == LR_OK)
        st = store_audit(s, company_id, actor ? actor : "cli", action, detail, err);
    if (st == LR_OK)
        st = store_commit(s, err);
    if (st != LR_OK)
        store_rollback(s);
    return st;
}

lr_status admin_outbox_retry(lr_store *s, const char *code, const char *actor, size_t *n,
                             lr_error *err)
{
    lr_company c;
    char detail[32];
    lr_status st = store_company_get(s, code, &c, err);
    *n = 0;
    if (st != LR_OK || (st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_outbox_retry(s, c.id, clock_now(), n, err);
    snprintf(detail, sizeof detail, "%zu", *n);
    return admin_commit_audited(s, st, c.id, actor, "outbox.retry", detail, err);
}

lr_status admin_company_add(lr_store *s, const char *code, const char *name, const char *tz,
                            int breaks, const char *actor, char token[LR_TOKEN_LEN + 1],
                            lr_error *err)
{
    lr_company c = {0};
    char hash[LR_TOKEN_HASH_LEN + 1];
    lr_status st;

    if ((st = company_code_check(code, err)) != LR_OK ||
        (st = admin_check_text("company name", name, 255, err)) != LR_OK ||
        (st = tz_validate(tz ? tz : "Asia/Tokyo", err)) != LR_OK)
        return st;
    /* KING OF TIME's company ID, in any case at login: kept in upper case */
    for (size_t i = 0; i < sizeof c.code - 1 && code[i]; i++)
        c.code[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 'a' + 'A' : code[i]);
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.tz, sizeof c.tz, "%s", tz ? tz : "Asia/Tokyo");
    c.break_punches = breaks;
    c.min_break_sec = 60;
    c.max_shift_sec = 20 * 3600;
    token_generate(token, LR_TOKEN_LEN);
    token_hash(token, hash);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_insert(s, &c, hash, err);
    return admin_commit_audited(s, st, c.id, actor, "company.add", c.code, err);
}

lr_status admin_company_edit(lr_store *s, const char *code, admin_company_edit_fn edit, void *ctx,
                             const char *actor, const char *action, const char *detail,
                             lr_error *err)
{
    lr_company c;
    lr_status st;
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK)
        st = edit(s, &c, ctx, err);
    if (st == LR_OK)
        st = store_company_update(s, &c, err);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, action, detail, err);
}

typedef struct general_edit {
    const company_changes *ch;
    int collect; /* minutes, -1: unchanged */
} general_edit;

static lr_status apply_general(lr_store *s, lr_company *c, void *ctx, lr_error *err)
{
    const general_edit *g = ctx;
    (void)s;
    (void)err;
    if (g->ch->name)
        snprintf(c->name, sizeof c->name, "%s", g->ch->name);
    if (g->ch->tz)
        snprintf(c->tz, sizeof c->tz, "%s", g->ch->tz);
    if (g->ch->breaks >= 0)
        c->break_punches = g->ch->breaks;
    if (g->collect >= 0)
        c->lanscope_collect_min = g->collect;
    return LR_OK;
}

lr_status admin_company_set(lr_store *s, const char *code, const company_changes *ch,
                            const char *actor, lr_error *err)
{
    general_edit g = {ch, -1};
    lr_status st;

    if (ch->name && (st = admin_check_text("company name", ch->name, 255, err)) != LR_OK)
        return st;
    if (ch->lanscope_collect &&
        (st = tf_parse_hhmm(ch->lanscope_collect, &g.collect, err)) != LR_OK)
        return st;
    if (ch->tz && (st = tz_validate(ch->tz, err)) != LR_OK)
        return st;
    return admin_company_edit(s, code, apply_general, &g, actor, "company.set", code, err);
}

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

lr_status admin_employee_add(lr_store *s, const char *code, const char *emp, const char *last,
                             const char *first, const char *div, const char *actor,
                             lr_error *err)
{
    lr_company c;
    lr_employee e = {0};
    lr_status st;

    if ((st = check_employee_code(emp, err)) != LR_OK ||
        (st = admin_check_text("last name", last, 127, err)) != LR_OK ||
        (st = admin_check_text("first name", first, 127, err)) != LR_OK)
        return st;
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK && div) {
        lr_division d;
        st = store_division_get(s, c.id, div, &d, err);
        e.division_id = d.id;
        if (st == LR_ENOTFOUND)
            lr_fail(err, st, "unknown division '%s'; create it with 'loginrec division set'", div);
    }
    if (st == LR_OK) {
        e.company_id = c.id;
        snprintf(e.code, sizeof e.code, "%s", emp);
        snprintf(e.last_name, sizeof e.last_name, "%s", last);
        snprintf(e.first_name, sizeof e.first_name, "%s", first);
        st = store_employee_insert(s, &e, err);
    }
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "employee.add", emp, err);
}

lr_status admin_link_set(lr_store *s, const char *code, const char *kind, const char *emp,
                         const char *account, const char *actor, rederive_stats *stats,
                         lr_error *err)
{
    lr_company c;
    lr_employee e;
    lr_link l = {0};
    char acc[LR_ACCOUNT_MAX + 1], prev[LR_ACCOUNT_MAX + 1], detail[600];
    span_set ss;
    lr_status st;
    size_t n;

    l.kind = link_kind_parse(kind);
    if (l.kind == LINK_NONE)
        return lr_fail(err, LR_EINVAL, "kind is '%s'; expected lanscope, malion or smarton", kind);
    /* trimmed of surrounding spaces; DOMAIN\user keeps user */
    while (*account == ' ')
        account++;
    n = strlen(account);
    while (n > 0 && account[n - 1] == ' ')
        n--;
    if (n > LR_ACCOUNT_MAX)
        return lr_fail(err, LR_EINVAL, "service account is longer than %d bytes", LR_ACCOUNT_MAX);
    memcpy(acc, account, n);
    acc[n] = '\0';
    event_account_normalise(acc);
    if ((st = admin_check_text("service account", acc, LR_ACCOUNT_MAX, err)) != LR_OK)
        return st;
    snprintf(l.account, sizeof l.account, "%s", acc);
    prev[0] = '\0';

    span_set_init(&ss);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_company_get(s, code, &c, err)) != LR_OK)
        goto out;
    if ((st = store_employee_get(s, c.id, emp, &e, err)) != LR_OK)
        goto out;
    l.employee_id = e.id;
    if ((st = store_link_set(s, c.id, &l, prev, sizeof prev, err)) != LR_OK)
        goto out;
    /* re-derive the days of the events this link now claims, and of those
     * it stops claiming (the previous account) */
    st = ingest_account_spans(s, &c, &e, l.kind, l.account, &ss, err);
    if (st == LR_OK && prev[0] && strcmp(prev, l.account) != 0)
        st = ingest_account_spans(s, &c, &e, l.kind, prev, &ss, err);
    if (st == LR_OK)
        st = ingest_rederive_spans(s, &c, &ss, NULL, stats, err);
out:
    snprintf(detail, sizeof detail, "%s %.63s %s -> %s", kind, emp, prev[0] ? prev : "(none)", acc);
    span_set_free(&ss);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "link.set", detail, err);
}

lr_status admin_link_delete(lr_store *s, const char *code, const char *kind, const char *emp,
                            const char *actor, char account[LR_ACCOUNT_MAX + 1],
                            rederive_stats *stats, lr_error *err)
{
    lr_company c;
    lr_employee e;
    lr_link links[4];
    link_kind k = link_kind_parse(kind);
    char detail[600];
    span_set ss;
    size_t n = 0;
    lr_status st;

    account[0] = '\0';
    if (k == LINK_NONE)
        return lr_fail(err, LR_EINVAL, "kind is '%s'; expected lanscope, malion or smarton", kind);
    span_set_init(&ss);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_company_get(s, code, &c, err)) != LR_OK ||
        (st = store_employee_get(s, c.id, emp, &e, err)) != LR_OK ||
        (st = store_links_of_employee(s, e.id, links, 4, &n, err)) != LR_OK)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (links[i].kind == k)
            snprintf(account, LR_ACCOUNT_MAX + 1, "%s", links[i].account);
    if (!account[0]) {
        st = lr_fail(err, LR_ENOTFOUND, "employee %s has no %s link", emp, kind);
        goto out;
    }
    /* the days its events made are re-derived without it */
    st = store_link_delete(s, c.id, k, e.id, err);
    if (st == LR_OK)
        st = ingest_account_spans(s, &c, &e, k, account, &ss, err);
    if (st == LR_OK)
        st = ingest_rederive_spans(s, &c, &ss, NULL, stats, err);
out:
    snprintf(detail, sizeof detail, "%s %.63s %s -> (none)", kind, emp, account);
    span_set_free(&ss);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "link.delete", detail, err);
}
