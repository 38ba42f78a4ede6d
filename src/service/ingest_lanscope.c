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

