/*
 * ui_status — 連携状況 (integration status): per source (LanScope's agent,
 * MaLion's poller, the generic API) when it last brought something and
 * its last failure in the reader's language (the English detail beside
 * it), the agent versions seen, the day-change alignment warning of the
 * LanScope integration; the PCs' own logs (Windows, Linux) with the Windows
 * user names that are two accounts; the KING OF TIME employee sync; and the outbox of
 * punches: how many wait, and each failed one with its reason and a
 * [再送] (retry) button.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "words/i18n.h"
#include "http/ui_internal.h"
#include "service/admin.h"
#include "service/lanscope_settings.h"
#include "service/malion_settings.h"
#include "service/pc_check.h"
#include "util/clock.h"
#include "sinks/kot_api.h"
#include "util/log.h"

const char *const ui_status_retry_fields[] = {"csrf", NULL};

#define FAILED_SHOWN 200

static json_t *when(const lr_company *c, int64_t t)
{
    char s[17];
    if (!t)
        return json_null();
    ui_local_minute(c->tz, t, s); /* 2026/12/02 09:59, as people read it */
    return json_string(s);
}

/* A failure's code in words of the page's language, its detail beside. */
static json_t *problem(ui_req *u, const lr_company *c, int64_t at, const char *code,
                       const char *detail)
{
    if (!code[0] && !detail[0])
        return json_null();
    return json_pack("{s:o, s:s, s:s}", "at", when(c, at), "words", ui_failure_words(u, code),
                     "detail", detail);
}

static int add_version(void *ctx, const lr_version_seen *v)
{
    json_t *a = ctx;
    json_array_append_new(a, json_pack("{s:s, s:I}", "version", v->version[0] ? v->version : "-",
                                       "events", (json_int_t)v->events));
    return 0;
}

typedef struct align_ctx {
    ui_req *u;
    json_t *list;
} align_ctx;

static int add_misaligned(void *ctx, const lanscope_misaligned *m)
{
    align_ctx *a = ctx;
    char dc[6], co[6], line[400];
    snprintf(dc, sizeof dc, "%02d:%02d", m->day_change_min / 60, m->day_change_min % 60);
    snprintf(co, sizeof co, "%02d:%02d", m->collect_min / 60, m->collect_min % 60);
    snprintf(line, sizeof line, "%s%s%s — %s %s / %s %s",
             m->division_code[0] ? m->division_code : i18n_text(a->u->lang, "status.no_division"),
             m->division_name[0] ? " " : "", m->division_name,
             i18n_text(a->u->lang, "status.day_change"), dc,
             i18n_text(a->u->lang, "status.collect"), co);
    json_array_append_new(a->list, json_string(line));
    return 0;
}

static json_t *source(ui_req *u, const lr_company *c, const char *name, json_t *extra)
{
    lr_source_status st;
    lr_error err;
    if (store_source_status_get(u->s, c->id, name, &st, &err) != LR_OK)
        memset(&st, 0, sizeof st);
    json_object_set_new(extra, "success", when(c, st.success_at));
    /* a refusal older than the last success is history, not a problem */
    if (st.error_at && st.error_at >= st.success_at)
        json_object_set_new(extra, "problem",
                            problem(u, c, st.error_at, st.error_code, st.error));
    return extra;
}

typedef struct failed_ctx {
    ui_req *u;
    const lr_company *c;
    json_t *rows;
    size_t n;
} failed_ctx;

static int add_failed(void *ctx, const lr_outbox_row *r)
{
    failed_ctx *f = ctx;
    char t[20];
    const char *words;
    if (++f->n > FAILED_SHOWN)
        return 1;
    words = ui_reason(f->u, r->reason);
    ui_local_time(f->c->tz, r->utc, t);
    json_array_append_new(
        f->rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "employee", r->employee_code,
                           "day", r->work_day, "kind",
                           ui_punch_kind(f->u, r->kind),
                           "time", t + 11, "words",
                           words ? words : i18n_text(f->u->lang, "status.err.internal"), "detail",
                           r->result ? r->result : "", "attempts", r->attempts));
    return 0;
}

/* A Windows user name that is two accounts: its SIDs and PCs. */
static int add_shared(void *ctx, const pc_shared_name *s)
{
    json_t *a = ctx, *seen = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(seen, json_pack("{s:s, s:s}", "sid", s->seen[i].sid, "host",
                                              s->seen[i].host));
    json_array_append_new(a, json_pack("{s:s, s:o}", "account", s->account, "seen", seen));
    return 0;
}

/* The cards of the PCs' own logs: when each last brought something, the
 * formats seen, its last failure; for Windows, the names of two accounts. */
static json_t *pc_sources(ui_req *u, const lr_company *c, lr_error *err)
{
    static const struct {
        const char *name, *title;
    } logs[] = {{"windows", "status.windows"}, {"linux", "status.linux"}};
    json_t *a = json_array(), *shared = json_array();
    size_t n = 0;
    if (pc_shared_names(u->s, c, clock_now(), add_shared, shared, &n, err) != LR_OK) {
        json_decref(shared);
        json_decref(a);
        return NULL;
    }
    for (size_t i = 0; i < sizeof logs / sizeof *logs; i++) {
        json_t *formats = json_array();
        if (store_event_versions(u->s, c->id, logs[i].name, add_version, formats, err) != LR_OK) {
            json_decref(formats);
            json_decref(shared);
            json_decref(a);
            return NULL;
        }
        /* a Windows user name that is two accounts: shown on the Windows card */
        json_array_append_new(a, source(u, c, logs[i].name,
                                         json_pack("{s:s, s:s, s:o, s:o}", "id", logs[i].name,
                                                   "title", i18n_text(u->lang, logs[i].title),
                                                   "formats", formats, "shared",
                                                   i == 0 ? json_incref(shared) : json_array())));
    }
    json_decref(shared);
    return a;
}

static void page(ui_req *u, int status, const char *notice)
{
    lr_company c;
    lr_malion_state ms;
    lr_outbox_counts oc;
    lr_error err;
    json_t *d, *ls, *ml, *api, *lsv = json_array(), *mlv = json_array(), *kot, *pcs = NULL;
    align_ctx al = {u, json_array()};
    failed_ctx fc = {u, &c, json_array(), 0};
    size_t nmis = 0;
    char missing[300];

    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK ||
        store_malion_state_get(u->s, c.id, &ms, &err) != LR_OK ||
        store_outbox_counts(u->s, c.id, &oc, &err) != LR_OK ||
        store_event_versions(u->s, c.id, "lanscope", add_version, lsv, &err) != LR_OK ||
        store_event_versions(u->s, c.id, "malion", add_version, mlv, &err) != LR_OK ||
        lanscope_alignment(u->s, &c, add_misaligned, &al, &nmis, &err) != LR_OK ||
        store_outbox_list(u->s, c.id, OUTBOX_FAILED, add_failed, &fc, &err) != LR_OK ||
        !(pcs = pc_sources(u, &c, &err))) {
        log_error("status of %s: %s", u->se.company_code, err.message);
        json_decref(lsv);
        json_decref(mlv);
        json_decref(al.list);
        json_decref(fc.rows);
        ui_error_page(u, 500, "error.title");
        return;
    }
    ls = source(u, &c, "lanscope",
                json_pack("{s:b, s:o, s:o}", "token", c.has_lanscope_token, "versions", lsv,
                          "misaligned", al.list));
    malion_settings_missing(u->s, &c, missing, sizeof missing);
    ml = json_pack("{s:b, s:b, s:b, s:o, s:o, s:I, s:o, s:o}", "enabled", c.malion_enabled,
                   "before_change", ms.error[0] && ms.settings_at > ms.attempt_at, "complete",
                   missing[0] == 0, "success", when(&c, ms.success_at), "attempt",
                   when(&c, ms.attempt_at), "logs", (json_int_t)ms.logs_total, "versions", mlv,
                   "problem",
                   ms.error[0] ? problem(u, &c, ms.attempt_at, ms.error_code, ms.error)
                               : json_null());
    api = source(u, &c, "api", json_object());
    kot = json_pack("{s:o, s:s, s:b, s:o}", "at", when(&c, c.kot_synced_at), "result",
                    c.kot_sync_result, "ok", c.kot_sync_code[0] == 0, "problem",
                    c.kot_sync_code[0] ? problem(u, &c, c.kot_synced_at, c.kot_sync_code,
                                                 c.kot_sync_result)
                                       : json_null());
    d = json_pack("{s:b, s:o, s:o, s:o, s:o, s:b, s:{s:I, s:I, s:I, s:I, s:I, s:s}, s:o, s:b}",
                  "nav_status", 1, "lanscope", ls, "malion", ml, "api", api, "kot", kot,
                  "delivery", c.punch_delivery, "outbox", "pending", (json_int_t)oc.pending,
                  "sending", (json_int_t)oc.sending, "failed", (json_int_t)oc.failed, "done",
                  (json_int_t)oc.done, "restricted", (json_int_t)oc.restricted,
                  "restricted_end", kot_restricted_end_words(oc.restricted_until), "failed_rows",
                  fc.rows, "more_failed", fc.n > FAILED_SHOWN);
    json_object_set_new(d, "pcs", pcs);
    if (notice)
        json_object_set_new(d, "notice", json_string(notice));
    ui_render(u, status, "status", "page.status", d);
}

void ui_status_view(ui_req *u)
{
    page(u, 200, NULL);
}

void ui_status_retry(ui_req *u)
{
    lr_error err;
    size_t n = 0;
    char actor[80], notice[200];
    snprintf(actor, sizeof actor, "ui:%s", u->se.login);
    if (admin_outbox_retry(u->s, u->se.company_code, actor, &n, &err) != LR_OK) {
        log_error("retry of %s: %s", u->se.company_code, err.message);
        ui_error_page(u, 500, "error.title");
        return;
    }
    if (n && u->app->punches_queued) /* delivery looks now, not at its next poll */
        u->app->punches_queued(u->app->punches_queued_ctx);
    snprintf(notice, sizeof notice, "%s %zu", i18n_text(u->lang, "status.retried"), n);
    page(u, 200, notice);
}
