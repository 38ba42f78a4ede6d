/*
 * api_divergence — 乖離 over HTTP (issue 23), with the company's token:
 *
 *   GET  /api/v1/divergence?from=D&to=D[&status=open|confirmed|all]
 *        [&division=C][&min=MINUTES][&format=json|csv][&encoding=cp932|utf-8]
 *        the report (divergence_report.h): JSON by default; CSV in CP932
 *        (or UTF-8) with CRLF line ends, as a download
 *   POST /api/v1/divergence/confirm
 *        {"employee", "date", "reason", "result", "note"}: what was found
 *        about a divergent day (divergence_review.h); 200 with the day as
 *        the report now shows it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_internal.h"
#include "service/divergence_report.h"
#include "service/divergence_review.h"
#include "util/encoding.h"

/* The query's common part (from, to, status, division, min); 0 and a 400
 * when it is not right. */
static int read_query(http_request *rq, http_response *rs, div_query *q)
{
    const char *min = http_query(rq, "min");
    lr_error err;
    memset(q, 0, sizeof *q);
    q->from = http_query(rq, "from");
    q->to = http_query(rq, "to");
    q->division = http_query(rq, "division");
    if (div_parse_status(http_query(rq, "status"), &q->status, &err) != LR_OK) {
        http_error(rs, 400, "%s", err.message);
        return 0;
    }
    if (div_parse_min(min, &q->min_size, &err) != LR_OK) {
        http_error(rs, 400, "%s", err.message);
        return 0;
    }
    return 1;
}

void api_divergence(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    const char *fmt = http_query(rq, "format"), *encoding = http_query(rq, "encoding");
    int csv = 0, enc = ENC_CP932;
    div_query q;
    lr_company c;
    lr_error err;
    lr_status st;

    (void)app;
    if (!api_authenticate(s, rq, rs, &c) || !read_query(rq, rs, &q))
        return;
    if (fmt && strcmp(fmt, "csv") == 0)
        csv = 1;
    else if (fmt && strcmp(fmt, "json") != 0) {
        http_error(rs, 400, "format is '%s'; expected json or csv", fmt);
        return;
    }
    if (encoding && (!csv || (enc = enc_parse(encoding)) < 0)) {
        http_error(rs, 400, "encoding is '%s'; expected cp932 or utf-8, with format=csv",
                   encoding);
        return;
    }
    lr_error_clear(&err);
    buf_reset(&rs->body);
    if (!csv) {
        if (div_export(s, &c, &q, DIV_JSON, 0, &rs->body, &err) != LR_OK) {
            api_reply_failure(rs, &err);
            return;
        }
        rs->status = 200;
        rs->content_type = "application/json; charset=utf-8";
        return;
    }
    st = div_export_csv(s, &c, &q, enc, &rs->body, &err);
    if (st != LR_OK) {
        api_reply_failure(rs, &err);
        return;
    }
    rs->status = 200;
    rs->content_type = enc == ENC_CP932 ? "text/csv; charset=Windows-31J" : "text/csv; charset=utf-8";
    snprintf(rs->disposition, sizeof rs->disposition,
             "attachment; filename=\"divergence-%s-%s-%s.csv\"", c.code, q.from, q.to);
}

static const char *field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

void api_divergence_confirm(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    json_t *body, *day;
    json_error_t je;
    div_finding f;
    div_row r;
    lr_divergence kept;
    int found;
    lr_company c;
    lr_error err;

    (void)app;
    if (!api_authenticate(s, rq, rs, &c))
        return;
    body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, 0, &je);
    if (!json_is_object(body)) {
        http_error(rs, 400, "the body is not a JSON object: %s (line %d, column %d)", je.text,
                   je.line, je.column);
        json_decref(body);
        return;
    }
    f = (div_finding){field(body, "employee"), field(body, "date"), field(body, "reason"),
                      field(body, "result"), field(body, "note")};
    if (!f.employee || !f.date || !f.reason || !f.result) {
        http_error(rs, 400, "employee, date, reason and result are needed, as strings");
        json_decref(body);
        return;
    }
    lr_error_clear(&err);
    if (div_confirm(s, c.code, &f, "api", &err) != LR_OK ||
        div_report_day(s, &c, f.employee, f.date, &r, &kept, &found, &err) != LR_OK) {
        api_reply_failure(rs, &err);
        json_decref(body);
        return;
    }
    /* the day as the report shows it now */
    day = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "employee", f.employee, "date", f.date,
                    "kind", div_kind_name(r.d.kind), "status", found ? r.status : "", "reason",
                    kept.reason, "result", kept.result, "confirmed_by", kept.confirmed_by);
    json_decref(body);
    api_reply_json(rs, 200, day ? day : json_object());
}
