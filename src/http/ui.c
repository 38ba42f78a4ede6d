/*
 * ui — the admin UI's router and its session pages (ログイン, マイアカウント,
 * 表示言語). Server-rendered HTML from web/templates through tmpl.c, texts
 * from the ja/en catalogues.
 *
 * Every route is declared once in `routes` with who may call it (public or
 * a session), the query parameters and form fields it takes (anything else
 * is 400), and whether it changes something (POST: the form must carry the
 * session's CSRF token, or the pre-session token of the login form). The
 * company is always the session's: no route takes one from the request, so
 * a session of company A cannot name company B. A page without a session
 * sends the browser to /login; a POST without one, or without its token,
 * is 403.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "words/i18n.h"
#include "http/ui_internal.h"
#include "http/resp_cache.h"
#include "http/routers.h"
#include "http/server.h"
#include "http/tmpl.h"
#include "words/webfiles.h"
#include "service/admins.h"
#include "service/links.h"
#include "util/form.h"
#include "util/log.h"
#include "util/token.h"
#include "util/tz.h"

/* ---- rendering ---- */

static const char *partial(void *ctx, const char *name)
{
    char path[160];
    const web_file *f;
    (void)ctx;
    snprintf(path, sizeof path, "templates/%s.html", name);
    f = web_file_get(path);
    return f ? f->data : NULL;
}

void ui_render(ui_req *u, int status, const char *name, const char *title_key, json_t *data)
{
    tmpl_env env = {i18n_tmpl_text, &u->lang, partial, NULL};
    const char *tmpl = partial(NULL, name);
    const char *title = i18n_text(u->lang, title_key);
    lr_error err;

    if (!data)
        data = json_object();
    json_object_set_new(data, "lang", json_string(u->lang == LANG_JA ? "ja" : "en"));
    json_object_set_new(data, "is_ja", json_boolean(u->lang == LANG_JA));
    json_object_set_new(data, "path", json_string(u->rq->path));
    json_object_set_new(data, "title", json_string(title ? title : ""));
    json_object_set_new(data, "pre_csrf", json_string(u->pre));
    if (u->has_session)
        json_object_set_new(data, "session",
                            json_pack("{s:s, s:s, s:s}", "company", u->se.company_code, "login",
                                      u->se.login, "csrf", u->se.csrf));
    buf_reset(&u->rs->body);
    if (!tmpl || tmpl_render(name, tmpl, data, &env, &u->rs->body, &err) != LR_OK) {
        log_error("page %s: %s", name, tmpl ? err.message : "no such template");
        http_error(u->rs, 500, "the page could not be drawn");
    } else {
        u->rs->status = status;
        u->rs->content_type = "text/html; charset=utf-8";
        u->rs->html = 1;
    }
    json_decref(data);
}

void ui_redirect(ui_req *u, const char *to)
{
    u->rs->status = 303;
    u->rs->content_type = "text/plain; charset=utf-8";
    snprintf(u->rs->location, sizeof u->rs->location, "%s", to);
    buf_reset(&u->rs->body);
    buf_puts(&u->rs->body, "see ");
    buf_puts(&u->rs->body, to);
}

void ui_error_page(ui_req *u, int status, const char *key)
{
    const char *msg = i18n_text(u->lang, key);
    ui_render(u, status, "error", "page.error",
           json_pack("{s:s, s:s}", "message", msg ? msg : key, "back",
                     u->has_session ? "/" : "/login"));
}

json_t *ui_confirm(ui_req *u, const char *question, const char *what, const char *action,
                   const char *const *fields, const char *yes_key, const char *no_key,
                   const char *back_href)
{
    json_t *list = json_array();
    for (size_t i = 0; fields[i] && fields[i + 1]; i += 2)
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", fields[i], "value",
                                              fields[i + 1]));
    return json_pack("{s:{s:s, s:s, s:s, s:o, s:s, s:s, s:s}}", "confirm", "question", question,
                     "what", what, "action", action, "fields", list, "yes",
                     i18n_text(u->lang, yes_key), "no", i18n_text(u->lang, no_key), "back",
                     back_href);
}

/* The first len characters of "YYYY/MM/DD HH:MM:SS" of utc in zone. */
static void local_words(const char *zone, int64_t utc, char *out, size_t len)
{
    char iso[32];
    tz_format_iso(zone, utc, iso);
    iso[4] = iso[7] = '/';
    iso[10] = ' ';
    iso[len] = '\0';
    memcpy(out, iso, len + 1);
}

void ui_local_time(const char *zone, int64_t utc, char out[20])
{
    local_words(zone, utc, out, 19);
}

void ui_local_minute(const char *zone, int64_t utc, char out[17])
{
    local_words(zone, utc, out, 16);
}

void ui_href(const char *path, const form *q, char *out, size_t outsz)
{
    lr_buf b;
    buf_init(&b, outsz);
    buf_puts(&b, path);
    buf_puts(&b, "?");
    if (form_encode(q, &b) == LR_OK && b.len < outsz)
        snprintf(out, outsz, "%s", buf_str(&b));
    else
        snprintf(out, outsz, "%s", path);
    buf_free(&b);
}

const char *ui_punch_kind(ui_req *u, punch_kind k)
{
    static const char *const keys[] = {"daily.clock_in", "daily.clock_in", "daily.clock_out",
                                       "daily.break_start", "daily.break_end"};
    return i18n_text(u->lang, keys[k >= 1 && k <= 4 ? k : 0]);
}

const char *ui_code_text(ui_req *u, const char *prefix, const char *code)
{
    char key[80];
    if (!code || !code[0])
        return NULL;
    snprintf(key, sizeof key, "%s.%.50s", prefix, code);
    return i18n_text(u->lang, key);
}

const char *ui_failure_words(ui_req *u, const char *code)
{
    const char *w = ui_code_text(u, "status.err", code);
    return w ? w : i18n_text(u->lang, "status.err.internal");
}

const char *ui_source_name(ui_req *u, const char *source)
{
    static const struct {
        const char *source, *key;
    } names[] = {{"lanscope", "name.lanscope"},
                 {"malion", "name.malion"},
                 {"smarton", "name.smarton"},
                 {"generic", "logs.source_generic"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (source && strcmp(source, names[i].source) == 0)
            return i18n_text(u->lang, names[i].key);
    return source ? source : "";
}

const char *ui_reason(ui_req *u, const char *code)
{
    return ui_code_text(u, "reason", code);
}

json_t *ui_options(ui_req *u, const char *const *values, const char *const *keys,
                   const char *selected)
{
    json_t *a = json_array();
    for (size_t i = 0; values[i]; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
                                           keys ? i18n_text(u->lang, keys[i]) : values[i],
                                           "selected",
                                           strcmp(values[i], selected ? selected : "") == 0));
    return a;
}

/* ---- pages ---- */

static void h_root(ui_req *u)
{
    ui_redirect(u, u->has_session ? "/settings" : "/login");
}

static void login_page(ui_req *u, int status, const char *error_key, const char *company,
                       const char *login)
{
    json_t *d = json_pack("{s:s, s:s}", "company", company ? company : "", "login",
                          login ? login : "");
    if (error_key)
        json_object_set_new(d, "error", json_pack("{s:s}", "message", i18n_text(u->lang, error_key)));
    ui_render(u, status, "login", "page.login", d);
}

static void h_login_get(ui_req *u)
{
    if (u->has_session) {
        ui_redirect(u, "/");
        return;
    }
    login_page(u, 200, NULL, NULL, NULL);
}

static void h_login_post(ui_req *u)
{
    const char *company = form_get(&u->f, "company"), *login = form_get(&u->f, "login");
    const char *password = form_get(&u->f, "password");
    char ip[64], token[ACCOUNT_TOKEN_LEN + 1];
    lr_error err;
    lr_status st;

    if (!company || !login || !password) {
        login_page(u, 400, "login.failed", company, login);
        return;
    }
    http_client_ip(u->rq, ip, sizeof ip);
    st = account_login(u->s, company, login, password, ip, token, &err);
    if (st == LR_ELIMIT) {
        login_page(u, 429, "login.throttled", company, login);
        return;
    }
    if (st == LR_EBUSY) {
        login_page(u, 503, "login.unavailable", company, login);
        return;
    }
    if (st != LR_OK) {
        login_page(u, st == LR_EAUTH ? 401 : 500, "login.failed", company, login);
        return;
    }
    http_set_cookie(u->app, u->rs, COOKIE_SESSION, token, ACCOUNT_SESSION_SECONDS);
    http_set_cookie(u->app, u->rs, COOKIE_PRE, "", 0);
    sodium_memzero(token, sizeof token);
    ui_redirect(u, "/");
}

static void h_logout(ui_req *u)
{
    lr_error err;
    if (account_logout(u->s, u->token, &err) != LR_OK)
        log_warn("logout: %s", err.message);
    http_set_cookie(u->app, u->rs, COOKIE_SESSION, "", 0);
    ui_redirect(u, "/login");
}

static void account_page(ui_req *u, int status, const char *notice_key, const char *field,
                         const char *error_key)
{
    json_t *d = json_object();
    if (notice_key)
        json_object_set_new(d, "notice",
                            json_pack("{s:s}", "message", i18n_text(u->lang, notice_key)));
    if (field)
        json_object_set_new(d, "errors", json_pack("{s:s}", field, i18n_text(u->lang, error_key)));
    json_object_set_new(d, "nav_account", json_true());
    ui_render(u, status, "account", "page.account", d);
}

static void h_account(ui_req *u)
{
    account_page(u, 200, NULL, NULL, NULL);
}

static void h_password(ui_req *u)
{
    const char *cur = form_get(&u->f, "current"), *nw = form_get(&u->f, "new");
    const char *confirm = form_get(&u->f, "confirm");
    account_field field;
    lr_error err;
    if (!cur || !nw || !confirm) {
        account_page(u, 400, NULL, "current", "account.wrong_current");
        return;
    }
    if (account_change_password(u->s, &u->se, u->token, cur, nw, confirm, &field, &err) == LR_OK)
        account_page(u, 200, "account.changed", NULL, NULL);
    else if (field == ACCOUNT_FIELD_CURRENT)
        account_page(u, 422, NULL, "current", "account.wrong_current");
    else if (field == ACCOUNT_FIELD_NEW)
        account_page(u, 422, NULL, "new", "account.too_short");
    else if (field == ACCOUNT_FIELD_CONFIRM)
        account_page(u, 422, NULL, "confirm", "account.mismatch");
    else
        ui_error_page(u, 500, "error.title");
}

static void h_lang(ui_req *u)
{
    const char *lang = form_get(&u->f, "lang"), *back = form_get(&u->f, "back");
    const char *v = lang && strcmp(lang, "en") == 0 ? "en" : "ja";
    lr_error err;
    if (u->has_session && account_set_lang(u->s, &u->se, v, &err) != LR_OK)
        log_warn("language: %s", err.message);
    http_set_cookie(u->app, u->rs, COOKIE_LANG, v, 365L * 86400);
    /* back to a page of ours only: a local path, never another site */
    ui_redirect(u, back && back[0] == '/' && back[1] != '/' && !strpbrk(back, "\\\r\n") ? back : "/");
}

static void static_file(ui_req *u, const char *name, const char *type)
{
    const web_file *f = web_file_get(name);
    u->rs->status = 200;
    u->rs->content_type = type;
    buf_reset(&u->rs->body);
    buf_append(&u->rs->body, f->data, f->len);
}

static void h_css(ui_req *u)
{
    static_file(u, "static/app.css", "text/css; charset=utf-8");
}

static void h_icon(ui_req *u)
{
    static_file(u, "static/favicon.svg", "image/svg+xml");
}

/* ---- the route table ---- */

static const char *const login_fields[] = {"csrf", "company", "login", "password", NULL};
static const char *const csrf_only[] = {"csrf", NULL};
static const char *const password_fields[] = {"csrf", "current", "new", "confirm", NULL};
static const char *const lang_fields[] = {"csrf", "lang", "back", NULL};

static const char *const none[] = {NULL};

static const ui_route routes[] = {
    {"GET", "/", UI_PUBLIC, none, none, 0, h_root},
    {"GET", "/login", UI_PUBLIC, none, none, 0, h_login_get},
    {"POST", "/login", UI_PUBLIC, none, login_fields, 0, h_login_post},
    {"POST", "/logout", UI_SESSION, none, csrf_only, 0, h_logout},
    {"GET", "/account", UI_SESSION, none, none, 0, h_account},
    {"POST", "/account/password", UI_SESSION, none, password_fields, 0, h_password},
    {"GET", "/settings", UI_SESSION, none, none, 0, ui_settings_view},
    {"GET", "/settings/edit", UI_SESSION, none, none, 0, ui_settings_edit},
    {"POST", "/settings", UI_SESSION, none, ui_settings_fields, 0, ui_settings_save},
    {"POST", "/settings/clear", UI_SESSION, none, ui_settings_clear_fields, 0, ui_settings_clear},
    {"POST", "/settings/test", UI_SESSION, none, ui_settings_test_fields, 0, ui_settings_test},
    {"GET", "/divisions", UI_SESSION, ui_divisions_params, none, 0, ui_divisions_view},
    {"POST", "/divisions/save", UI_SESSION, none, ui_divisions_save_fields, 0, ui_divisions_save},
    {"GET", "/links", UI_SESSION, none, none, 0, ui_links_view},
    {"GET", "/links/download", UI_SESSION, ui_links_download_params, none, 0, ui_links_download},
    {"POST", "/links/upload", UI_SESSION, none, ui_links_upload_fields, UI_MULTIPART, ui_links_upload},
    {"POST", "/links/apply", UI_SESSION, none, ui_links_apply_fields, 0, ui_links_apply},
    {"GET", "/users", UI_SESSION, none, none, 0, ui_users_view},
    {"POST", "/users/sync", UI_SESSION, none, ui_users_sync_fields, 0, ui_users_sync},
    {"POST", "/users/unlink", UI_SESSION, none, ui_users_unlink_fields, 0, ui_users_unlink},
    {"GET", "/logs", UI_SESSION, ui_logs_params, none, UI_CACHED, ui_logs_view},
    {"GET", "/daily", UI_SESSION, ui_daily_params, none, 0, ui_daily_view},
    {"GET", "/divergence", UI_SESSION, ui_divergence_params, none, 0, ui_divergence_view},
    {"GET", "/divergence/day", UI_SESSION, ui_divergence_day_params, none, 0, ui_divergence_day},
    {"GET", "/divergence/download", UI_SESSION, ui_divergence_download_params, none, 0,
     ui_divergence_download},
    {"POST", "/divergence/confirm", UI_SESSION, none, ui_divergence_confirm_fields, 0,
     ui_divergence_confirm},
    {"GET", "/divergence/reasons", UI_SESSION, ui_div_reasons_params, none, 0, ui_div_reasons_view},
    {"POST", "/divergence/reasons", UI_SESSION, none, ui_div_reasons_fields, 0, ui_div_reasons_save},
    {"POST", "/divergence/reasons/remove", UI_SESSION, none, ui_div_reasons_remove_fields, 0,
     ui_div_reasons_remove},
    {"GET", "/status", UI_SESSION, none, none, 0, ui_status_view},
    {"POST", "/status/retry", UI_SESSION, none, ui_status_retry_fields, 0, ui_status_retry},
    {"POST", "/lang", UI_PUBLIC, none, lang_fields, 0, h_lang},
    {"GET", "/static/app.css", UI_ASSET, none, none, 0, h_css},
    {"GET", "/static/favicon.svg", UI_ASSET, none, none, 0, h_icon},
};

void ui_routes_print(void)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        printf("%s %s %s%s\n", routes[i].method, routes[i].path,
               routes[i].access == UI_SESSION ? "session" : "public",
               routes[i].flags & UI_MULTIPART ? " multipart" : "");
}


/* The POST's fields into u->f: a urlencoded form, or the text parts of a
 * multipart one (its file into u->up). Returns 0 with an error page. */
static int read_post(ui_req *u, const ui_route *r)
{
    lr_error err;
    if (r->flags & UI_MULTIPART) {
        u->up_st = http_multipart_read(u->rq, LINKS_CSV_MAX, &u->up, &err);
        if (u->up_st != LR_OK && u->up_st != LR_ENOTFOUND) {
            ui_error_page(u, u->up_st == LR_ETOOBIG ? 413 : 400,
                          u->up_st == LR_ETOOBIG ? "links.too_big" : "error.csrf");
            return 0;
        }
        u->f = u->up.fields; /* moved: freed with u->f */
        memset(&u->up.fields, 0, sizeof u->up.fields);
        return 1;
    }
    if (form_parse(buf_str(&u->rq->body), u->rq->body.len, &u->f, &err) != LR_OK) {
        ui_error_page(u, err.code == LR_ETOOBIG ? 413 : 400, "error.csrf");
        return 0;
    }
    return 1;
}

/* The language of the page: the user's choice, then the cookie, then the
 * browser's; Japanese when none says. */
static lr_lang page_lang(const ui_req *u)
{
    const char *c = http_cookie(u->rq, COOKIE_LANG), *al = http_header(u->rq, "Accept-Language");
    if (u->has_session && u->se.lang[0])
        return lang_parse(u->se.lang);
    if (c)
        return lang_parse(c);
    if (al)
        return lang_from_accept(al);
    return LANG_JA;
}

static int token_equal(const char *a, const char *b)
{
    size_t n = a ? strlen(a) : 0;
    return a && b && n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* A GET: a page the cache keeps (r->cached) is answered from it at the
 * company's data generation the session was read with, or drawn and kept.
 * Beside its query, a page depends on its reader (name, CSRF token) and
 * language. */
static void run_get(ui_req *u, const ui_route *r)
{
    char key[2048], variant[160];
    int keyed = 0;
    if ((r->flags & UI_CACHED) && u->has_session) {
        snprintf(variant, sizeof variant, "%lld %s %d", (long long)u->se.user_id, u->se.csrf,
                 (int)u->lang);
        keyed = resp_cache_key(u->rq, r->params, variant, key, sizeof key);
        if (keyed && resp_cache_get(u->app->cache, u->se.company_id, u->se.generation, key, u->rs))
            return;
    }
    r->fn(u);
    if (keyed)
        resp_cache_put(u->app->cache, u->se.company_id, u->se.generation, key, u->rs);
}

int ui_wants(const char *path)
{
    (void)path;
    return 1;
}

void ui_dispatch(http_app *app, http_request *rq, http_response *rs)
{
    ui_req u;
    const ui_route *r = NULL;
    int path_known = 0;

    memset(&u, 0, sizeof u);
    u.app = app;
    u.rq = rq;
    u.rs = rs;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(routes[i].path, rq->path) != 0)
            continue;
        path_known = 1;
        if (strcmp(routes[i].method, rq->method) == 0)
            r = &routes[i];
    }
    if (r && r->access == UI_ASSET && !http_undeclared_query(rq, r->params)) {
        r->fn(&u); /* the same bytes for everyone: no session, no database */
        return;
    }
    u.s = store_pool_take(app->pool);
    u.token = http_cookie(rq, COOKIE_SESSION);
    u.has_session = u.token && account_session(u.s, u.token, &u.se) == LR_OK;
    if (u.has_session)
        log_set_context(NULL, u.se.company_code);
    u.lang = page_lang(&u);
    {
        const char *pre = http_cookie(rq, COOKIE_PRE);
        if (pre && strlen(pre) == ACCOUNT_TOKEN_LEN) {
            snprintf(u.pre, sizeof u.pre, "%s", pre);
        } else {
            token_random(u.pre, sizeof u.pre, 32);
            if (!u.has_session)
                http_set_cookie(app, rs, COOKIE_PRE, u.pre, 3600);
        }
    }
    if (!r) {
        if (path_known)
            ui_error_page(&u, 405, "error.not_found");
        else
            ui_error_page(&u, 404, "error.not_found");
    } else if (http_undeclared_query(rq, r->params)) {
        /* an undeclared parameter: a company named here is never honoured */
        ui_error_page(&u, 400, "error.not_found");
    } else if (r->access == UI_SESSION && !u.has_session) {
        if (strcmp(r->method, "GET") == 0)
            ui_redirect(&u, "/login");
        else
            ui_error_page(&u, 403, "error.csrf");
    } else if (strcmp(r->method, "POST") != 0) {
        run_get(&u, r);
    } else if (!read_post(&u, r)) {
        /* the error page is drawn */
    } else if (form_undeclared(&u.f, r->fields)) {
        ui_error_page(&u, 400, "error.csrf");
    } else if (!token_equal(form_get(&u.f, "csrf"), u.has_session ? u.se.csrf : u.pre)) {
        ui_error_page(&u, 403, "error.csrf");
    } else {
        r->fn(&u);
    }
    form_free(&u.f);
    http_upload_free(&u.up);
    store_pool_give(app->pool, u.s);
}
