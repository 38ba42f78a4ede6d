/*
 * kot_reply — classification and parsing of KING OF TIME answers (see
 * kot_reply.h).
 */
#include "sinks/kot_reply.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/timefmt.h"

const char *kot_outcome_name(kot_outcome o)
{
    switch (o) {
    case KOT_OK: return "ok";
    case KOT_RETRY: return "retry";
    case KOT_UNKNOWN: return "unknown";
    case KOT_RATE_LIMITED: return "rate_limited";
    case KOT_REJECTED: return "rejected";
    case KOT_AUTH: return "auth";
    case KOT_RESTRICTED: return "restricted";
    }
    return "?";
}

/* The code n, as KoT writes it: "303" or 303 */
static int is_code(json_t *v, int n)
{
    char s[16];
    snprintf(s, sizeof s, "%d", n);
    return (json_is_string(v) && strcmp(json_string_value(v), s) == 0) ||
           (json_is_integer(v) && json_integer_value(v) == n);
}

/* Finds the rate-limit (303) and restricted-hours (104) codes and the
 * first message in a KoT error body: {"message","code"} or
 * {"errors":[{"message","code"}]}. */
static void read_error(json_t *o, int *limited, int *restricted, char *reason, size_t reasonsz)
{
    json_t *errors = json_object_get(o, "errors"), *e;
    size_t i;
    const char *msg = json_string_value(json_object_get(o, "message"));
    *limited |= is_code(json_object_get(o, "code"), 303);
    *restricted |= is_code(json_object_get(o, "code"), 104);
    json_array_foreach(errors, i, e)
    {
        *limited |= is_code(json_object_get(e, "code"), 303);
        *restricted |= is_code(json_object_get(e, "code"), 104);
        if (!msg)
            msg = json_string_value(json_object_get(e, "message"));
    }
    if (msg)
        text_copy_cut(reason, reasonsz, msg);
}

kot_outcome kot_classify(kot_arrival t, long status, const char *body, size_t len, char *reason,
                         size_t reasonsz)
{
    json_t *o = NULL;
    int limited = 0, restricted = 0;
    kot_outcome out;
    char msg[256] = "";

    if (t == KOT_T_NOT_SENT) {
        snprintf(reason, reasonsz, "could not reach KING OF TIME");
        return KOT_RETRY;
    }
    if (t == KOT_T_NO_ANSWER) {
        snprintf(reason, reasonsz, "no answer (timeout or connection closed)");
        return KOT_UNKNOWN;
    }
    if (body && len)
        o = json_loadb(body, len, 0, NULL);
    if (json_is_object(o))
        read_error(o, &limited, &restricted, msg, sizeof msg);
    json_decref(o);
    if (limited || status == 429)
        out = KOT_RATE_LIMITED;
    else if (status >= 200 && status < 300)
        out = KOT_OK;
    else if ((status == 403 && restricted) || status == 503)
        out = KOT_RESTRICTED; /* refused before doing anything: "not now", never "wrong token" */
    else if (status == 401 || status == 403)
        out = KOT_AUTH;
    else if (status >= 500)
        out = KOT_UNKNOWN; /* the server may have done it before failing */
    else if (status == 408)
        out = KOT_UNKNOWN;
    else
        out = KOT_REJECTED;
    if (out == KOT_OK)
        snprintf(reason, reasonsz, "HTTP %ld", status);
    else {
        int n = snprintf(reason, reasonsz, "HTTP %ld%s", status, msg[0] ? ": " : "");
        if (n > 0 && (size_t)n < reasonsz)
            text_copy_cut(reason + n, reasonsz - (size_t)n, msg);
    }
    return out;
}

static lr_status load_array(const char *body, size_t len, const char *what, json_t **out,
                            lr_error *err)
{
    json_error_t je;
    json_t *a = json_loadb(body, len, 0, &je);
    if (!a)
        return lr_fail_at(err, LR_EINVAL, what, je.line, je.column, "not JSON: %s", je.text);
    if (!json_is_array(a)) {
        json_decref(a);
        return lr_fail(err, LR_EINVAL, "%s: expected a JSON array", what);
    }
    *out = a;
    return LR_OK;
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

lr_status kot_parse_employees(const char *body, size_t len,
                              int (*cb)(void *ctx, const kot_employee *e), void *ctx,
                              lr_error *err)
{
    json_t *a, *o;
    size_t i;
    lr_status st = load_array(body, len, "KING OF TIME /employees", &a, err);
    if (st != LR_OK)
        return st;
    json_array_foreach(a, i, o)
    {
        kot_employee e = {str(o, "key"),          str(o, "code"),
                          str(o, "lastName"),     str(o, "firstName"),
                          str(o, "divisionCode"), str(o, "divisionName")};
        if (!e.key || !e.key[0] || !e.code || !e.code[0]) {
            st = lr_fail(err, LR_EINVAL, "KING OF TIME /employees: employee %zu has no key or code",
                         i);
            break;
        }
        if (!e.last_name)
            e.last_name = "";
        if (!e.first_name)
            e.first_name = "";
        if (cb(ctx, &e))
            break;
    }
    json_decref(a);
    return st;
}

lr_status kot_parse_divisions(const char *body, size_t len,
                              int (*cb)(void *ctx, const kot_division *d), void *ctx,
                              lr_error *err)
{
    json_t *a, *o;
    size_t i;
    lr_status st = load_array(body, len, "KING OF TIME /divisions", &a, err);
    if (st != LR_OK)
        return st;
    json_array_foreach(a, i, o)
    {
        kot_division d = {str(o, "code"), str(o, "name")};
        if (!d.code || !d.code[0]) {
            st = lr_fail(err, LR_EINVAL, "KING OF TIME /divisions: division %zu has no code", i);
            break;
        }
        if (!d.name)
            d.name = d.code;
        if (cb(ctx, &d))
            break;
    }
    json_decref(a);
    return st;
}

lr_status kot_parse_timerecords(const char *body, size_t len,
                                int (*cb)(void *ctx, const kot_timerecord *r), void *ctx,
                                lr_error *err)
{
    json_t *days, *day, *dw, *rec;
    size_t i, j, k;
    lr_status st = load_array(body, len, "KING OF TIME /daily-workings/timerecord", &days, err);
    if (st != LR_OK)
        return st;
    json_array_foreach(days, i, day)
    {
        json_array_foreach(json_object_get(day, "dailyWorkings"), j, dw)
        {
            const char *key = str(dw, "employeeKey");
            const char *date = str(dw, "date") ? str(dw, "date") : str(day, "date");
            json_array_foreach(json_object_get(dw, "timeRecord"), k, rec)
            {
                kot_timerecord r = {key, date, 0, 0, "", "", ""};
                const char *t = str(rec, "time"), *code = str(rec, "code");
                int offset;
                json_t *cv = json_object_get(rec, "code");
                if (!key || !date || !t || tf_parse_iso(t, &r.utc, &offset, NULL) != LR_OK) {
                    st = lr_fail(err, LR_EINVAL,
                                 "KING OF TIME timerecord: day %zu, record %zu is malformed", i, k);
                    goto out;
                }
                r.code = code ? (int)strtol(code, NULL, 10)
                              : (json_is_integer(cv) ? (int)json_integer_value(cv) : 0);
                /* undocumented: taken as text or as a number */
                char ccode[24];
                json_t *cc = json_object_get(rec, "credentialCode");
                if (json_is_string(cc))
                    r.credential_code = json_string_value(cc);
                else if (json_is_integer(cc)) {
                    snprintf(ccode, sizeof ccode, "%lld", (long long)json_integer_value(cc));
                    r.credential_code = ccode;
                }
                if (str(rec, "credentialName"))
                    r.credential_name = str(rec, "credentialName");
                if (str(rec, "divisionCode"))
                    r.division_code = str(rec, "divisionCode");
                if (cb(ctx, &r))
                    goto out;
            }
        }
    }
out:
    json_decref(days);
    return st;
}
