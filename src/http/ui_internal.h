/*
 * ui_internal — what the admin UI's page files (ui.c, ui_settings.c, ...)
 * share: the request as a page sees it, rendering, redirects and error
 * pages. Not for use outside src/http/.
 */
#ifndef LR_HTTP_UI_INTERNAL_H
#define LR_HTTP_UI_INTERNAL_H

#include <jansson.h>

#include "core/day.h"
#include "http/multipart.h"
#include "http/server.h"
#include "service/admins.h"
#include "util/form.h"
#include "util/lang.h"

#define COOKIE_SESSION "lr_session"
#define COOKIE_PRE "lr_pre" /* the login form's CSRF token, before any session */
#define COOKIE_LANG "lr_lang"

/* UI_ASSET: a public file (stylesheet, icon) served without looking up
 * a session or setting a cookie. */
typedef enum ui_access { UI_PUBLIC, UI_SESSION, UI_ASSET } ui_access;

typedef struct ui_req {
    http_app *app;
    lr_store *s;
    http_request *rq;
    http_response *rs;
    int has_session;
    lr_session se;
    const char *token;
    char pre[ACCOUNT_TOKEN_LEN + 1];
    lr_lang lang;
    form f;           /* the POST's fields */
    http_upload up;   /* a multipart POST's file */
    lr_status up_st;  /* how reading it went (LR_ENOTFOUND: no file chosen) */
} ui_req;

typedef void (*ui_handler)(ui_req *u);

typedef struct ui_route {
    const char *method;
    const char *path;
    ui_access access;
    const char *const *params; /* query parameters, NULL-terminated */
    const char *const *fields; /* form fields (POST), NULL-terminated */
    int flags;                 /* UI_MULTIPART, UI_CACHED */
    ui_handler fn;
} ui_route;
#define UI_MULTIPART 1 /* the POST carries a file */
#define UI_CACHED 2    /* a GET whose page the response cache keeps (resp_cache.h) */

/* Renders templates/<name>.html with data (reference taken) and the page's
 * common values: language, session, tokens, path, the title of title_key. */
void ui_render(ui_req *u, int status, const char *name, const char *title_key, json_t *data);
/* 303 to a local path. */
void ui_redirect(ui_req *u, const char *to);
/* The error page with the catalogue text of key. */
void ui_error_page(ui_req *u, int status, const char *key);

/* What a page asks before a change it cannot take back, for
 * templates/confirm.html ({"confirm": ...}, taken by the page's data):
 * the question and what goes with it; [yes_key] posts to action the
 * fields (name, value, name, value, ..., NULL) with confirm=1; [no_key]
 * goes back to back_href. */
json_t *ui_confirm(ui_req *u, const char *question, const char *what, const char *action,
                   const char *const *fields, const char *yes_key, const char *no_key,
                   const char *back_href);

/* "YYYY/MM/DD HH:MM:SS" of utc in zone, as people read it. */
void ui_local_time(const char *zone, int64_t utc, char out[20]);
/* "2026/12/02 09:59": an instant as people read it, in zone. */
void ui_local_minute(const char *zone, int64_t utc, char out[17]);
/* 出勤 / 退勤 / 休憩開始 / 休憩終了 in the page's language. */
const char *ui_punch_kind(ui_req *u, punch_kind k);
/* The catalogue text of PREFIX.CODE (a status or reason code in words);
 * NULL for "" or a code without words. */
const char *ui_code_text(ui_req *u, const char *prefix, const char *code);
/* A failure's code (an lr_status_code) in words of the page's language:
 * status.err.<code>, or status.err.internal for a code without words. */
const char *ui_failure_words(ui_req *u, const char *code);
/* A source's name as people know it (LanScope Cat, MaLion, 汎用 API, ...);
 * a PC's own log (windows, linux) by its code. */
const char *ui_source_name(ui_req *u, const char *source);
/* ui_code_text of an outbox reason code (reason.*). */
const char *ui_reason(ui_req *u, const char *code);
/* path?query, the query's fields with a value percent-encoded; just path
 * when it would not fit in outsz. */
void ui_href(const char *path, const form *q, char *out, size_t outsz);
/* A <select>'s options: values[] (NULL-terminated) with the catalogue text
 * of keys[] (NULL: the value itself), the one equal to selected marked. */
json_t *ui_options(ui_req *u, const char *const *values, const char *const *keys,
                   const char *selected);

/* ui_divisions.c: 所属設定 */
extern const char *const ui_divisions_params[];
extern const char *const ui_divisions_save_fields[];
void ui_divisions_view(ui_req *u);
void ui_divisions_save(ui_req *u);

/* ui_settings.c: 企業情報 */
extern const char *const ui_settings_fields[];
extern const char *const ui_settings_clear_fields[];
extern const char *const ui_settings_test_fields[];
void ui_settings_view(ui_req *u);
void ui_settings_edit(ui_req *u);
void ui_settings_save(ui_req *u);
void ui_settings_clear(ui_req *u);
void ui_settings_test(ui_req *u);

/* ui_links.c: 連携設定 */
extern const char *const ui_links_download_params[];
extern const char *const ui_links_upload_fields[];
extern const char *const ui_links_apply_fields[];
void ui_links_view(ui_req *u);
void ui_links_download(ui_req *u);
void ui_links_upload(ui_req *u);
void ui_links_apply(ui_req *u);

/* ui_users.c: ユーザー設定 */
extern const char *const ui_users_sync_fields[];
void ui_users_view(ui_req *u);
void ui_users_sync(ui_req *u);
extern const char *const ui_users_unlink_fields[];
void ui_users_unlink(ui_req *u);

/* ui_daily.c: 日別データ; and its timeline, which 乖離's day detail draws too:
 * where utc falls on p's bar (minutes, 0..1440, clamped), "06:00" or
 * "06:00（翌日）" outside p's day, and p's PC sessions as bars. */
extern const char *const ui_daily_params[];
void ui_daily_view(ui_req *u);
struct daily_board;
struct daily_person;
double ui_daily_x(const struct daily_person *p, int64_t utc);
void ui_daily_when(ui_req *u, const struct daily_board *d, const struct daily_person *p,
                   int64_t utc, char *out, size_t outsz);
json_t *ui_daily_sessions(ui_req *u, const struct daily_board *d, const struct daily_person *p,
                          int64_t now);

/* ui_divergence.c: 乖離 */
extern const char *const ui_divergence_params[];
extern const char *const ui_divergence_day_params[];
extern const char *const ui_divergence_download_params[];
extern const char *const ui_divergence_confirm_fields[];
void ui_divergence_view(ui_req *u);
void ui_divergence_day(ui_req *u);
void ui_divergence_download(ui_req *u);
void ui_divergence_confirm(ui_req *u);

/* ui_div_reasons.c: 乖離's reasons */
extern const char *const ui_div_reasons_params[];
extern const char *const ui_div_reasons_fields[];
extern const char *const ui_div_reasons_remove_fields[];
void ui_div_reasons_view(ui_req *u);
void ui_div_reasons_save(ui_req *u);
void ui_div_reasons_remove(ui_req *u);

/* ui_status.c: 連携状況 */
extern const char *const ui_status_retry_fields[];
void ui_status_view(ui_req *u);
void ui_status_retry(ui_req *u);

/* ui_logs.c: ログ表示 */
extern const char *const ui_logs_params[];
void ui_logs_view(ui_req *u);

#endif
