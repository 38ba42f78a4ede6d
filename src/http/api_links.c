/*
 * api_links — the link CSV over HTTP (manuals §3: [CSV データ保存] and
 * [CSV データ入力]).
 *
 *   GET  /api/v1/links.csv[?kind=lanscope|malion|smarton][&encoding=cp932|utf-8]
 *   POST /api/v1/links/import[?dry_run=1][&lang=ja|en]
 *        body: the CSV itself (text/csv, application/octet-stream), or
 *        multipart/form-data with the file in a part that has a file name
 *
 * The import answers 200 when applied (or, in a dry run, when it would
 * apply) and 422 with every problem when the file is refused; either way
 * the body is the report of links_report_json(). The reply's language is
 * ?lang=, else Accept-Language.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/api_internal.h"
#include "http/multipart.h"
#include "reply/replies.h"
#include "service/links.h"

void api_links_export(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    const char *kind = http_query(rq, "kind"), *encoding = http_query(rq, "encoding");
    links_kinds kinds = 0;
    int enc = ENC_CP932;
    lr_company c;
    lr_error err;

    if (!api_authenticate(s, rq, rs, &c))
        return;
    if (kind) {
        link_kind k = link_kind_parse(kind);
        if (k == LINK_NONE) {
            http_error(rs, 400, "kind is '%s'; expected lanscope, malion, smarton, windows or linux", kind);
            return;
        }
        kinds = 1u << k;
    }
    if (encoding && (enc = enc_parse(encoding)) < 0) {
        http_error(rs, 400, "encoding is '%s'; expected cp932 or utf-8", encoding);
        return;
    }
    lr_error_clear(&err);
    buf_reset(&rs->body);
    if (links_export(s, c.code, kinds, (text_encoding)enc, &rs->body, &err) != LR_OK) {
        api_reply_failure(rs, &err);
        return;
    }
    rs->status = 200;
    rs->content_type = enc == ENC_CP932 ? "text/csv; charset=Windows-31J" : "text/csv; charset=utf-8";
    snprintf(rs->disposition, sizeof rs->disposition,
             "attachment; filename=\"links-%s%s%s.csv\"", c.code, kind ? "-" : "", kind ? kind : "");
}

/* The uploaded file, from a multipart body or the raw body. Returns 0 and
 * fills an error reply when there is none. */
static int take_upload(http_request *rq, http_response *rs, http_upload *u)
{
    const char *ct = http_header(rq, "Content-Type");
    lr_error err;
    lr_status st;

    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
        memset(u, 0, sizeof *u);
        buf_init(&u->data, LINKS_CSV_MAX);
        if (ct && strncasecmp(ct, "text/", 5) != 0 &&
            strncasecmp(ct, "application/octet-stream", 24) != 0) {
            http_error(rs, 415, "Content-Type '%s' is not accepted here; send the CSV as text/csv "
                                "or multipart/form-data", ct);
            return 0;
        }
        snprintf(u->name, sizeof u->name, "request body");
        if (buf_append(&u->data, rq->body.data ? rq->body.data : "", rq->body.len) != LR_OK) {
            http_error(rs, 413, "the CSV is larger than %u bytes", LINKS_CSV_MAX);
            return 0;
        }
        return 1;
    }
    if ((st = http_multipart_read(rq, LINKS_CSV_MAX, u, &err)) != LR_OK) {
        http_error(rs, st == LR_ETOOBIG ? 413 : 400, "%s", err.message);
        return 0;
    }
    return 1;
}

void api_links_import(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    const char *lang_q = http_query(rq, "lang");
    lr_lang lang = lang_q ? lang_parse(lang_q) : lang_from_accept(http_header(rq, "Accept-Language"));
    int dry_run = 0;
    lr_company c;
    links_report rep;
    lr_error err;
    lr_status st;
    http_upload u;
    json_t *o;

    if (!api_authenticate(s, rq, rs, &c))
        return;
    if (!api_query_flag(rq, rs, "dry_run", &dry_run))
        return;
    if (!take_upload(rq, rs, &u)) {
        http_upload_free(&u);
        return;
    }
    lr_error_clear(&err);
    st = links_import(s, c.code, u.name, buf_str(&u.data), u.data.len, dry_run, "api", NULL, &rep, &err);
    http_upload_free(&u);
    if (st != LR_OK && st != LR_EINVAL) {
        links_report_free(&rep);
        api_reply_failure(rs, &err);
        return;
    }
    if (st == LR_OK)
        api_punches_queued(app, &rep.punches);
    o = links_report_json(&rep, lang);
    links_report_free(&rep);
    if (!o) {
        http_error(rs, 500, "out of memory writing the reply");
        return;
    }
    api_reply_json(rs, st == LR_OK ? 200 : 422, o);
}
