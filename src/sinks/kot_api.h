/*
 * kot_api — the KING OF TIME WebAPI on the wire (DESIGN §5.1), the one
 * place that knows its paths, query parameters and request bodies, as the
 * simulator in tests/sim/kot defines them:
 *
 *   POST /daily-workings/timerecord/{employeeKey}
 *        {"date":"YYYY-MM-DD","time":"YYYY-MM-DDThh:mm:ss+09:00","code":"1".."4"
 *         [,"divisionCode":"…"]}                              a punch (打刻登録)
 *   GET  /daily-workings/timerecord?start=D&end=D&employeeKeys=K1,K2
 *                                                             punches of days, by employee
 *   GET  /daily-workings/timerecord?start=D&end=D&division=C  the same, by division
 *   GET  /employees?includeResigner=false                     employees
 *   GET  /divisions                                           divisions (所属)
 *
 * and its restricted hours (打刻制限時間帯): 08:30-10:00 and 17:30-18:30
 * JST, when every endpoint but the token endpoints and punch registration
 * answers HTTP 403 with code 104. Answers are read by kot_reply.
 *
 * Pure: builds requests, does no I/O. Path segments and query values are
 * percent-encoded (everything but A-Z a-z 0-9 - . _ ~), bodies are built
 * with jansson, so a key holding '"', '/', '&', '%' or non-ASCII text
 * arrives as it is. Thread-safe.
 */
#ifndef LR_SINKS_KOT_API_H
#define LR_SINKS_KOT_API_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* One request: method, path with its query (from the '/' after the base
 * URL), JSON body or NULL. path and body are the request's; free them with
 * kot_request_free. */
typedef struct kot_request {
    const char *method; /* "GET" or "POST" (static) */
    char *path;
    char *body;
} kot_request;

void kot_request_free(kot_request *r);

/* A punch as KoT takes it: its work day (`date`, which may differ from the
 * calendar day of `time` across the day-change time), the instant (sent in
 * JST with seconds), code 1 clock-in, 2 clock-out, 3 break start, 4 break
 * end, and the division code or "" for none. */
typedef struct kot_punch {
    const char *employee_key;
    const char *work_day;
    int64_t utc;
    int code;
    const char *division_code;
} kot_punch;

/* POST /daily-workings/timerecord/{key}. LR_EINVAL (with the field) for
 * an empty key, a bad day or code, or text that is not UTF-8. */
lr_status kot_punch_post(const kot_punch *p, kot_request *out, lr_error *err);

/* GET /daily-workings/timerecord for the days from..to (YYYY-MM-DD, at
 * most 62 of them) of the employees keys[0..n-1] (n >= 1). */
lr_status kot_timerecords_get(const char *from, const char *to, const char *const *keys, size_t n,
                              kot_request *out, lr_error *err);

/* The same for the days from..to of every employee of division code. */
lr_status kot_timerecords_division_get(const char *from, const char *to, const char *division,
                                       kot_request *out, lr_error *err);

/* GET /employees (present employees) and GET /divisions. */
lr_status kot_employees_get(kot_request *out, lr_error *err);
lr_status kot_divisions_get(kot_request *out, lr_error *err);

/* Non-zero when the instant utc falls in KoT's restricted hours; *ends
 * (may be NULL) gets the instant that window ends (10:00 or 18:30 JST). */
int kot_restricted(int64_t utc, int64_t *ends);

/* "10:00" or "18:30", for people: the end of the window utc falls in, or
 * of the one that ended within the hour before utc. */
const char *kot_restricted_end_words(int64_t utc);

/* Appends s percent-encoded to out (out has outsz bytes); LR_ETOOBIG when
 * it does not fit. Exposed for the tests. */
lr_status kot_percent_encode(const char *s, char *out, size_t outsz);

#endif
