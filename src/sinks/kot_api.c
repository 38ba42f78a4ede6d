/*
 * kot_api — KING OF TIME paths, queries, bodies and restricted hours (see
 * kot_api.h).
 */
#include "sinks/kot_api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/timefmt.h"

#define JST (9 * 3600)
#define DAY_MAX 62

void kot_request_free(kot_request *r)
{
    if (!r)
        return;
    free(r->path);
    free(r->body);
    r->path = r->body = NULL;
}

lr_status kot_percent_encode(const char *s, char *out, size_t outsz)
{
    size_t n = strlen(out);
    lr_buf b;
    lr_status st;
    buf_init(&b, outsz);
    st = text_percent_encode(s, &b); /* the one rule (util/text) */
    if (st == LR_OK && n + b.len >= outsz)
        st = LR_ETOOBIG;
    if (st == LR_OK) {
        memcpy(out + n, b.data ? b.data : "", b.len);
        out[n + b.len] = '\0';
    }
    buf_free(&b);
    return st == LR_OK ? LR_OK : LR_ETOOBIG;
}

/* A request whose path is prefix + the encoded parts; NULL parts end. */
static lr_status make_path(kot_request *out, const char *method, size_t room, lr_error *err,
                           const char *prefix, const char *const *plain_enc)
{
    char *p = calloc(1, room);
    memset(out, 0, sizeof *out);
    if (!p)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    snprintf(p, room, "%s", prefix);
    /* pairs: text taken as it is, then text to encode */
    for (size_t i = 0; plain_enc[i]; i += 2) {
        size_t n = strlen(p);
        snprintf(p + n, room - n, "%s", plain_enc[i]);
        if (plain_enc[i + 1] && kot_percent_encode(plain_enc[i + 1], p, room) != LR_OK) {
            free(p);
            return lr_fail(err, LR_ETOOBIG, "KING OF TIME request path too long");
        }
    }
    out->method = method;
    out->path = p;
    return LR_OK;
}

static int is_day(const char *s)
{
    int64_t d;
    return s && strlen(s) == 10 && tf_parse_date(s, &d, NULL) == LR_OK;
}

lr_status kot_punch_post(const kot_punch *p, kot_request *out, lr_error *err)
{
    static const char *const codes[] = {"1", "2", "3", "4"};
    const char *parts[] = {"", p->employee_key, NULL};
    char t[32];
    json_t *o;
    lr_status st;

    memset(out, 0, sizeof *out);
    if (!p->employee_key || !p->employee_key[0])
        return lr_fail(err, LR_EINVAL, "punch: the employee has no KING OF TIME key");
    if (!is_day(p->work_day))
        return lr_fail(err, LR_EINVAL, "punch: work day '%s' is not YYYY-MM-DD",
                       p->work_day ? p->work_day : "");
    if (p->code < 1 || p->code > 4)
        return lr_fail(err, LR_EINVAL, "punch: code %d is not 1-4", p->code);
    tf_format_iso(p->utc, JST, t); /* KoT wants JST with seconds */
    o = json_pack("{s:s, s:s, s:s}", "date", p->work_day, "time", t, "code", codes[p->code - 1]);
    if (o && p->division_code && p->division_code[0] &&
        json_object_set_new(o, "divisionCode", json_string(p->division_code)) != 0) {
        json_decref(o);
        return lr_fail(err, LR_EINVAL, "punch: division code '%s' is not UTF-8 text",
                       p->division_code);
    }
    if (!o)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if ((st = make_path(out, "POST", 32 + 3 * strlen(p->employee_key), err,
                        "/daily-workings/timerecord/", parts)) != LR_OK) {
        json_decref(o);
        return st;
    }
    out->body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!out->body) {
        kot_request_free(out);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    return LR_OK;
}

/* from..to are days, 1..DAY_MAX of them. */
static lr_status check_days(const char *from, const char *to, lr_error *err)
{
    int64_t d0 = 0, d1 = 0;
    if (!is_day(from) || !is_day(to) || tf_parse_date(from, &d0, NULL) != LR_OK ||
        tf_parse_date(to, &d1, NULL) != LR_OK || d1 < d0 || d1 - d0 >= DAY_MAX)
        return lr_fail(err, LR_EINVAL, "timerecord: days %s..%s are not 1-%d days", from ? from : "",
                       to ? to : "", DAY_MAX);
    return LR_OK;
}

lr_status kot_timerecords_get(const char *from, const char *to, const char *const *keys, size_t n,
                              kot_request *out, lr_error *err)
{
    size_t room = 80, i;
    const char **parts;
    lr_status st;

    memset(out, 0, sizeof *out);
    if ((st = check_days(from, to, err)) != LR_OK)
        return st;
    if (n == 0)
        return lr_fail(err, LR_EINVAL, "timerecord: no employee key");
    parts = calloc(2 * n + 3, sizeof *parts);
    if (!parts)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if (!keys[i] || !keys[i][0]) {
            free(parts);
            return lr_fail(err, LR_EINVAL, "timerecord: employee key %zu is empty", i + 1);
        }
        parts[2 * i] = i ? "," : "&employeeKeys=";
        parts[2 * i + 1] = keys[i];
        room += 3 * strlen(keys[i]) + 1;
    }
    {
        char head[64];
        snprintf(head, sizeof head, "/daily-workings/timerecord?start=%s&end=%s", from, to);
        st = make_path(out, "GET", room, err, head, parts);
    }
    free(parts);
    return st;
}

lr_status kot_timerecords_division_get(const char *from, const char *to, const char *division,
                                       kot_request *out, lr_error *err)
{
    const char *parts[] = {"&division=", division, NULL};
    char head[64];
    lr_status st;
    memset(out, 0, sizeof *out);
    if ((st = check_days(from, to, err)) != LR_OK)
        return st;
    if (!division || !division[0])
        return lr_fail(err, LR_EINVAL, "timerecord: no division code");
    snprintf(head, sizeof head, "/daily-workings/timerecord?start=%s&end=%s", from, to);
    return make_path(out, "GET", 80 + 3 * strlen(division), err, head, parts);
}

lr_status kot_employees_get(kot_request *out, lr_error *err)
{
    static const char *const none[] = {NULL};
    return make_path(out, "GET", 64, err, "/employees?includeResigner=false", none);
}

lr_status kot_divisions_get(kot_request *out, lr_error *err)
{
    static const char *const none[] = {NULL};
    return make_path(out, "GET", 32, err, "/divisions", none);
}

int kot_restricted(int64_t utc, int64_t *ends)
{
    int64_t local = utc + JST, day = tf_floor_div(local, 86400) * 86400, m = (local - day) / 60;
    int64_t end = 0;
    if (m >= 8 * 60 + 30 && m < 10 * 60)
        end = day + 10 * 3600;
    else if (m >= 17 * 60 + 30 && m < 18 * 60 + 30)
        end = day + 18 * 3600 + 30 * 60;
    if (ends)
        *ends = end ? end - JST : 0;
    return end != 0;
}

const char *kot_restricted_end_words(int64_t utc)
{
    int64_t m = (utc + JST - tf_floor_div(utc + JST, 86400) * 86400) / 60;
    return m < 14 * 60 ? "10:00" : "18:30";
}
