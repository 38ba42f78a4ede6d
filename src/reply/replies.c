/*
 * replies — the API's and the CLI's JSON replies (see replies.h).
 */
#include "reply/replies.h"
#include "reply/link_csv_words.h"

#include <string.h>

json_t *ingest_reply_json(const ingest_result *res, const lr_reject *rejects, size_t nrejects)
{
    json_t *rej = json_array();
    if (!rej)
        return NULL;
    for (size_t i = 0; i < nrejects; i++)
        json_array_append_new(rej, json_pack("{s:I, s:s}", "index", (json_int_t)rejects[i].index,
                                             "error", rejects[i].error));
    return json_pack("{s:I, s:I, s:o, s:I, s:{s:I, s:I, s:I}}", "accepted",
                     (json_int_t)res->accepted, "duplicates", (json_int_t)res->duplicates,
                     "rejected", rej, "unlinked", (json_int_t)res->unlinked, "punches", "added",
                     (json_int_t)res->punches.added, "replaced", (json_int_t)res->punches.replaced,
                     "retracted", (json_int_t)res->punches.retracted);
}

/* The ingest reply with "file": f (taken; NULL: out of memory). */
static json_t *with_file(const ingest_result *res, json_t *f)
{
    json_t *o = f ? ingest_reply_json(res, NULL, 0) : NULL;
    if (!o || json_object_set_new(o, "file", f) != 0) { /* f is released by it */
        if (!o)
            json_decref(f);
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ingest_lanscope_reply_json(const ingest_result *res, const lanscope_stats *stats)
{
    json_t *f = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s}", "rows", (json_int_t)stats->rows,
                          "events", (json_int_t)stats->events, "ignored_system",
                          (json_int_t)stats->ignored_system, "ignored_kind",
                          (json_int_t)stats->ignored_kind, "layout",
                          lanscope_layout_name(stats->layout), "encoding",
                          enc_name(stats->encoding));
    return with_file(res, f);
}

/* What a Windows log held (ingest_pc_reply_json's "file"). */
static json_t *windows_file(const pc_stats *stats)
{
    const evtx_stats *w = &stats->win;
    json_t *f = json_pack("{s:s, s:I, s:I, s:I, s:I}", "format", pc_format_name(stats->fmt),
                          "records", (json_int_t)w->w.records, "events", (json_int_t)w->w.wanted,
                          "ignored_system", (json_int_t)w->w.ignored_system, "ignored_kind",
                          (json_int_t)w->w.ignored_kind);
    if (f && stats->fmt == PC_FORMAT_EVTX &&
        (json_object_set_new(f, "dirty", json_boolean(w->dirty)) != 0 ||
         json_object_set_new(f, "damaged", json_boolean(w->damaged)) != 0 ||
         json_object_set_new(f, "unreadable", json_integer((json_int_t)w->unreadable)) != 0)) {
        json_decref(f);
        return NULL;
    }
    return f;
}

json_t *ingest_pc_reply_json(const ingest_result *res, const pc_stats *stats)
{
    json_t *f = stats->fmt == PC_FORMAT_WTMP || stats->fmt == PC_FORMAT_JOURNALD
                    ? json_pack("{s:s, s:I, s:I, s:I}", "format", pc_format_name(stats->fmt),
                                "records", (json_int_t)stats->unx.records, "sessions",
                                (json_int_t)stats->unx.sessions, "signs",
                                (json_int_t)stats->unx.signs)
                    : windows_file(stats);
    return with_file(res, f);
}

/* The machine name of a problem's detail ("utf16", "quote_not_closed"). */
static const char *detail_code(const link_csv_error *e)
{
    if (e->what == LCP_ENCODING)
        return enc_problem_name((enc_problem)e->detail);
    if (e->what == LCP_SYNTAX)
        return csv_problem_name((csv_problem)e->detail);
    return "";
}

json_t *links_report_json(const links_report *rep, lr_lang lang)
{
    char summary[256], msg[1200], where[160];
    json_t *o, *changes = json_array(), *errors = json_array(), *same = json_array(),
               *warnings = json_array();

    links_report_summary(rep, lang, summary, sizeof summary);
    o = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:{s:I, s:I, "
                  "s:I}}",
                  "summary", summary, "encoding", enc_name(rep->encoding), "dry_run",
                  rep->dry_run, "rows", (json_int_t)rep->rows, "updated",
                  (json_int_t)rep->nchanges, "removed", (json_int_t)rep->nremoved, "unchanged",
                  (json_int_t)rep->unchanged, "errors_total", (json_int_t)rep->errors.total,
                  "changes", changes, "unchanged_rows", same, "errors", errors, "warnings",
                  warnings, "punches", "added",
                  (json_int_t)rep->punches.added, "replaced", (json_int_t)rep->punches.replaced,
                  "retracted", (json_int_t)rep->punches.retracted);
    if (!o)
        return NULL;
    for (size_t i = 0; i < rep->nchanges; i++) {
        const link_change *ch = &rep->changes[i];
        if (json_array_append_new(
                changes, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "line",
                                   (json_int_t)ch->line, "kind", link_kind_name(ch->kind),
                                   "kind_label", link_kind_label(ch->kind), "employee",
                                   ch->employee, "name", ch->name, "before", ch->before, "after",
                                   ch->after)) != 0)
            goto oom;
    }
    for (size_t i = 0; i < rep->unchanged; i++) {
        const link_same *u = &rep->unchanged_rows[i];
        if (json_array_append_new(
                same, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "line", (json_int_t)u->line,
                                "kind", link_kind_name(u->kind), "kind_label",
                                link_kind_label(u->kind), "employee", u->employee, "name",
                                u->name, "account", u->account)) != 0)
            goto oom;
    }
    for (int w = 0; w < 2; w++) {
        const link_csv_errors *es = w ? &rep->warnings : &rep->errors;
        for (size_t i = 0; i < es->n; i++) {
            const link_csv_error *e = &es->v[i];
            link_csv_problem_words(e, lang, msg, sizeof msg);
            link_csv_field_words(e, lang, where, sizeof where);
            if (json_array_append_new(
                    w ? warnings : errors,
                    json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "line", (json_int_t)e->line,
                              "field", (json_int_t)e->field, "column", (json_int_t)e->column,
                              "where", where, "code", link_csv_problem_name(e->what), "detail",
                              detail_code(e), "message", msg)) != 0)
                goto oom;
        }
    }
    return o;
oom:
    json_decref(o);
    return NULL;
}
