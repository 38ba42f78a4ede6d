/*
 * api_ingest — events in (DESIGN §5.4).
 *
 *   POST /api/v1/ingest
 *     Content-Type: application/json   a JSON array of events, whole or not
 *     [?partial=1]                     at all (422 naming every rejected
 *                                      event by its 1-based index), or with
 *                                      partial=1 the valid ones kept
 *     Content-Type: text/csv           a LanScope CSV file, whole or not at
 *     X-Loginrec-Source: lanscope      all (422 with file, line and column)
 *     X-Loginrec-File: NAME            the file's name, percent-encoded
 *     X-Loginrec-Agent-Version: V      put on every event (log view)
 *     Content-Type: application/x-ndjson   Winlogbeat's JSON lines (or
 *       (X-Loginrec-Source: winlogbeat)    application/json with that
 *                                          source: a JSON array of them)
 *     Content-Type: application/octet-stream  an .evtx file
 *       X-Loginrec-Source: evtx        [?partial=1] takes a damaged file's
 *                                      readable records
 *     Content-Type: application/octet-stream  a Linux PC's wtmp file
 *       X-Loginrec-Source: wtmp, X-Loginrec-Host: PC
 *     Content-Type: application/x-ndjson      journalctl -o json lines
 *       X-Loginrec-Source: journald
 *   GET /api/v1/whoami                 the company the credentials name
 *
 * Both take the company's ingest token, or X-Loginrec-Company with the
 * company's LanScope access token (what loginrec-agent sends).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/event_parse.h"
#include "http/api_internal.h"
#include "reply/replies.h"
#include "service/ingest.h"
#include "service/ingest_group.h"
#include "service/ingest_lanscope.h"
#include "service/ingest_pc.h"
#include "util/form.h"
#include "util/fsspace.h"
#include "util/log.h"
#include "util/metrics.h"

/* The file name the sender gave (percent-decoded, last path part, no
 * control characters), or fallback. */
static void upload_name(const http_request *rq, const char *fallback, char *out, size_t outsz)
{
    const char *h = http_header(rq, "X-Loginrec-File");
    char name[1024];
    long len;
    size_t n = 0;
    snprintf(out, outsz, "%s", fallback);
    if (!h || !*h || strlen(h) >= sizeof name ||
        (len = form_unescape(h, strlen(h), 0, name)) < 0)
        return;
    for (long i = 0; i < len && n + 1 < outsz; i++) {
        int c = (unsigned char)name[i];
        if (c == '/' || c == '\\') {
            n = 0; /* keep the last path part only */
            continue;
        }
        out[n++] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, outsz, "%s", fallback);
}

/* The agent's version: printable ASCII, at most LR_VERSION_MAX bytes. */
static int agent_version(const http_request *rq, http_response *rs, char *out, size_t outsz)
{
    const char *h = http_header(rq, "X-Loginrec-Agent-Version");
    size_t n = h ? strlen(h) : 0;
    out[0] = '\0';
    if (!h)
        return 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)h[i] < 0x20 || (unsigned char)h[i] > 0x7e) {
            http_error(rs, 400, "X-Loginrec-Agent-Version must be printable ASCII");
            return 0;
        }
    if (n >= outsz) {
        http_error(rs, 400, "X-Loginrec-Agent-Version is longer than %zu bytes", outsz - 1);
        return 0;
    }
    memcpy(out, h, n + 1);
    return 1;
}

/* A file refused: logged, and answered 422 when the problem is in the
 * file (a bad value, a field or row past the limits: sending it again will
 * not help), else by the failure's own status. */
static void refuse_file(http_response *rs, const lr_company *c, const char *name,
                        const lr_error *err)
{
    log_warn("ingest %s: %s refused: %s (line %ld, column %ld)", c->code, name, err->message,
             err->line, err->column);
    api_reply_failure_as(rs,
                         err->code == LR_EINVAL || err->code == LR_ETOOBIG ? 422
                                                                          : api_status_of(err->code),
                         err);
}

/* The three kinds of body, each one request's writes for ingest_group_run
 * (its arguments, its results). */
typedef struct csv_work {
    const lr_company *c;
    const char *name, *bytes, *version;
    size_t n;
    ingest_result *res;
    lanscope_stats *stats;
} csv_work;

static lr_status csv_write(lr_store *s, void *ctx, lr_error *err)
{
    csv_work *w = ctx;
    return ingest_lanscope(s, w->c, w->name, w->bytes, w->n, w->version, NULL, w->res, w->stats,
                           err);
}

typedef struct json_work {
    const lr_company *c;
    const char *body;
    size_t n;
    int partial;
    lr_event_batch *b;
    ingest_result *res;
} json_work;

static lr_status json_write(lr_store *s, void *ctx, lr_error *err)
{
    json_work *w = ctx;
    return ingest_json(s, w->c, "request body", w->body, w->n, w->partial, NULL, w->b, w->res, err);
}

typedef struct pc_work {
    const lr_company *c;
    const pc_file *f;
    ingest_result *res;
    pc_stats *stats;
} pc_work;

static lr_status pc_write(lr_store *s, void *ctx, lr_error *err)
{
    pc_work *w = ctx;
    return ingest_pc_file(s, w->c, w->f, NULL, w->res, w->stats, err);
}

/* /metrics: a batch or file refused for what it holds (not for a store
 * that failed: a 503 refuses nothing). */
static void count_refusal(const char *source, const lr_error *err)
{
    if (err->code == LR_EINVAL || err->code == LR_ETOOBIG)
        metrics_refused(source);
}

static void ingest_csv(http_app *app, lr_store *s, const lr_company *c, http_request *rq,
                       http_response *rs)
{
    const char *source = http_header(rq, "X-Loginrec-Source");
    char name[256], version[LR_VERSION_MAX + 1];
    ingest_result res;
    lanscope_stats stats;
    lr_error err;
    json_t *o;

    if (!source || strcmp(source, "lanscope") != 0) {
        http_error(rs, 400, "a CSV upload needs 'X-Loginrec-Source: lanscope' (the only CSV "
                            "source loginrec reads)");
        return;
    }
    if (!agent_version(rq, rs, version, sizeof version))
        return;
    upload_name(rq, "upload.csv", name, sizeof name);
    lr_error_clear(&err);
    memset(&res, 0, sizeof res);
    memset(&stats, 0, sizeof stats);
    if (ingest_group_run(app->ingest_group, s, csv_write,
                         &(csv_work){c, name, buf_str(&rq->body), version, rq->body.len, &res,
                                     &stats},
                         &err) != LR_OK) {
        count_refusal("lanscope", &err);
        refuse_file(rs, c, name, &err);
        return;
    }
    metrics_ingest("lanscope", res.accepted, res.duplicates, 0, rederive_queued(&res.punches));
    log_info("ingest %s: %s (%s, %s) rows=%zu accepted=%zu duplicates=%zu ignored=%zu "
             "unlinked=%zu agent=%s",
             c->code, name, lanscope_layout_name(stats.layout), enc_name(stats.encoding),
             stats.rows, res.accepted, res.duplicates, stats.ignored_system + stats.ignored_kind,
             res.unlinked, version[0] ? version : "-");
    api_punches_queued(app, &res.punches);
    if (!(o = ingest_lanscope_reply_json(&res, &stats))) {
        http_error(rs, 500, "out of memory writing the reply");
        return;
    }
    api_reply_json(rs, 200, o);
}

static void ingest_json_body(http_app *app, lr_store *s, const lr_company *c, http_request *rq,
                             http_response *rs)
{
    lr_error err;
    lr_event_batch b;
    ingest_result res;
    json_t *o;
    int partial, st;

    if (!api_query_flag(rq, rs, "partial", &partial))
        return;
    lr_error_clear(&err);
    memset(&b, 0, sizeof b);
    memset(&res, 0, sizeof res);
    st = ingest_group_run(app->ingest_group, s, json_write,
                          &(json_work){c, buf_str(&rq->body), rq->body.len, partial, &b, &res}, &err);
    if (st != LR_OK && !b.nrejects) {
        if (err.code != LR_EINVAL && err.code != LR_ETOOBIG)
            log_error("ingest for company %s failed: %s", c->code, err.message);
        count_refusal("api", &err);
        event_batch_free(&b);
        api_reply_failure(rs, &err);
        return;
    }
    if (st == LR_OK)
        api_punches_queued(app, &res.punches);
    else
        metrics_refused("api");
    metrics_ingest("api", res.accepted, res.duplicates, b.nrejects, rederive_queued(&res.punches));
    /* refused whole (422) or stored: the same shape, every reject listed */
    o = ingest_reply_json(&res, b.rejects, b.nrejects);
    event_batch_free(&b);
    if (!o) {
        http_error(rs, 500, "out of memory writing the reply");
        return;
    }
    if (st != LR_OK)
        json_object_set_new(o, "error", json_string(err.message));
    api_reply_json(rs, st == LR_OK ? 200 : 422, o);
}

/* A PC's own log (an .evtx file, Winlogbeat's JSON, a wtmp file or the
 * journal), whole or not at all (422 with where and why). */
static void ingest_pc_body(http_app *app, lr_store *s, const lr_company *c, pc_format fmt,
                           http_request *rq, http_response *rs)
{
    static const char *const default_name[] = {[PC_FORMAT_EVTX] = "upload.evtx",
                                               [PC_FORMAT_WINLOGBEAT] = "upload.ndjson",
                                               [PC_FORMAT_WTMP] = "wtmp",
                                               [PC_FORMAT_JOURNALD] = "journal.json"};
    char name[256];
    pc_file f = {fmt, name, rq->body.data ? rq->body.data : "", rq->body.len,
                 http_header(rq, "X-Loginrec-Host"), 0};
    ingest_result res;
    pc_stats stats;
    lr_error err;
    json_t *o;

    if (!api_query_flag(rq, rs, "partial", &f.partial))
        return;
    upload_name(rq, default_name[fmt], name, sizeof name);
    lr_error_clear(&err);
    memset(&res, 0, sizeof res);
    memset(&stats, 0, sizeof stats);
    if (ingest_group_run(app->ingest_group, s, pc_write, &(pc_work){c, &f, &res, &stats}, &err) !=
        LR_OK) {
        count_refusal(pc_format_name(fmt), &err);
        refuse_file(rs, c, name, &err);
        return;
    }
    metrics_ingest(pc_format_name(fmt), res.accepted, res.duplicates, 0,
                   rederive_queued(&res.punches));
    log_info("ingest %s: %s (%s) records=%zu accepted=%zu duplicates=%zu unlinked=%zu", c->code,
             name, pc_format_name(fmt), pc_stats_records(&stats), res.accepted, res.duplicates,
             res.unlinked);
    api_punches_queued(app, &res.punches);
    if (!(o = ingest_pc_reply_json(&res, &stats))) {
        http_error(rs, 500, "out of memory writing the reply");
        return;
    }
    api_reply_json(rs, 200, o);
}

/* The headroom: a batch is refused (503, storage full, nothing stored)
 * while the database's disk has less free space than the app keeps. */
static int room_to_ingest(const http_app *app, http_response *rs)
{
    int64_t free;
    lr_error err;
    if (!app->free_path || app->min_free_bytes <= 0 ||
        (free = fs_free_bytes(app->free_path)) < 0 || free >= app->min_free_bytes)
        return 1;
    lr_fail(&err, LR_EFULL,
            "storage full: %lld MiB free on the database's disk, ingest keeps %lld "
            "(ingest_min_free_mb) for delivery and the pages; nothing of it was stored; it goes "
            "on by itself once there is space",
            (long long)(free >> 20), (long long)(app->min_free_bytes >> 20));
    api_reply_failure(rs, &err);
    return 0;
}

void api_ingest(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    lr_company c;
    const char *ct = http_header(rq, "Content-Type");
    const char *source = http_header(rq, "X-Loginrec-Source");
    pc_format fmt = source ? pc_format_parse(source) : (pc_format)0;
    int linux_log = fmt == PC_FORMAT_WTMP || fmt == PC_FORMAT_JOURNALD;

    if (!api_authenticate_sender(s, rq, rs, &c))
        return;
    if (!room_to_ingest(app, rs))
        return;
    if (linux_log && ct &&
        (strncasecmp(ct, "application/octet-stream", 24) == 0 ||
         strncasecmp(ct, "application/x-ndjson", 20) == 0 ||
         strncasecmp(ct, "application/json", 16) == 0))
        ingest_pc_body(app, s, &c, fmt, rq, rs);
    else if (ct && strncasecmp(ct, "application/x-ndjson", 20) == 0 &&
             (!source || fmt == PC_FORMAT_WINLOGBEAT))
        ingest_pc_body(app, s, &c, PC_FORMAT_WINLOGBEAT, rq, rs);
    else if (fmt && !linux_log && ct &&
             (strncasecmp(ct, "application/octet-stream", 24) == 0 ||
              (fmt == PC_FORMAT_WINLOGBEAT && strncasecmp(ct, "application/json", 16) == 0)))
        ingest_pc_body(app, s, &c, fmt, rq, rs);
    else if (ct && strncasecmp(ct, "text/csv", 8) == 0)
        ingest_csv(app, s, &c, rq, rs);
    else if (!ct || strncasecmp(ct, "application/json", 16) == 0)
        ingest_json_body(app, s, &c, rq, rs);
    else
        http_error(rs, 415,
                   "Content-Type '%s' is not accepted here; send application/json, text/csv "
                   "with X-Loginrec-Source: lanscope, application/x-ndjson (Winlogbeat), or "
                   "application/octet-stream with X-Loginrec-Source: evtx",
                   ct);
}

void api_whoami(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    lr_company c;
    (void)app;
    if (!api_authenticate_sender(s, rq, rs, &c))
        return;
    api_reply_json(rs, 200,
                   json_pack("{s:s, s:s, s:s, s:s}", "company", c.code, "name", c.name,
                             "credential",
                             http_header(rq, "X-Loginrec-Company") ? "lanscope" : "ingest",
                             "version", LR_VERSION));
}
