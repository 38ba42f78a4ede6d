/*
 * ingest_linux — a Linux PC's login records into the store, whole or not
 * at all: a wtmp file (sources/wtmp, the PC named by the sender) or
 * journalctl -o json lines (sources/journald, which name their PC) stream
 * into one ingest run. Each record is kept (store_pc.h) beside the event
 * the log view shows; the sessions are decided when the days are derived
 * (core/unix_session). The reader behind
 * ingest_pc_file (ingest_pc.h) for its format.
 */
#include "service/ingest_pc.h"

#include <stdio.h>
#include <string.h>

#include "sources/journald.h"
#include "sources/wtmp.h"

typedef struct run_ctx {
    ingest_run *run;
    const pc_file *f;
    unix_stats *stats;
} run_ctx;

/* The log view's operation of a record. */
static const char *op_of(unix_kind k)
{
    switch (k) {
    case UNIX_LOGIN: return "logon";
    case UNIX_LOGOUT: return "logoff";
    case UNIX_BOOT: return "boot";
    case UNIX_SHUTDOWN: return "shutdown";
    default: return "alive";
    }
}

static lr_status add_record(void *ctx, const wtmp_record *w, lr_error *err)
{
    run_ctx *k = ctx;
    char raw[700];
    lr_event e;
    lr_unix_row r;
    const int login = w->r.kind == UNIX_LOGIN;

    memset(&e, 0, sizeof e);
    memset(&r, 0, sizeof r);
    snprintf(e.source, sizeof e.source, "linux");
    snprintf(e.account, sizeof e.account, "%s", login ? w->user : "");
    snprintf(e.host, sizeof e.host, "%s", w->r.host);
    snprintf(e.op, sizeof e.op, "%s", op_of(w->r.kind));
    snprintf(e.version, sizeof e.version, "%s", pc_format_name(k->f->fmt));
    e.utc = w->r.utc;
    snprintf(raw, sizeof raw, "%s %s line=%s user=%s from=%s", pc_format_name(k->f->fmt), e.op,
             w->line, w->user, w->from);
    e.raw = raw;
    r.utc = w->r.utc;
    r.kind = (int)w->r.kind;
    snprintf(r.host, sizeof r.host, "%s", w->r.host);
    snprintf(r.line, sizeof r.line, "%s", w->line);
    snprintf(r.account, sizeof r.account, "%s", e.account);
    snprintf(r.from, sizeof r.from, "%s", w->from);
    return ingest_add_linux(k->run, &e, &r, err);
}

static lr_status parse(ingest_run *run, void *ctx, lr_error *err)
{
    run_ctx *k = ctx;
    lr_status st;
    k->run = run;
    if (k->f->fmt == PC_FORMAT_WTMP) {
        wtmp_stats ws;
        run->expected = k->f->n / WTMP_RECORD;
        st = wtmp_parse(k->f->what, k->f->host, (const unsigned char *)k->f->bytes, k->f->n,
                        add_record, k, &ws, err);
        *k->stats = (unix_stats){ws.records, ws.sessions, ws.signs};
    } else {
        journald_stats js;
        if (run->progress) /* only a progress report reads it */
            run->expected = ingest_lines(k->f->bytes, k->f->n); /* at most: not every line is a session's */
        st = journald_parse(k->f->what, k->f->bytes, k->f->n, add_record, k, &js, err);
        *k->stats = (unix_stats){js.lines, js.sessions, js.signs};
    }
    return st;
}

lr_status ingest_linux(lr_store *s, const lr_company *c, const pc_file *f,
                       const progress_hook *progress, ingest_result *res, unix_stats *stats,
                       lr_error *err)
{
    run_ctx k = {NULL, f, stats};
    memset(stats, 0, sizeof *stats);
    return ingest_whole_file(s, c, "linux", progress, parse, &k, res, err);
}
