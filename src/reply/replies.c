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

json_t *ingest_lanscope_reply_json(const ingest_result *res, const lanscope_stats *stats)
{
    json_t *o = ingest_reply_json(res, NULL, 0);
    json_t *f = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s}", "rows", (json_int_t)stats->rows,
                          "events", (json_int_t)stats->events, "ignored_system",
                          (json_int_t)stats->ignored_system, "ignored_kind",
                          (json_int_t)stats->ignored_kind, "layout",
                          lanscope_layout_name(stats->layout), "encoding",
                          enc_name(stats->encoding));
    if (!o || !f) {
        json_decref(o);
        json_decref(f);
        return NULL;
    }
    if (json_object_set_new(o, "file", f) != 0) { /* f is released by it */
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ingest_windows_reply_json(const ingest_result *res, const evtx_stats *stats, win_format fmt)
{
    json_t *o = ingest_reply_json(res, NULL, 0);
    json_t *f = json_pack("{s:s, s:I, s:I, s:I, s:I}", "format", win_format_name(fmt), "records",
                          (json_int_t)stats->w.records, "events", (json_int_t)stats->w.wanted,
                          "ignored_system", (json_int_t)stats->w.ignored_system, "ignored_kind",
                          (json_int_t)stats->w.ignored_kind);
    if (f && fmt == WIN_FORMAT_EVTX &&
        (json_object_set_new(f, "dirty", json_boolean(stats->dirty)) != 0 ||
         json_object_set_new(f, "damaged", json_boolean(stats->damaged)) != 0 ||
         json_object_set_new(f, "unreadable", json_integer((json_int_t)stats->unreadable)) != 0)) {
        json_decref(f);
        f = NULL;
    }
    if (!o || !f) {
        json_decref(o);
        json_decref(f);
        return NULL;
    }
    if (json_object_set_new(o, "file", f) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
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
