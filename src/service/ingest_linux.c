/*
 * ingest_linux — a Linux PC's login records through one ingest run (see
 * ingest_linux.h).
 */
#include "service/ingest_linux.h"

#include <stdio.h>
#include <string.h>

#include "sources/journald.h"
#include "sources/wtmp.h"

unix_format unix_format_parse(const char *s)
{
    if (strcmp(s, "wtmp") == 0)
        return UNIX_FORMAT_WTMP;
    if (strcmp(s, "journald") == 0)
        return UNIX_FORMAT_JOURNALD;
    return (unix_format)0;
}

const char *unix_format_name(unix_format f)
{
    return f == UNIX_FORMAT_WTMP ? "wtmp" : f == UNIX_FORMAT_JOURNALD ? "journald" : "?";
}

typedef struct run_ctx {
    ingest_run *run;
    unix_format fmt;
    const char *what, *host, *bytes;
    size_t n;
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
    snprintf(e.version, sizeof e.version, "%s", unix_format_name(k->fmt));
    e.utc = w->r.utc;
    snprintf(raw, sizeof raw, "%s %s line=%s user=%s from=%s", unix_format_name(k->fmt), e.op,
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
    if (k->fmt == UNIX_FORMAT_WTMP) {
        wtmp_stats ws;
        st = wtmp_parse(k->what, k->host, (const unsigned char *)k->bytes, k->n, add_record, k,
                        &ws, err);
        *k->stats = (unix_stats){ws.records, ws.sessions, ws.signs};
    } else {
        journald_stats js;
        st = journald_parse(k->what, k->bytes, k->n, add_record, k, &js, err);
        *k->stats = (unix_stats){js.lines, js.sessions, js.signs};
    }
    return st;
}

lr_status ingest_linux(lr_store *s, const lr_company *c, const char *what, const char *host,
                       const char *bytes, size_t n, unix_format fmt, const progress_hook *progress,
                       ingest_result *res, unix_stats *stats, lr_error *err)
{
    run_ctx k = {NULL, fmt, what, host, bytes, n, stats};
    memset(stats, 0, sizeof *stats);
    return ingest_whole_file(s, c, "linux", progress, parse, &k, res, err);
}
