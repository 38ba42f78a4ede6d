/*
 * ui_links — 連携設定 (links), as the manuals §3 draw it: [CSV データ保存]
 * downloads the link CSV; [CSV データ入力] takes an edited file, [送信]
 * checks it (a dry run: the changes old → new, or every problem with its
 * line and column, in the page's language), and [実行] applies exactly the
 * file that was checked, showing "N件のアカウントを更新".
 *
 * Between [送信] and [実行] the file is kept in the store for the
 * administrator who sent it, for an hour (service/links); the [実行] form carries only its
 * random id. The import itself is the CLI's and the API's (service/links).
 */
#include <stdio.h>
#include <string.h>

#include "words/i18n.h"
#include "http/ui_internal.h"
#include "reply/replies.h"
#include "service/links.h"
#include "util/log.h"
#include "util/token.h"


const char *const ui_links_download_params[] = {"kind", "encoding", NULL};
const char *const ui_links_upload_fields[] = {"csrf", NULL};
const char *const ui_links_apply_fields[] = {"csrf", "upload", NULL};

static void page(ui_req *u, int status, const char *problem_key, json_t *report)
{
    json_t *d = json_pack("{s:b}", "nav_links", 1);
    if (problem_key)
        json_object_set_new(d, "problem", json_string(i18n_text(u->lang, problem_key)));
    if (report)
        json_object_set_new(d, "report", report);
    ui_render(u, status, "links", "page.links", d);
}

static void page_notice(ui_req *u, const char *words)
{
    json_t *d = json_pack("{s:b, s:s}", "nav_links", 1, "notice", words);
    ui_render(u, 200, "links", "page.links", d);
}

void ui_links_view(ui_req *u)
{
    page(u, 200, NULL, NULL);
}

void ui_links_download(ui_req *u)
{
    const char *kind = http_query(u->rq, "kind"), *encoding = http_query(u->rq, "encoding");
    links_kinds kinds = 0;
    int enc = ENC_CP932;
    lr_error err;

    if (kind && *kind) {
        link_kind k = link_kind_parse(kind);
        if (k == LINK_NONE) {
            ui_error_page(u, 400, "error.not_found");
            return;
        }
        kinds = 1u << k;
    }
    if (encoding && *encoding && (enc = enc_parse(encoding)) < 0) {
        ui_error_page(u, 400, "error.not_found");
        return;
    }
    buf_reset(&u->rs->body);
    if (links_export(u->s, u->se.company_code, kinds, (text_encoding)enc, &u->rs->body, &err) !=
        LR_OK) {
        /* no links yet and no kind chosen: say so on the page */
        buf_reset(&u->rs->body);
        log_warn("links download of %s: %s", u->se.company_code, err.message);
        page(u, 422, "links.kind", NULL);
        return;
    }
    u->rs->status = 200;
    u->rs->content_type =
        enc == ENC_CP932 ? "text/csv; charset=Windows-31J" : "text/csv; charset=utf-8";
    snprintf(u->rs->disposition, sizeof u->rs->disposition,
             "attachment; filename=\"links-%s%s%s.csv\"", u->se.company_code,
             kind && *kind ? "-" : "", kind && *kind ? kind : "");
}

/* The report as the page shows it; ok when the file was (or would be) applied. */
static json_t *report_json(ui_req *u, const links_report *rep, const char *file, int ok)
{
    json_t *o = links_report_json(rep, u->lang);
    if (!o)
        return NULL;
    json_object_set_new(o, "ok", json_boolean(ok));
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "more_errors", json_boolean(rep->errors.total > rep->errors.n));
    return o;
}

void ui_links_upload(ui_req *u)
{
    char actor[80], id[ACCOUNT_TOKEN_LEN + 1];
    links_report rep;
    lr_error err;
    lr_status st;
    json_t *report;

    if (u->up_st == LR_ENOTFOUND || u->up.data.len == 0) {
        page(u, 400, "links.no_file", NULL);
        return;
    }
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    st = links_import(u->s, u->se.company_code, u->up.name, buf_str(&u->up.data), u->up.data.len,
                      1, actor, NULL, &rep, &err);
    if (st != LR_OK && st != LR_EINVAL) {
        links_report_free(&rep);
        log_error("links check of %s: %s", u->se.company_code, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    report = report_json(u, &rep, u->up.name, st == LR_OK);
    if (st == LR_OK && rep.nchanges > 0) {
        token_random(id, sizeof id, 24);
        if (links_upload_keep(u->s, id, u->se.company_id, u->se.user_id, u->up.name,
                              buf_str(&u->up.data), u->up.data.len, &err) != LR_OK) {
            links_report_free(&rep);
            json_decref(report);
            log_error("links upload of %s: %s", u->se.company_code, err.message);
            ui_error_page(u, 500, "error.title");
            return;
        }
        json_object_set_new(report, "upload", json_string(id));
    }
    links_report_free(&rep);
    page(u, st == LR_OK ? 200 : 422, NULL, report);
}

void ui_links_apply(ui_req *u)
{
    const char *id = form_get(&u->f, "upload");
    char actor[80], name[200], when[17];
    lr_buf data;
    links_report rep;
    lr_error err;
    lr_status st;
    json_t *report;
    int64_t applied_at = 0;

    buf_init(&data, LINKS_CSV_MAX);
    st = id ? links_upload_take(u->s, id, u->se.company_id, u->se.user_id, &data, name,
                                sizeof name, &applied_at, &err)
            : LR_ENOTFOUND;
    if (st == LR_EEXIST) {
        /* the form sent again (a reload after [実行]): it is done already */
        char words[600];
        lr_company c;
        buf_free(&data);
        ui_local_minute(store_company_get(u->s, u->se.company_code, &c, &err) == LR_OK
                            ? c.tz
                            : "Asia/Tokyo",
                        applied_at, when);
        i18n_fill(u->lang, "links.applied_already", words, sizeof words,
                  (const char *const[]){"file", "when", "by"},
                  (const char *const[]){name, when, u->se.login}, 3);
        page_notice(u, words);
        return;
    }
    if (st != LR_OK) {
        buf_free(&data);
        page(u, 410, "links.expired", NULL);
        return;
    }
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    st = links_import(u->s, u->se.company_code, name, buf_str(&data), data.len, 0, actor, NULL,
                      &rep, &err);
    buf_free(&data);
    if (st != LR_OK && st != LR_EINVAL) {
        links_report_free(&rep);
        log_error("links import of %s: %s", u->se.company_code, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    if (st == LR_OK) {
        if (links_upload_applied(u->s, id, &err) != LR_OK)
            log_warn("links upload %s: %s", u->se.company_code, err.message);
        if (u->app->punches_queued && rederive_queued(&rep.punches))
            u->app->punches_queued(u->app->punches_queued_ctx);
    }
    report = report_json(u, &rep, name, st == LR_OK);
    links_report_free(&rep);
    page(u, st == LR_OK ? 200 : 422, NULL, report);
}
