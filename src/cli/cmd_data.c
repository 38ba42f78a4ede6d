/*
 * cmd_data — loginrec ingest, punches and events: events in, the ledger
 * and the log view out.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "core/event_parse.h"
#include "reply/replies.h"
#include "service/ingest.h"
#include "service/ingest_lanscope.h"
#include "service/ingest_pc.h"
#include "service/ledger_export.h"
#include "util/timefmt.h"
#include "util/tz.h"

#define INGEST_FILE_MAX (256u * 1024 * 1024)

/* Prints a JSON reply on one line; 1 when it could not. */
static int print_reply(json_t *reply)
{
    char *txt = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    json_decref(reply);
    if (!txt) {
        fprintf(stderr, "loginrec: error: out of memory writing the reply\n");
        return 1;
    }
    printf("%s\n", txt);
    free(txt);
    return 0;
}

/* A LanScope CSV file, whole or not at all. */
static int ingest_lanscope_file(lr_store *s, const lr_company *c, const char *path,
                                const lr_buf *body, const char *version)
{
    ingest_result res;
    lanscope_stats stats;
    lr_error err;
    cli_progress line;
    lr_status st;
    lr_error_clear(&err);
    st = ingest_lanscope(s, c, path, buf_str(body), body->len, version, cli_progress_start(&line),
                         &res, &stats, &err);
    cli_progress_end(&line);
    if (st != LR_OK)
        return cli_fail(&err);
    return print_reply(ingest_lanscope_reply_json(&res, &stats));
}

/* A PC's own log (.evtx, Winlogbeat JSON, wtmp, journal), whole or not at
 * all. */
static int ingest_pc_log(lr_store *s, const lr_company *c, const pc_file *f)
{
    ingest_result res;
    pc_stats stats;
    lr_error err;
    cli_progress line;
    lr_status st;
    lr_error_clear(&err);
    st = ingest_pc_file(s, c, f, cli_progress_start(&line), &res, &stats, &err);
    cli_progress_end(&line);
    if (st != LR_OK)
        return cli_fail(&err);
    return print_reply(ingest_pc_reply_json(&res, &stats));
}

int cmd_ingest(lr_store *s, cli_args *a)
{
    lr_company c;
    lr_error err;
    lr_buf body;
    lr_event_batch b;
    ingest_result res;
    cli_progress line;
    int rc, bad = 0, partial = cli_take_flag(a, "--partial");
    const char *source = cli_take(a, "--source", &bad);
    const char *version = cli_take(a, "--agent-version", &bad);
    const char *host = cli_take(a, "--host", &bad);

    if (bad)
        return cli_usage("ingest: an option is missing its value");
    if (source && strcmp(source, "lanscope") != 0 && strcmp(source, "json") != 0 &&
        !pc_format_parse(source))
        return cli_usage("ingest: --source is 'lanscope' (a LanScope CSV file), 'evtx' (a Windows "
                         "event log file), 'winlogbeat' (Winlogbeat's JSON lines), 'wtmp' (a "
                         "Linux PC's /var/log/wtmp, with --host), 'journald' (journalctl -o json) "
                         "or 'json'");
    if (host && (!source || pc_format_parse(source) != PC_FORMAT_WTMP))
        return cli_usage("ingest: --host names the PC of a wtmp file (--source wtmp)");
    if ((rc = cli_check_rest(a, 2, "ingest")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    buf_init(&body, INGEST_FILE_MAX);
    if (cli_read_file(a->v[1], &body, &err) != LR_OK) {
        buf_free(&body);
        return cli_fail(&err);
    }
    if (source && pc_format_parse(source)) {
        pc_file f = {pc_format_parse(source), a->v[1], body.data ? body.data : "", body.len, host,
                     partial};
        rc = ingest_pc_log(s, &c, &f);
        buf_free(&body);
        return rc;
    }
    if (source && strcmp(source, "lanscope") == 0) {
        rc = ingest_lanscope_file(s, &c, a->v[1], &body, version ? version : "loginrec " LR_VERSION);
        buf_free(&body);
        return rc;
    }
    rc = ingest_json(s, &c, a->v[1], buf_str(&body), body.len, partial, cli_progress_start(&line),
                     &b, &res, &err);
    cli_progress_end(&line);
    buf_free(&body);
    for (size_t i = 0; i < b.nrejects; i++)
        fprintf(stderr, "loginrec: %s: event %zu rejected: %s\n", a->v[1], b.rejects[i].index,
                b.rejects[i].error);
    if (rc != LR_OK) {
        event_batch_free(&b);
        return cli_fail(&err);
    }
    /* with --partial the caller chose to keep the valid events: success */
    rc = print_reply(ingest_reply_json(&res, b.rejects, b.nrejects)) ? 1 : 0;
    event_batch_free(&b);
    return rc;
}

int cmd_punches(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    lr_company c;
    lr_error err;
    lr_buf out;
    const char *from, *to, *fmt;
    ledger_format f = LEDGER_CSV;

    from = cli_take(a, "--from", &bad);
    to = cli_take(a, "--to", &bad);
    fmt = cli_take(a, "--format", &bad);
    if (bad)
        return cli_usage("punches: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "punches")))
        return rc;
    if (fmt && strcmp(fmt, "json") == 0)
        f = LEDGER_JSON;
    else if (fmt && strcmp(fmt, "csv") != 0)
        return cli_usage("punches: --format is '%s'; expected csv or json", fmt);
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    buf_init(&out, 1u << 30);
    if (ledger_export(s, &c, from, to, f, &out, &err) != LR_OK) {
        buf_free(&out);
        return cli_fail(&err);
    }
    fwrite(buf_str(&out), 1, out.len, stdout);
    buf_free(&out);
    return 0;
}

typedef struct events_ctx {
    const lr_company *c;
    size_t n;
} events_ctx;

static int print_event(void *ctx, const lr_event_row *r)
{
    events_ctx *k = ctx;
    char t[32], flags[128];
    tz_format_iso(k->c->tz, r->event->utc, t);
    day_flags_format(r->flags, flags, sizeof flags);
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, r->event->source, r->event->account,
           r->event->host[0] ? r->event->host : "-", r->event->op,
           r->employee_code ? r->employee_code : "(unlinked)", r->work_day ? r->work_day : "-",
           flags[0] ? flags : "-", r->event->version[0] ? r->event->version : "-");
    k->n++;
    return 0;
}

/* Start of a local calendar day in UTC (good for list filters). */
static int64_t day_start_utc(const lr_company *c, int64_t day)
{
    int64_t guess = day * 86400;
    return guess - tz_offset_at(c->tz, guess);
}

int cmd_events(lr_store *s, cli_args *a)
{
    int bad = 0, rc, flagged;
    lr_company c;
    lr_error err;
    const char *from, *to;
    int64_t f = 0, t = 0, dfrom, dto;
    events_ctx k;

    from = cli_take(a, "--from", &bad);
    to = cli_take(a, "--to", &bad);
    flagged = cli_take_flag(a, "--flagged");
    if (bad)
        return cli_usage("events: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "events")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if (from || to) {
        if (ledger_check_range(from, to, &err) != LR_OK)
            return cli_fail(&err);
        tf_parse_date(from, &dfrom, NULL);
        tf_parse_date(to, &dto, NULL);
        f = day_start_utc(&c, dfrom);
        t = day_start_utc(&c, dto + 1);
    }
    k.c = &c;
    k.n = 0;
    printf("time\tsource\taccount\thost\top\temployee\twork_day\tflags\tversion\n");
    if (store_events_list(s, c.id, f, t, flagged, print_event, &k, &err) != LR_OK)
        return cli_fail(&err);
    return 0;
}
