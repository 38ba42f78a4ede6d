/*
 * admin_people — employees and their links to PC user names: adding an
 * employee, setting and removing a link (each re-deriving the days it
 * touches) (see admin.h).
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
        return lr_fail(err, LR_EINVAL, "kind is '%s'; expected lanscope, malion, smarton, windows or linux", kind);
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
    lr_link links[LINK_KIND_LAST]; /* one a kind */
    link_kind k = link_kind_parse(kind);
    char detail[600];
    span_set ss;
    size_t n = 0;
    lr_status st;

    account[0] = '\0';
    if (k == LINK_NONE)
        return lr_fail(err, LR_EINVAL, "kind is '%s'; expected lanscope, malion, smarton, windows or linux", kind);
    span_set_init(&ss);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_company_get(s, code, &c, err)) != LR_OK ||
        (st = store_employee_get(s, c.id, emp, &e, err)) != LR_OK ||
        (st = store_links_of_employee(s, e.id, links, LINK_KIND_LAST, &n, err)) != LR_OK)
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
