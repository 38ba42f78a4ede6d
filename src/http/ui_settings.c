/*
 * ui_settings — 企業情報 (company settings), as the manuals draw it: the
 * values read-only until [編集]; then one form for 企業名, 勤革時連携 (URL,
 * token), 打刻連携, 休憩打刻する, LanScope's collection start and MaLion連携
 * (on/off, ホスト名, 管理者コード, シークレットコード). Credentials are never
 * echoed back: the page says 設定済み / 未設定, an empty field keeps the
 * stored one, and each has its own [削除] button, which asks first. [保存]
 * has service/company_settings check every field and show each problem
 * next to its field; only a form with no problem is saved, whole, in one
 * transaction (audited with the administrator's login).
 */
#include <stdio.h>
#include <string.h>

#include "words/i18n.h"
#include "http/ui_internal.h"
#include "service/company_settings.h"
#include "service/kot_dispatch.h"
#include "service/kot_settings.h"
#include "service/kot_sync.h"
#include "service/malion_poll.h"
#include "service/malion_settings.h"
#include "util/log.h"
#include "util/timefmt.h"

const char *const ui_settings_fields[] = {"csrf",   "name",           "kot_url",     "kot_token",
                                          "delivery", "breaks",       "collect",     "malion_enabled",
                                          "malion_host", "malion_admin", "malion_secret",
                                          "kot_mode", "div_start", "div_end", NULL};
const char *const ui_settings_clear_fields[] = {"csrf", "field", "confirm", NULL};
const char *const ui_settings_test_fields[] = {"csrf", "target", NULL};

/* The company's settings as the template shows them (no secret values). */
static json_t *company_json(ui_req *u, const lr_company *c)
{
    char collect[6], start[8], end[8];
    json_t *o;
    tf_format_hhmm(c->lanscope_collect_min, collect);
    snprintf(start, sizeof start, "%d", c->div_start_min);
    snprintf(end, sizeof end, "%d", c->div_end_min);
    o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:b, s:s, s:s, s:b}", "code", c->code,
                  "name", c->name, "kot_url", c->kot_base_url, "kot_token",
                  kot_settings_configured(u->s, c), "delivery", c->punch_delivery, "breaks",
                  c->break_punches, "lanscope_token", c->has_lanscope_token, "collect", collect,
                  "malion_enabled", c->malion_enabled, "malion_host", c->malion_host,
                  "malion_admin", c->malion_admin_code, "malion_secret",
                  malion_settings_has_secret(u->s, c));
    /* 乖離: the mode and the limits */
    json_object_set_new(o, "record_mode", json_boolean(strcmp(c->kot_mode, "record") == 0));
    json_object_set_new(o, "div_start", json_string(start));
    json_object_set_new(o, "div_end", json_string(end));
    return o;
}

/* What has its own [削除] button: KING OF TIME's token, and MaLion's
 * fields (malion: its MALION_FIELD_*). */
typedef struct clearable {
    const char *field, *key;
    unsigned malion;
} clearable;

static const clearable clearables[] = {
    {"kot_token", "settings.kot_token", 0},
    {"malion_host", "settings.malion_host", MALION_FIELD_HOST},
    {"malion_admin", "settings.malion_admin", MALION_FIELD_ADMIN_CODE},
    {"malion_secret", "settings.malion_secret", MALION_FIELD_SECRET_CODE},
};

static const clearable *clearable_of(const char *field)
{
    for (size_t i = 0; i < sizeof clearables / sizeof clearables[0]; i++)
        if (strcmp(clearables[i].field, field) == 0)
            return &clearables[i];
    return NULL;
}

/* "勤革時連携 アクセストークン" / "KING OF TIME: Access token" */
static void clear_label(ui_req *u, const clearable *k, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s%s%s", i18n_text(u->lang, k->malion ? "settings.malion" : "settings.kot"),
             u->lang == LANG_JA ? " " : ": ", i18n_text(u->lang, k->key));
}

static json_t *clear_buttons(ui_req *u)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof clearables / sizeof clearables[0]; i++) {
        char label[200];
        clear_label(u, &clearables[i], label, sizeof label);
        json_array_append_new(a, json_pack("{s:s, s:s}", "field", clearables[i].field, "label",
                                           label));
    }
    return a;
}

/* The page; c_over replaces the stored values (a refused form shown again);
 * extra's members are added to the template's data (taken). */
static void page(ui_req *u, int status, int edit, const char *notice_key, json_t *c_over,
                 json_t *errors, json_t *extra)
{
    lr_company c;
    lr_error err;
    json_t *d;
    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK) {
        json_decref(c_over);
        json_decref(errors);
        json_decref(extra);
        ui_error_page(u, 500, "error.title");
        return;
    }
    d = json_pack("{s:o, s:b, s:b}", "c", c_over ? c_over : company_json(u, &c), "edit", edit,
                  "nav_settings", 1);
    if (extra) {
        json_object_update(d, extra);
        json_decref(extra);
    }
    if (notice_key)
        json_object_set_new(d, "notice", json_string(i18n_text(u->lang, notice_key)));
    if (errors && json_object_size(errors)) {
        json_object_set_new(d, "has_errors", json_true());
        json_object_set(d, "err", errors);
    }
    json_decref(errors);
    if (edit)
        json_object_set_new(d, "clears", clear_buttons(u));
    ui_render(u, status, "settings", "page.settings", d);
}

void ui_settings_view(ui_req *u)
{
    page(u, 200, 0, NULL, NULL, NULL, NULL);
}

void ui_settings_edit(ui_req *u)
{
    page(u, 200, 1, NULL, NULL, NULL, NULL);
}

/* "on" / "off" -> 1 / 0; anything else -1. */
static int onoff(const char *v)
{
    return v && strcmp(v, "on") == 0 ? 1 : v && strcmp(v, "off") == 0 ? 0 : -1;
}

static const char *field(ui_req *u, const char *name)
{
    const char *v = form_get(&u->f, name);
    return v ? v : "";
}

static void mark_bad(void *ctx, const char *field)
{
    json_object_set_new(ctx, field, json_true());
}

void ui_settings_save(ui_req *u)
{
    company_settings_form f = {
        .name = field(u, "name"),
        .kot_url = field(u, "kot_url"),
        .kot_token = field(u, "kot_token"),
        .collect = field(u, "collect"),
        .malion_host = field(u, "malion_host"),
        .malion_admin = field(u, "malion_admin"),
        .malion_secret = field(u, "malion_secret"),
        .kot_mode = field(u, "kot_mode"),
        .div_start = field(u, "div_start"),
        .div_end = field(u, "div_end"),
        .delivery = onoff(form_get(&u->f, "delivery")),
        .breaks = onoff(form_get(&u->f, "breaks")),
        .malion_enabled = onoff(form_get(&u->f, "malion_enabled")),
    };
    json_t *errors;
    lr_company c;
    lr_error err;
    char actor[80];

    if (f.delivery < 0 || f.breaks < 0 || f.malion_enabled < 0) {
        ui_error_page(u, 400, "error.csrf");
        return;
    }
    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK) {
        ui_error_page(u, 500, "error.title");
        return;
    }
    /* every field first, each problem next to its field */
    errors = json_object();
    if (company_settings_check(u->s, &c, &f, mark_bad, errors) > 0) {
        /* shown again as typed, secrets excepted */
        json_t *again = company_json(u, &c);
        json_object_set_new(again, "name", json_string(f.name));
        json_object_set_new(again, "kot_url", json_string(f.kot_url));
        json_object_set_new(again, "collect", json_string(f.collect));
        json_object_set_new(again, "malion_host", json_string(f.malion_host));
        json_object_set_new(again, "malion_admin", json_string(f.malion_admin));
        json_object_set_new(again, "delivery", json_boolean(f.delivery));
        json_object_set_new(again, "breaks", json_boolean(f.breaks));
        json_object_set_new(again, "malion_enabled", json_boolean(f.malion_enabled));
        if (*f.kot_mode)
            json_object_set_new(again, "record_mode", json_boolean(strcmp(f.kot_mode, "record") == 0));
        if (*f.div_start)
            json_object_set_new(again, "div_start", json_string(f.div_start));
        if (*f.div_end)
            json_object_set_new(again, "div_end", json_string(f.div_end));
        /* what was typed in a secret field is not sent back to the browser:
         * said next to the field, so it is typed again */
        page(u, 422, 1, NULL, again, errors,
             json_pack("{s:b, s:b}", "retype_kot_token", *f.kot_token != 0,
                       "retype_malion_secret", *f.malion_secret != 0));
        return;
    }
    json_decref(errors);
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    if (company_settings_save(u->s, c.code, &f, u->app->secrets, actor, &err) != LR_OK) {
        log_error("settings of %s: %s", c.code, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    page(u, 200, 0, "settings.saved", NULL, NULL, NULL);
}

/* What clearing k takes with it, in words of the page's language. */
static const char *clear_consequence(ui_req *u, const lr_company *c, const clearable *k)
{
    if (!k->malion)
        return i18n_text(u->lang, "settings.clear_kot_token");
    return i18n_text(u->lang, c->malion_enabled ? "settings.clear_malion_on"
                                                : "settings.clear_malion_off");
}

void ui_settings_clear(ui_req *u)
{
    const clearable *k = clearable_of(field(u, "field"));
    char actor[80], question[300], label[200];
    lr_company c;
    lr_error err;
    lr_status st;

    if (!k) {
        ui_error_page(u, 400, "error.csrf");
        return;
    }
    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK) {
        ui_error_page(u, 500, "error.title");
        return;
    }
    if (strcmp(field(u, "confirm"), "1") != 0) { /* [削除] asks first, saying what goes with it */
        clear_label(u, k, label, sizeof label);
        snprintf(question, sizeof question, "%s %s", i18n_text(u->lang, "settings.clear_confirm"),
                 label);
        page(u, 200, 1, NULL, NULL, NULL,
             ui_confirm(u, question, clear_consequence(u, &c, k), "/settings/clear",
                        (const char *const[]){"field", k->field, NULL}, "settings.clear_do",
                        "settings.clear_keep", "/settings/edit"));
        return;
    }
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    st = k->malion ? malion_settings_clear(u->s, u->se.company_code, k->malion, actor, &err)
                   : kot_settings_clear_token(u->s, u->se.company_code, actor, &err);
    if (st != LR_OK) {
        log_error("settings of %s: clearing %s: %s", u->se.company_code, k->field, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    page(u, 200, 1, k->malion && c.malion_enabled ? "settings.cleared_malion_off" : "settings.cleared",
         NULL, NULL, NULL);
}

/* The result of a connection test in words: ok, or why not with the
 * technical detail apart. */
static json_t *test_result(ui_req *u, const char *target, lr_status st, const lr_error *err,
                           const char *ok_words)
{
    const char *w;
    const int kot = strcmp(target, "kot") == 0;
    if (st == LR_OK)
        return json_pack("{s:b, s:b, s:{s:b, s:s}}", "test_kot", kot, "test_malion", !kot, "test",
                         "ok", 1, "words", ok_words);
    w = st == LR_EBUSY && kot ? i18n_text(u->lang, "users.sync_later")
                              : ui_failure_words(u, lr_status_code(st));
    return json_pack("{s:b, s:b, s:{s:b, s:s, s:s}}", "test_kot", kot, "test_malion", !kot, "test",
                     "ok", 0, "words", w, "detail", err->message);
}

void ui_settings_test(ui_req *u)
{
    const char *target = field(u, "target");
    char words[400] = "";
    lr_error err;
    lr_status st;

    lr_error_clear(&err);
    if (strcmp(target, "kot") == 0) {
        /* what `loginrec kot sync --dry-run` does: read KoT, change nothing */
        kot_sync_stats ks;
        dispatch_cfg cfg;
        dispatch_cfg_default(&cfg);
        st = u->app->secrets ? kot_sync_company(u->s, u->se.company_code, u->app->secrets,
                                                cfg.timeout_ms, "ui-test", 1, NULL, &ks, &err)
                             : lr_fail(&err, LR_ECRYPTO, "no secrets key");
        if (st == LR_OK) {
            static const char *const names[] = {"employees", "added", "updated", "deleted",
                                                "restored"};
            const size_t n[5] = {ks.added + ks.updated + ks.unchanged + ks.restored, ks.added,
                                 ks.updated, ks.deleted, ks.restored};
            i18n_fill_counts(u->lang, "settings.test_kot_ok", words, sizeof words, names, n, 5);
        }
    } else if (strcmp(target, "malion") == 0) {
        /* what `loginrec malion test` does: sign in with the stored codes */
        malion_poll_cfg cfg;
        malion_poll_cfg_default(&cfg);
        st = u->app->secrets
                 ? malion_poll_test(u->s, u->se.company_code, u->app->secrets, cfg.timeout_ms, &err)
                 : lr_fail(&err, LR_ECRYPTO, "no secrets key");
        snprintf(words, sizeof words, "%s", i18n_text(u->lang, "settings.test_malion_ok"));
    } else {
        ui_error_page(u, 400, "error.csrf");
        return;
    }
    if (st != LR_OK)
        log_warn("connection test (%s) of %s: %s", target, u->se.company_code, err.message);
    page(u, 200, 0, NULL, NULL, NULL, test_result(u, target, st, &err, words));
}
