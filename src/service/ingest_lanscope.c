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

typedef struct lanscope_file {
    const lanscope_opts *o;
    const char *bytes;
    size_t n;
    lanscope_stats *stats;
} lanscope_file;

static lr_status parse(ingest_run *run, void *ctx, lr_error *err)
{
    lanscope_file *f = ctx;
    return lanscope_parse(f->o, f->bytes, f->n, add_event, run, f->stats, err);
}

lr_status ingest_lanscope(lr_store *s, const lr_company *c, const char *what, const char *bytes,
                          size_t n, const char *version, const progress_hook *progress,
                          ingest_result *res, lanscope_stats *stats, lr_error *err)
{
    lanscope_opts o = {what, c->tz, version, progress};
    lanscope_file f = {&o, bytes, n, stats};
    memset(stats, 0, sizeof *stats);
    return ingest_whole_file(s, c, "lanscope", progress, parse, &f, res, err);
}
