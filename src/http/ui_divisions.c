/*
 * ui_divisions — 所属設定: every division with the 日付変更時間 loginrec
 * uses for its work days, a warning beside each one that differs from
 * LanScope's collection start (the LanScope manual 2.2 has the two
 * aligned), and a change of it: [確認] previews what a re-derivation from
 * a chosen date would change (a dry run of the same service), and only
 * [変更する] applies it, audited with the administrator's login.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words/i18n.h"
#include "http/ui_internal.h"
#include "service/admin.h"
#include "service/lanscope_settings.h"
#include "util/log.h"
#include "util/timefmt.h"

const char *const ui_divisions_params[] = {"edit", NULL};
const char *const ui_divisions_save_fields[] = {"csrf", "code", "day_change", "from", "confirm",
                                                NULL};

typedef struct misaligned {
    json_t *codes; /* code -> true */
    int no_division;
} misaligned;

static int note_misaligned(void *ctx, const lanscope_misaligned *m)
{
    misaligned *a = ctx;
    if (m->division_code[0])
        json_object_set_new(a->codes, m->division_code, json_true());
    else
        a->no_division = 1;
    return 0;
}

/* The page: the list, and `edit` (the edit form or the preview) above it. */
static void page(ui_req *u, int status, json_t *edit, const char *notice)
{
    lr_company c;
    lr_division *divs = NULL;
    size_t n = 0, nmis = 0;
    lr_error err;
    misaligned mis = {json_object(), 0};
    json_t *list = json_array(), *d;
    char collect[6], warn[300];

    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK ||
        store_divisions_all(u->s, c.id, &divs, &n, &err) != LR_OK ||
        lanscope_alignment(u->s, &c, note_misaligned, &mis, &nmis, &err) != LR_OK) {
        log_error("divisions of %s: %s", u->se.company_code, err.message);
        free(divs);
        json_decref(mis.codes);
        json_decref(list);
        json_decref(edit);
        ui_error_page(u, 500, "error.title");
        return;
    }
    tf_format_hhmm(c.lanscope_collect_min, collect);
    i18n_fill(u->lang, "divisions.misaligned", warn, sizeof warn, (const char *const[]){"collect"},
              (const char *const[]){collect}, 1);
    for (size_t i = 0; i < n; i++) {
        char dc[6];
        tf_format_hhmm(divs[i].day_change_min, dc);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "code", divs[i].code,
                                              "name", divs[i].name, "day_change", dc,
                                              "misaligned",
                                              json_object_get(mis.codes, divs[i].code) != NULL));
    }
    free(divs);
    json_decref(mis.codes);
    d = json_pack("{s:b, s:o, s:s, s:s, s:b}", "nav_divisions", 1, "divisions", list, "collect",
                  collect, "warning", warn, "no_division", mis.no_division);
    if (edit)
        json_object_set_new(d, "form", edit);
    if (notice)
        json_object_set_new(d, "notice", json_string(notice));
    ui_render(u, status, "divisions", "page.divisions", d);
}

/* The edit form of division code, filled with what was typed (or stored). */
static json_t *edit_form(ui_req *u, const lr_division *dv, const char *day_change,
                         const char *from, const char *error_key)
{
    char dc[6];
    json_t *f;
    tf_format_hhmm(dv->day_change_min, dc);
    f = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", dv->code, "name", dv->name, "current", dc,
                  "day_change", day_change ? day_change : dc, "from", from ? from : "");
    if (error_key)
        json_object_set_new(f, "error", json_pack("{s:s}", "message",
                                                  i18n_text(u->lang, error_key)));
    return f;
}

static int division_of(ui_req *u, const char *code, lr_division *out)
{
    lr_company c;
    lr_error err;
    return code && store_company_get(u->s, u->se.company_code, &c, &err) == LR_OK &&
           store_division_get(u->s, c.id, code, out, &err) == LR_OK;
}

void ui_divisions_view(ui_req *u)
{
    const char *code = http_query(u->rq, "edit");
    lr_division dv;
    if (code && *code) {
        if (!division_of(u, code, &dv)) {
            ui_error_page(u, 404, "error.not_found");
            return;
        }
        page(u, 200, edit_form(u, &dv, NULL, NULL, NULL), NULL);
        return;
    }
    page(u, 200, NULL, NULL);
}

/* "打刻 3 件が変わります（追加 0・置き換え 1・取り消し 2）" */
static void punch_words(ui_req *u, const char *key, const division_change *ch, char *out,
                        size_t outsz)
{
    i18n_fill_counts(u->lang, key, out, outsz,
                     (const char *const[]){"total", "added", "replaced", "retracted", "employees"},
                     (const size_t[]){rederive_queued(&ch->punches), ch->punches.added,
                                      ch->punches.replaced, ch->punches.retracted, ch->employees},
                     5);
}

void ui_divisions_save(ui_req *u)
{
    const char *code = form_get(&u->f, "code"), *dc = form_get(&u->f, "day_change");
    const char *from = form_get(&u->f, "from"), *confirm = form_get(&u->f, "confirm");
    int minutes, dry = !(confirm && strcmp(confirm, "1") == 0);
    int64_t day;
    char actor[80], before[6], words[600], change[600];
    division_change ch;
    lr_division dv;
    lr_error err;
    lr_status st;

    if (!division_of(u, code, &dv)) {
        ui_error_page(u, 404, "error.not_found");
        return;
    }
    if (from && !*from)
        from = NULL;
    if (!dc || tf_parse_hhmm(dc, &minutes, &err) != LR_OK) {
        page(u, 422, edit_form(u, &dv, dc, from, "divisions.bad_time"), NULL);
        return;
    }
    if (from && tf_parse_date(from, &day, &err) != LR_OK) {
        page(u, 422, edit_form(u, &dv, dc, from, "divisions.bad_date"), NULL);
        return;
    }
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    st = admin_division_day_change(u->s, u->se.company_code, dv.code, dc, from, dry, actor, &ch,
                                   &err);
    if (st == LR_EINVAL) { /* a date after today */
        page(u, 422, edit_form(u, &dv, dc, from, "divisions.future_date"), NULL);
        return;
    }
    if (st != LR_OK) {
        log_error("division %s of %s: %s", dv.code, u->se.company_code, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    tf_format_hhmm(ch.before_min, before);
    i18n_fill(u->lang, dry ? "divisions.will_change" : "divisions.changed", change, sizeof change,
              (const char *const[]){"name", "before", "after"},
              (const char *const[]){dv.name, before, dc}, 3);
    if (from)
        punch_words(u, dry ? "divisions.will_rederive" : "divisions.rederived", &ch, words,
                    sizeof words);
    else
        snprintf(words, sizeof words, "%s", i18n_text(u->lang, "divisions.no_rederive"));
    if (dry) {
        json_t *f = edit_form(u, &dv, dc, from, NULL);
        json_object_set_new(f, "preview", json_pack("{s:s, s:s, s:s}", "change", change, "words",
                                                     words, "from_shown", from ? from : ""));
        page(u, 200, f, NULL);
        return;
    }
    if (rederive_queued(&ch.punches) && u->app->punches_queued)
        u->app->punches_queued(u->app->punches_queued_ctx);
    {
        char notice[1300];
        snprintf(notice, sizeof notice, "%s%s", change, words);
        page(u, 200, NULL, notice);
    }
}
