/*
 * ui_logs — ログ表示 (log view): every event the sources sent, newest
 * first, filtered by date range (the company's calendar days), employee
 * (打刻先アカウント), PC user name, source and operation. Each row says what
 * became of the event: not linked to anyone, not a logon/logoff, or what
 * the day engine flagged (no logoff, no logon, ignored, shared account).
 *
 * Pages are keyset pages of PAGE rows: [次へ] carries the last row's
 * (time, id), so a page deep in a million events reads what the first
 * does; an employee's filter reads that employee's PC user names through
 * their index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words/i18n.h"
#include "http/ui_internal.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"

#define PAGE 100

const char *const ui_logs_params[] = {"from", "to", "employee", "account", "source", "op",
                                      "cursor", NULL};

static const char *const source_values[] = {"", "lanscope", "malion", "smarton", "generic", NULL};
static const char *const source_keys[] = {"logs.all", "name.lanscope", "name.malion",
                                          "name.smarton", "logs.source_generic"};
static const char *const op_values[] = {"", "logon", "logoff", "other", NULL};
static const char *const op_keys[] = {"logs.all", "logs.op_logon", "logs.op_logoff",
                                      "logs.op_other"};

typedef struct page_ctx {
    ui_req *u;
    const lr_company *c;
    json_t *rows;
    size_t n;
    int64_t last_utc, last_id; /* of row PAGE: where the next page starts */
} page_ctx;

static void add_status(json_t *a, ui_req *u, const char *cls, const char *key)
{
    json_array_append_new(a, json_pack("{s:s, s:s}", "class", cls, "label", i18n_text(u->lang, key)));
}

static json_t *statuses(ui_req *u, const lr_event_row *r)
{
    /* warn: look at it; muted: how the session was read (a PC's own log) */
    static const struct {
        unsigned flag;
        const char *cls, *key;
    } flags[] = {{DAY_FLAG_NO_LOGOFF, "warn", "logs.flag_no_logoff"},
                 {DAY_FLAG_NO_LOGON, "warn", "logs.flag_no_logon"},
                 {DAY_FLAG_ORPHAN_IGNORED, "warn", "logs.flag_ignored"},
                 {DAY_FLAG_SHARED_ACCOUNT, "warn", "logs.flag_shared"},
                 {DAY_FLAG_ENDED_BY_BOOT, "warn", "logs.flag_ended_by_boot"},
                 {DAY_FLAG_AUTO_RESTART, "muted", "logs.flag_auto_restart"},
                 {DAY_FLAG_REMOTE, "muted", "logs.flag_remote"}};
    json_t *a = json_array();
    if (!r->employee_id && r->event->account[0]) /* a PC's own record has no account */
        add_status(a, u, "warn", "logs.status_unlinked");
    if (strcmp(r->event->op, "logon") != 0 && strcmp(r->event->op, "logoff") != 0)
        add_status(a, u, "muted", "logs.status_other_op");
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (r->flags & flags[i].flag)
            add_status(a, u, flags[i].cls, flags[i].key);
    return a;
}

/* The index of v among a filter's values; 0 (the "all" choice) when absent. */
static size_t choice(const char *const *values, const char *v)
{
    for (size_t i = 1; values[i]; i++)
        if (strcmp(values[i], v) == 0)
            return i;
    return 0;
}

/* The words of a value, or the value itself when it is not a choice. */
static int add_row(void *ctx, const lr_event_row *r)
{
    page_ctx *p = ctx;
    const lr_event *e = r->event;
    /* ログオン, ログオフ, or その他の操作 with the source's own name for it
     * ("file_copy") beside, as its code */
    size_t op = choice(op_values, e->op);
    char when[20], day[11] = "";
    if (++p->n > PAGE)
        return 1; /* the row after the page: there is a next page */
    p->last_utc = e->utc;
    p->last_id = e->id;
    ui_local_time(p->c->tz, e->utc, when);
    if (r->work_day && strlen(r->work_day) == 10) { /* 2026/11/17, as people read it */
        memcpy(day, r->work_day, 11);
        day[4] = day[7] = '/';
    }
    json_array_append_new(
        p->rows,
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "time", when, "account",
                  e->account, "employee", r->employee_code ? r->employee_code : "", "name",
                  r->employee_name ? r->employee_name : "", "host", e->host, "op",
                  i18n_text(p->u->lang, op ? op_keys[op] : "logs.op_other"), "op_code",
                  op ? "" : e->op,
                  "source", ui_source_name(p->u, e->source), "version",
                  e->version, "work_day", day, "status",
                  statuses(p->u, r)));
    return 0;
}

/* A day field: "" is no bound; else the day's first second in the zone. */
static int day_bound(const lr_company *c, const char *v, int next, int64_t *utc)
{
    int64_t day;
    int off;
    if (!v || !v[0])
        return 1;
    if (tf_parse_date(v, &day, NULL) != LR_OK)
        return 0;
    tz_utc_of_wall(c->tz, (day + next) * 86400, utc, &off);
    return 1;
}

/* The query string of the current filters with cursor (NULL: none). */
static void filter_href(ui_req *u, const char *cursor, char *out, size_t outsz)
{
    form f = {0};
    for (size_t i = 0; ui_logs_params[i + 1]; i++) { /* all but cursor */
        const char *v = http_query(u->rq, ui_logs_params[i]);
        if (v)
            form_add(&f, ui_logs_params[i], v);
    }
    if (cursor)
        form_add(&f, "cursor", cursor);
    ui_href("/logs", &f, out, outsz);
    form_free(&f);
}

/* Reads and checks the filters into q; a mistake goes to errors[field].
 * A store that fails to answer fails the page (never an empty page of 200,
 * which the response cache would keep until the company's next write). */
static lr_status read_filters(ui_req *u, const lr_company *c, lr_event_query *q, json_t *errors,
                              const char **accounts, lr_link links[LINK_KIND_LAST], int *none,
                              lr_error *err)
{
    const char *from = http_query(u->rq, "from"), *to = http_query(u->rq, "to");
    const char *emp = http_query(u->rq, "employee"), *acc = http_query(u->rq, "account");
    const char *src = http_query(u->rq, "source"), *op = http_query(u->rq, "op");
    const char *cur = http_query(u->rq, "cursor");
    size_t nlinks = 0;
    lr_status st;

    if (!day_bound(c, from, 0, &q->from_utc))
        json_object_set_new(errors, "from", json_string(i18n_text(u->lang, "logs.bad_date")));
    if (!day_bound(c, to, 1, &q->to_utc))
        json_object_set_new(errors, "to", json_string(i18n_text(u->lang, "logs.bad_date")));
    else if (q->to_utc && q->to_utc <= q->from_utc)
        json_object_set_new(errors, "to", json_string(i18n_text(u->lang, "logs.bad_range")));
    if (src && src[0]) {
        q->source = src;
        if (!choice(source_values, src))
            json_object_set_new(errors, "source", json_string(i18n_text(u->lang, "logs.bad_choice")));
    }
    if (op && op[0]) {
        q->op = op;
        if (!choice(op_values, op))
            json_object_set_new(errors, "op", json_string(i18n_text(u->lang, "logs.bad_choice")));
    }
    if (cur && cur[0]) {
        char *end;
        q->before_utc = strtoll(cur, &end, 10);
        q->before_id = *end == '.' ? strtoll(end + 1, &end, 10) : 0;
        if (*end || q->before_id <= 0)
            json_object_set_new(errors, "cursor", json_string(i18n_text(u->lang, "logs.bad_choice")));
    }
    if (acc && acc[0]) {
        accounts[0] = acc;
        q->naccounts = 1;
    }
    if (emp && emp[0]) {
        lr_employee e;
        if ((st = store_employee_get(u->s, c->id, emp, &e, err)) == LR_ENOTFOUND) {
            json_object_set_new(errors, "employee",
                                json_string(i18n_text(u->lang, "logs.no_employee")));
            return LR_OK;
        }
        if (st != LR_OK)
            return st;
        q->employee_id = e.id;
        if ((st = store_links_of_employee(u->s, e.id, links, LINK_KIND_LAST, &nlinks, err)) !=
            LR_OK)
            return st;
        if (!q->naccounts) { /* the employee's PC user names, through their index */
            int pc = 0;
            for (size_t i = 0; i < nlinks; i++) {
                accounts[q->naccounts++] = links[i].account;
                pc |= links[i].kind == LINK_WINDOWS || links[i].kind == LINK_LINUX;
            }
            if (pc) /* and the PCs' own records (a boot) that ended their sessions */
                accounts[q->naccounts++] = "";
        }
        *none = q->naccounts == 0; /* no link: no event can be theirs */
    }
    q->accounts = accounts;
    return LR_OK;
}

void ui_logs_view(ui_req *u)
{
    lr_company c;
    lr_error err;
    lr_event_query q = {0};
    const char *accounts[LINK_KIND_LAST + 1];
    lr_link links[LINK_KIND_LAST];
    json_t *errors = json_object(), *d, *f = json_object();
    page_ctx p = {u, &c, json_array(), 0, 0, 0};
    int none = 0, status = 200;
    char href[2048], cursor[48];

    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK)
        goto fail;
    if (read_filters(u, &c, &q, errors, accounts, links, &none, &err) != LR_OK)
        goto fail;
    q.limit = PAGE + 1;
    if (json_object_size(errors))
        status = 400;
    else if (!none && store_events_page(u->s, c.id, &q, add_row, &p, &err) != LR_OK)
        goto fail;
    for (size_t i = 0; ui_logs_params[i + 1]; i++) {
        const char *v = http_query(u->rq, ui_logs_params[i]);
        json_object_set_new(f, ui_logs_params[i], json_string(v ? v : ""));
    }
    d = json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "nav_logs", 1, "f", f, "errors",
                  errors, "rows", p.rows, "sources",
                  ui_options(u, source_values, source_keys, http_query(u->rq, "source")), "ops",
                  ui_options(u, op_values, op_keys, http_query(u->rq, "op")), "shown",
                  (json_int_t)(p.n > PAGE ? PAGE : p.n), "page_size", (json_int_t)PAGE);
    if (p.n > PAGE) {
        snprintf(cursor, sizeof cursor, "%lld.%lld", (long long)p.last_utc, (long long)p.last_id);
        filter_href(u, cursor, href, sizeof href);
        json_object_set_new(d, "next_href", json_string(href));
    }
    if (q.before_id) {
        filter_href(u, NULL, href, sizeof href);
        json_object_set_new(d, "first_href", json_string(href));
    }
    ui_render(u, status, "logs", "page.logs", d);
    return;
fail:
    log_error("log view of %s: %s", u->se.company_code, err.message);
    json_decref(errors);
    json_decref(f);
    json_decref(p.rows);
    ui_error_page(u, 500, "error.title");
}
