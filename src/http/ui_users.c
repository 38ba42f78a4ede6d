/*
 * ui_users — ユーザー設定 (employees): every employee with their PC user
 * name per integration, the ones KING OF TIME deleted shown apart, and
 * [勤革時連携] → [連携実行], which runs the employee sync now (the same
 * kot_sync_company as `loginrec kot sync` and the hourly job) and shows its
 * counts, or why it failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/link_csv.h"
#include "words/i18n.h"
#include "http/ui_internal.h"
#include "service/admin.h"
#include "service/kot_dispatch.h"
#include "service/kot_settings.h"
#include "service/kot_sync.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

const char *const ui_users_sync_fields[] = {"csrf", NULL};
const char *const ui_users_unlink_fields[] = {"csrf", "employee", "kind", "confirm", NULL};

/* The link kinds' columns, in the manuals' order, then the PCs' own logs. */
static const struct {
    link_kind kind;
    const char *label; /* its column's catalogue key */
} columns[] = {
    {LINK_LANSCOPE, "users.col_lanscope"}, {LINK_MALION, "users.col_malion"},
    {LINK_SMARTON, "users.col_smarton"},   {LINK_WINDOWS, "users.col_windows"},
    {LINK_LINUX, "users.col_linux"},
};
#define NCOLUMNS (sizeof columns / sizeof *columns)

typedef struct lists {
    lr_lang lang;
    json_t *active, *deleted;
    lr_division *divs;
    size_t ndivs;
    lr_link *links;
    size_t nlinks, caplinks;
} lists;

static int keep_link(void *ctx, const lr_link *k)
{
    lists *l = ctx;
    if (!vec_room((void **)&l->links, &l->caplinks, l->nlinks, sizeof *l->links))
        return 1;
    l->links[l->nlinks++] = *k;
    return 0;
}

static int by_employee_kind(const void *x, const void *y)
{
    const lr_link *a = x, *b = y;
    if (a->employee_id != b->employee_id)
        return a->employee_id < b->employee_id ? -1 : 1;
    return (int)a->kind - (int)b->kind;
}

/* The employee's account for kind ("" when none): links are sorted by
 * employee and kind once, so a page of 10,000 employees is not 10,000 scans. */
static const char *account_of(const lists *l, int64_t employee, link_kind kind)
{
    lr_link key = {employee, kind, ""};
    const lr_link *k = l->nlinks ? bsearch(&key, l->links, l->nlinks, sizeof key, by_employee_kind)
                                 : NULL;
    return k ? k->account : "";
}

static int add_employee(void *ctx, const lr_employee *e)
{
    lists *l = ctx;
    const char *div = "";
    char name[300];
    json_t *links = json_array();
    for (size_t i = 0; i < l->ndivs; i++)
        if (l->divs[i].id == e->division_id)
            div = l->divs[i].name;
    snprintf(name, sizeof name, "%s %s", e->last_name, e->first_name);
    for (size_t i = 0; i < NCOLUMNS; i++)
        json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "kind",
                                               link_kind_name(columns[i].kind), "label",
                                               i18n_text(l->lang, columns[i].label), "account",
                                               account_of(l, e->id, columns[i].kind)));
    json_array_append_new(e->deleted ? l->deleted : l->active,
                          json_pack("{s:s, s:s, s:s, s:o}", "code", e->code, "name", name,
                                    "division", div, "links", links));
    return 0;
}

/* The link columns' headings. */
static json_t *column_labels(lr_lang lang)
{
    json_t *a = json_array();
    for (size_t i = 0; i < NCOLUMNS; i++)
        json_array_append_new(a, json_pack("{s:s}", "label", i18n_text(lang, columns[i].label)));
    return a;
}

/* The counts of a sync in words of the page's language ("追加 0・更新 4・…"). */
static void counts_words(ui_req *u, const kot_sync_stats *st, int with_unchanged, char *out,
                         size_t outsz)
{
    static const char *const names[] = {"added", "updated", "deleted", "restored", "unchanged"};
    const size_t n[5] = {st->added, st->updated, st->deleted, st->restored, st->unchanged};
    i18n_fill_counts(u->lang, with_unchanged ? "users.sync_counts_now" : "users.sync_counts", out,
                     outsz, names, n, 5);
}

/* The last sync's result: its counts, or why it failed (the detail apart). */
static void sync_result(ui_req *u, const lr_company *c, int just_failed, json_t *d)
{
    kot_sync_stats st;
    char words[300];
    if (c->kot_sync_code[0]) {
        if (just_failed)
            return; /* said above the form already */
        json_object_set_new(d, "last_problem", json_pack("{s:s, s:s}", "words",
                                                         ui_failure_words(u, c->kot_sync_code),
                                                         "detail", c->kot_sync_result));
    } else if (kot_sync_summary_parse(c->kot_sync_result, &st)) {
        counts_words(u, &st, 0, words, sizeof words);
        json_object_set_new(d, "last_result", json_string(words));
    }
}

/* The page; extra's members are added to the template's data (taken). */
static void page(ui_req *u, int status, const char *sync_ok, const char *sync_error, json_t *extra)
{
    lists l = {u->lang, json_array(), json_array(), NULL, 0, NULL, 0, 0};
    lr_company c;
    lr_error err;
    json_t *d;
    lr_status st = store_company_get(u->s, u->se.company_code, &c, &err);
    if (st == LR_OK)
        st = store_divisions_all(u->s, c.id, &l.divs, &l.ndivs, &err);
    if (st == LR_OK)
        st = store_links_list(u->s, c.id, keep_link, &l, &err);
    if (st == LR_OK) {
        if (l.nlinks)
            qsort(l.links, l.nlinks, sizeof *l.links, by_employee_kind);
        st = store_employees_list(u->s, c.id, add_employee, &l, &err);
    }
    free(l.divs);
    free(l.links);
    if (st != LR_OK) {
        json_decref(l.active);
        json_decref(l.deleted);
        json_decref(extra);
        log_error("employees of %s: %s", u->se.company_code, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    d = json_pack("{s:b, s:I, s:I, s:o, s:o, s:b, s:o}", "nav_users", 1, "active_count",
                  (json_int_t)json_array_size(l.active), "deleted_count",
                  (json_int_t)json_array_size(l.deleted), "active", l.active, "deleted", l.deleted,
                  "has_token", kot_settings_configured(u->s, &c), "columns",
                  column_labels(u->lang));
    if (c.kot_synced_at) {
        char when[17];
        ui_local_minute(c.tz, c.kot_synced_at, when);
        json_object_set_new(d, "last_sync", json_string(when));
        sync_result(u, &c, sync_error != NULL, d);
    }
    if (sync_ok)
        json_object_set_new(d, "sync_ok", json_string(sync_ok));
    if (sync_error)
        json_object_set_new(d, "sync_error", json_string(sync_error));
    if (extra) {
        json_object_update(d, extra);
        json_decref(extra);
    }
    ui_render(u, status, "users", "page.users", d);
}

void ui_users_view(ui_req *u)
{
    page(u, 200, NULL, NULL, NULL);
}

void ui_users_sync(ui_req *u)
{
    kot_sync_stats st;
    dispatch_cfg cfg;
    lr_error err;
    char actor[80], counts[300];

    if (!u->app->secrets) {
        page(u, 503, NULL, "no secrets key", NULL);
        return;
    }
    dispatch_cfg_default(&cfg);
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    if (kot_sync_company(u->s, u->se.company_code, u->app->secrets, cfg.timeout_ms, actor, 0, NULL, &st,
                         &err) != LR_OK) {
        log_warn("kot sync of %s from the admin UI: %s", u->se.company_code, err.message);
        /* "not now" (KoT's restricted hours, maintenance, busy): words of the
         * page's language, the detail in the log */
        if (err.code == LR_EBUSY)
            page(u, 503, NULL, i18n_text(u->lang, "users.sync_later"), NULL);
        else {
            /* the words of the page's language; the detail is the log's
             * and 連携状況's */
            page(u, err.code == LR_ENOTFOUND ? 409 : 502, NULL,
                 ui_failure_words(u, lr_status_code(err.code)), NULL);
        }
        return;
    }
    counts_words(u, &st, 1, counts, sizeof counts);
    page(u, 200, counts, NULL, NULL);
}

/* [解除] beside a PC user name: asks first, saying what goes with it, then
 * removes the link as `loginrec link delete` does (the days its events made
 * are re-derived; their punches are retracted and corrected in KoT). */
void ui_users_unlink(ui_req *u)
{
    const char *emp = form_get(&u->f, "employee"), *kind = form_get(&u->f, "kind");
    const char *confirm = form_get(&u->f, "confirm");
    link_kind k = kind ? link_kind_parse(kind) : LINK_NONE;
    char actor[80], account[LR_ACCOUNT_MAX + 1], words[600], n[24];
    rederive_stats rs = {0};
    lr_error err;

    if (!emp || !emp[0] || k == LINK_NONE) {
        ui_error_page(u, 400, "error.csrf");
        return;
    }
    if (!confirm || strcmp(confirm, "1") != 0) {
        char question[300];
        snprintf(question, sizeof question, "%s %s — %s", i18n_text(u->lang, "users.unlink_confirm"),
                 emp, link_kind_label(k));
        page(u, 200, NULL, NULL,
             ui_confirm(u, question, i18n_text(u->lang, "users.unlink_what"), "/users/unlink",
                        (const char *const[]){"employee", emp, "kind", kind, NULL},
                        "users.unlink_do", "users.unlink_keep", "/users"));
        return;
    }
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    if (admin_link_delete(u->s, u->se.company_code, kind, emp, actor, account, &rs, &err) !=
        LR_OK) {
        log_warn("unlink of %s %s %s: %s", u->se.company_code, kind, emp, err.message);
        page(u, err.code == LR_ENOTFOUND ? 404 : 500, NULL, NULL,
             json_pack("{s:s}", "problem",
                       i18n_text(u->lang, err.code == LR_ENOTFOUND ? "users.unlink_none"
                                                                   : "status.err.internal")));
        return;
    }
    {
        static const char *const names[] = {"employee", "kind", "account", "retracted"};
        const char *values[4] = {emp, link_kind_label(k), account, n};
        snprintf(n, sizeof n, "%zu", rs.retracted);
        i18n_fill(u->lang, "users.unlinked", words, sizeof words, names, values, 4);
    }
    page(u, 200, NULL, NULL, json_pack("{s:s}", "notice", words));
}
