/*
 * ingest_windows — one Windows event log into the store, whole or not at
 * all: an .evtx file (sources/evtx) or Winlogbeat's JSON
 * (sources/winlogbeat) streams its records into one ingest run; any
 * problem in the file rolls the run back. Each record is kept with its
 * fields (store_pc.h) beside the event the log view shows, and the
 * sessions are decided when the days are derived (core/win_session).
 * The reader behind ingest_pc_file (ingest_pc.h) for its format.
 */
#include "service/ingest_pc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/evtx_child.h"
#include "sources/winlogbeat.h"

typedef struct run_ctx {
    ingest_run *run;
    const pc_file *f;
    evtx_stats *stats;
    char *raw; /* the record's text, NUL-terminated for the store */
    size_t rawcap;
} run_ctx;

static void copy(char *dst, size_t dstsz, const char *src)
{
    snprintf(dst, dstsz, "%s", src);
}

/* A record becomes the event the log view shows and the row the sessions
 * read. A host's own records (System) carry no account. */
static lr_status add_record(void *ctx, win_record *r, const char *raw, size_t rawlen,
                            lr_error *err)
{
    run_ctx *k = ctx;
    lr_event e;
    lr_win_row w;
    int user_record = r->e.event_id >= 4624;

    if (rawlen + 1 > k->rawcap) {
        char *x = realloc(k->raw, rawlen + 1);
        if (!x)
            return lr_fail(err, LR_ENOMEM, "out of memory");
        k->raw = x;
        k->rawcap = rawlen + 1;
    }
    memcpy(k->raw, raw, rawlen);
    k->raw[rawlen] = '\0';

    memset(&e, 0, sizeof e);
    copy(e.source, sizeof e.source, "windows");
    copy(e.account, sizeof e.account, user_record ? r->user : "");
    copy(e.host, sizeof e.host, r->host);
    copy(e.op, sizeof e.op, win_record_op(r));
    e.utc = r->e.utc;
    copy(e.version, sizeof e.version, pc_format_name(k->f->fmt));
    e.raw = k->raw;

    memset(&w, 0, sizeof w);
    w.utc = r->e.utc;
    w.event_id = r->e.event_id;
    w.logon_type = r->e.logon_type;
    w.logon_id = r->e.logon_id;
    w.linked_logon_id = r->e.linked_logon_id;
    w.record_id = r->record_id;
    copy(w.host, sizeof w.host, r->host);
    copy(w.channel, sizeof w.channel, r->channel);
    copy(w.provider, sizeof w.provider, r->provider);
    copy(w.account, sizeof w.account, e.account);
    copy(w.sid, sizeof w.sid, r->sid);
    copy(w.logon_process, sizeof w.logon_process, r->logon_process);
    copy(w.process, sizeof w.process, r->process);
    return ingest_add_windows(k->run, &e, &w, err);
}

static lr_status parse(ingest_run *run, void *ctx, lr_error *err)
{
    run_ctx *k = ctx;
    k->run = run;
    if (k->f->fmt == PC_FORMAT_EVTX)
        return evtx_parse_isolated(k->f->what, (const unsigned char *)k->f->bytes, k->f->n,
                                   k->f->partial, add_record, k, k->stats, err);
    if (run->progress) /* only a progress report reads it */
        run->expected = ingest_lines(k->f->bytes, k->f->n); /* the JSON lines' count; an array: 0 */
    return winlogbeat_parse(k->f->what, k->f->bytes, k->f->n, add_record, k, &k->stats->w, err);
}

lr_status ingest_windows(lr_store *s, const lr_company *c, const pc_file *f,
                         const progress_hook *progress, ingest_result *res, evtx_stats *stats,
                         lr_error *err)
{
    run_ctx k = {NULL, f, stats, NULL, 0};
    lr_status st;
    memset(stats, 0, sizeof *stats);
    st = ingest_whole_file(s, c, "windows", progress, parse, &k, res, err);
    free(k.raw);
    return st;
}
