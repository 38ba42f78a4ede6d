/*
 * ingest_lanscope — a LanScope file through one ingest run (see
 * ingest_lanscope.h).
 */
#include "service/ingest_lanscope.h"

#include <string.h>

static lr_status add_event(void *ctx, lr_event *e, lr_error *err)
{
    return ingest_add(ctx, e, err);
}

lr_status ingest_lanscope(lr_store *s, const lr_company *c, const char *what, const char *bytes,
                          size_t n, const char *version, const progress_hook *progress,
                          ingest_result *res, lanscope_stats *stats, lr_error *err)
{
    lanscope_opts o = {what, c->tz, version, progress};
    ingest_run run;
    lr_status st;

    memset(res, 0, sizeof *res);
    if ((st = ingest_begin(&run, s, c, err)) != LR_OK) {
        memset(stats, 0, sizeof *stats);
        return st;
    }
    run.progress = progress;
    st = lanscope_parse(&o, bytes, n, add_event, &run, stats, err);
    if (st != LR_OK)
        ingest_abort(&run);
    else
        st = ingest_commit(&run, res, err);
    ingest_note(s, c, "lanscope", st == LR_OK ? NULL : err);
    return st;
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
