/*
 * test_lanscope — the LanScope CSV parser on real files (tests/data/
 * lanscope, written in CP932 and UTF-8 by make.py there): both layouts,
 * quoted fields, DOMAIN\user, SYSTEM rows, other log kinds, every error
 * with its line and column, time zones, and a file going into a real SQLite
 * store whole or not at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases.h"
#include "fixture.h"
#include "service/admin.h"
#include "service/ingest_lanscope.h"
#include "service/lanscope_settings.h"
#include "sources/lanscope.h"
#include "util/timefmt.h"

#define DATA "tests/data/lanscope/"
#define MAX_SEEN 16

typedef struct seen {
    size_t n;
    lr_event ev[MAX_SEEN];
    char raw[MAX_SEEN][512];
} seen;

static lr_status collect(void *ctx, lr_event *e, lr_error *err)
{
    seen *s = ctx;
    (void)err;
    assert_true(s->n < MAX_SEEN);
    s->ev[s->n] = *e;
    snprintf(s->raw[s->n], sizeof s->raw[0], "%s", e->raw);
    s->ev[s->n].raw = s->raw[s->n];
    s->n++;
    return LR_OK;
}

/* Parses a file of DATA in Asia/Tokyo; returns the status. */
static lr_status parse_file(const char *name, seen *s, lanscope_stats *st, lr_error *err)
{
    char path[256];
    size_t len;
    char *bytes;
    lanscope_opts o = {name, "Asia/Tokyo", "agent-1.2.3", NULL};
    lr_status rc;

    snprintf(path, sizeof path, DATA "%s", name);
    bytes = cases_read(path, &len);
    memset(s, 0, sizeof *s);
    lr_error_clear(err);
    rc = lanscope_parse(&o, bytes, len, collect, s, st, err);
    free(bytes);
    return rc;
}

static void expect_event(const lr_event *e, const char *account, const char *op,
                         const char *iso, const char *host)
{
    char got[32];
    tf_format_iso(e->utc, e->offset_sec, got);
    assert_string_equal(e->source, "lanscope");
    assert_string_equal(e->account, account);
    assert_string_equal(e->op, op);
    assert_string_equal(got, iso);
    assert_string_equal(e->host, host);
    assert_string_equal(e->version, "agent-1.2.3");
}

static void events_layout_cp932(void **state)
{
    seen s;
    lanscope_stats st;
    lr_error err;
    (void)state;
    assert_int_equal(parse_file("events_cp932.csv", &s, &st, &err), LR_OK);
    assert_int_equal(st.layout, LANSCOPE_EVENTS);
    assert_int_equal(st.encoding, ENC_CP932);
    assert_int_equal(st.rows, 6);
    assert_int_equal(st.ignored_system, 1);
    assert_int_equal(st.ignored_kind, 1);
    assert_int_equal(st.events, 4);
    assert_int_equal(s.n, 4);
    /* イベント日時 is the event's time, not 日時; CORP\ is cut off */
    expect_event(&s.ev[0], "tarouk", "logon", "2026-11-20T08:58:12+09:00", "PC-TARO");
    expect_event(&s.ev[1], "hanako", "logon", "2026-11-20T09:01:30+09:00", "PC-HANA");
    expect_event(&s.ev[2], "tarouk", "logoff", "2026-11-20T18:05:44+09:00", "PC-TARO");
    expect_event(&s.ev[3], "hanako", "logoff", "2026-11-20T17:30:00+09:00", "PC-HANA");
    /* the raw row keeps every field, the quoted comma, quote and line break */
    assert_non_null(strstr(s.raw[0], "\"朝, 一番\""));
    assert_non_null(strstr(s.raw[0], "CORP\\tarouk"));
    assert_non_null(strstr(s.raw[1], "\"彼女は\"\"早番\"\"\r\n改行あり\""));
}

static void days_layout_utf8_bom(void **state)
{
    seen s;
    lanscope_stats st;
    lr_error err;
    (void)state;
    assert_int_equal(parse_file("days_utf8bom.csv", &s, &st, &err), LR_OK);
    assert_int_equal(st.layout, LANSCOPE_DAYS);
    assert_int_equal(st.encoding, ENC_UTF8_BOM);
    assert_int_equal(st.rows, 4);
    assert_int_equal(st.ignored_system, 1);
    assert_int_equal(st.events, 4);
    assert_int_equal(s.n, 4);
    expect_event(&s.ev[0], "tarouk", "logon", "2026-11-20T08:58:12+09:00", "");
    expect_event(&s.ev[1], "tarouk", "logoff", "2026-11-20T18:05:44+09:00", "");
    /* an empty 開始日時 gives the logoff only; ISO 8601 with an offset */
    expect_event(&s.ev[2], "hanako", "logoff", "2026-11-20T17:30:00+09:00", "");
    /* an empty 終了日時 gives the logon only; minutes without seconds */
    expect_event(&s.ev[3], "jiro", "logon", "2026-11-20T10:00:00+09:00", "");
}

static void events_layout_utf8(void **state)
{
    seen s;
    lanscope_stats st;
    lr_error err;
    (void)state;
    assert_int_equal(parse_file("events_utf8.csv", &s, &st, &err), LR_OK);
    assert_int_equal(st.encoding, ENC_UTF8);
    assert_int_equal(s.n, 2);
    expect_event(&s.ev[1], "tarouk", "logoff", "2026-11-20T18:05:44+09:00", "");
}

typedef struct bad_file {
    const char *name;
    long line, column;
    const char *says;
} bad_file;

static void errors_name_line_and_column(void **state)
{
    static const bad_file cases[] = {
        {"err_layout.csv", 1, 1, "not a LanScope log"},
        {"err_missing_column.csv", 1, 1, "no column 'ログオンユーザ名'"},
        {"err_date.csv", 3, 23, "field 2 (イベント日時) '2026/11/31 18:00:00' is not a date-time"},
        {"err_kind.csv", 3, 54, "field 4 (ログ種類) 'ログオフ' is not a log kind"},
        {"err_fields.csv", 3, 1, "3 fields but the header has 4"},
        {"err_user.csv", 3, 12, "field 2 (ログオンユーザ名) is empty"},
        {"err_quote.csv", 2, 54, "after a closing quote"},
        {"err_empty.csv", 1, 1, "the file is empty"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        seen s;
        lanscope_stats st;
        lr_error err;
        lr_status rc = parse_file(cases[i].name, &s, &st, &err);
        if (rc != LR_EINVAL || err.line != cases[i].line || err.column != cases[i].column ||
            !strstr(err.message, cases[i].says) || strcmp(err.file, cases[i].name) != 0)
            fail_msg("%s: got %d %s:%ld:%ld: %s", cases[i].name, rc, err.file, err.line,
                     err.column, err.message);
    }
}

static void refuses_binary_and_utf16(void **state)
{
    static const char utf16[] = "\xff\xfe\x65\x65\x0d\x00\x0a\x00";
    seen s;
    lanscope_stats st;
    lr_error err;
    lanscope_opts o = {"x.csv", "Asia/Tokyo", "", NULL};
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(lanscope_parse(&o, utf16, sizeof utf16 - 1, collect, &s, &st, &err),
                     LR_EINVAL);
    assert_int_equal(s.n, 0);
}

/* Times without an offset are read in the company's zone, daylight saving
 * included: a repeated hour is its first instant, a skipped one keeps the
 * offset from before the change. */
static void times_in_company_zone(void **state)
{
    static const char csv[] = "日時,イベント日時,ログオンユーザ名,ログ種類\n"
                              "x,2026/11/01 01:30:00,u,1\n"
                              "x,2026/11/01 03:00:00,u,2\n"
                              "x,2026/03/08 02:30:00,u,1\n"
                              "x,2026/7/4 9:05,u,2\n";
    seen s;
    lanscope_stats st;
    lr_error err;
    lanscope_opts o = {"ny.csv", "America/New_York", "agent-1.2.3", NULL};
    char iso[32];
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(lanscope_parse(&o, csv, sizeof csv - 1, collect, &s, &st, &err), LR_OK);
    assert_int_equal(s.n, 4);
    tf_format_iso(s.ev[0].utc, s.ev[0].offset_sec, iso);
    assert_string_equal(iso, "2026-11-01T01:30:00-04:00");
    tf_format_iso(s.ev[1].utc, s.ev[1].offset_sec, iso);
    assert_string_equal(iso, "2026-11-01T03:00:00-05:00");
    tf_format_iso(s.ev[2].utc, s.ev[2].offset_sec, iso);
    assert_string_equal(iso, "2026-03-08T02:30:00-05:00"); /* = 03:30 EDT */
    tf_format_iso(s.ev[3].utc, s.ev[3].offset_sec, iso);
    assert_string_equal(iso, "2026-07-04T09:05:00-04:00");
}

static lr_status stop_at_second(void *ctx, lr_event *e, lr_error *err)
{
    size_t *n = ctx;
    (void)e;
    if (++*n == 2)
        return lr_fail(err, LR_ESTORE, "the store said no");
    return LR_OK;
}

static void callback_failure_stops_the_parse(void **state)
{
    char *bytes;
    size_t len, n = 0;
    lanscope_stats st;
    lr_error err;
    lanscope_opts o = {"events_cp932.csv", "Asia/Tokyo", "", NULL};
    (void)state;
    bytes = cases_read(DATA "events_cp932.csv", &len);
    assert_int_equal(lanscope_parse(&o, bytes, len, stop_at_second, &n, &st, &err), LR_ESTORE);
    assert_int_equal(n, 2);
    assert_string_equal(err.message, "the store said no");
    free(bytes);
}

/* --- into a real store ------------------------------------------------ */

static int setup(void **state)
{
    return fixture_fx_setup(state, "lanscope");
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static lr_status ingest_file(fx *f, const char *name, ingest_result *res, lanscope_stats *st,
                             lr_error *err)
{
    char path[256];
    size_t len;
    char *bytes;
    lr_status rc;
    snprintf(path, sizeof path, DATA "%s", name);
    bytes = cases_read(path, &len);
    lr_error_clear(err);
    rc = ingest_lanscope(f->s, &f->c, name, bytes, len, "agent-1.2.3", NULL, res, st, err);
    free(bytes);
    return rc;
}

static void file_goes_in_and_punches(void **state)
{
    fx *f = *state;
    ingest_result res;
    lanscope_stats st;
    lr_error err;

    assert_int_equal(ingest_file(f, "events_cp932.csv", &res, &st, &err), LR_OK);
    assert_int_equal(res.accepted, 4);
    assert_int_equal(res.unlinked, 2); /* hanako is nobody's account yet */
    assert_int_equal(res.punches.added, 2);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events WHERE "
                                              "source='lanscope' AND version='agent-1.2.3'"),
                     4);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM punches WHERE "
                                              "work_day='2026-11-20' AND state='active'"),
                     2);
    /* the same file again changes nothing */
    assert_int_equal(ingest_file(f, "events_cp932.csv", &res, &st, &err), LR_OK);
    assert_int_equal(res.accepted, 0);
    assert_int_equal(res.duplicates, 4);
    assert_int_equal(res.punches.added + res.punches.replaced + res.punches.retracted, 0);
}

static void bad_file_stores_nothing(void **state)
{
    fx *f = *state;
    ingest_result res;
    lanscope_stats st;
    lr_error err;
    /* the first row is good, the second has a bad date: neither is kept */
    assert_int_equal(ingest_file(f, "err_date.csv", &res, &st, &err), LR_EINVAL);
    assert_int_equal(err.line, 3);
    assert_int_equal(st.events, 1);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events"), 0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM punches"), 0);
    assert_int_equal(ingest_file(f, "err_kind.csv", &res, &st, &err), LR_EINVAL);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events"), 0);
    /* and the store still takes a good file afterwards */
    assert_int_equal(ingest_file(f, "events_utf8.csv", &res, &st, &err), LR_OK);
    assert_int_equal(res.accepted, 2);
}

static void tokens_authenticate_their_company_only(void **state)
{
    fx *f = *state;
    char t1[LR_LANSCOPE_TOKEN_LEN + 1], t2[LR_LANSCOPE_TOKEN_LEN + 1];
    char h[LR_TOKEN_HASH_LEN + 1];
    lr_company c;
    lr_error err;
    char tok[LR_TOKEN_LEN + 1];

    assert_int_equal(admin_company_add(f->s, "OTH", "Other", NULL, 0, "t", tok, &err), LR_OK);
    assert_int_equal(lanscope_token_issue(f->s, "ACM", "t", t1, &err), LR_OK);
    assert_true(token_well_formed(t1, LR_LANSCOPE_TOKEN_LEN));
    token_hash(t1, h);
    assert_int_equal(store_company_by_lanscope_token(f->s, "ACM", h, &c), LR_OK);
    assert_string_equal(c.code, "ACM");
    assert_true(c.has_lanscope_token);
    /* the right token with another company's code is refused */
    assert_int_equal(store_company_by_lanscope_token(f->s, "OTH", h, &c), LR_ENOTFOUND);
    /* rotating: the old token stops working at once */
    assert_int_equal(lanscope_token_issue(f->s, "ACM", "t", t2, &err), LR_OK);
    assert_int_equal(store_company_by_lanscope_token(f->s, "ACM", h, &c), LR_ENOTFOUND);
    token_hash(t2, h);
    assert_int_equal(store_company_by_lanscope_token(f->s, "ACM", h, &c), LR_OK);
    /* only the hash is stored, and both issues are audited */
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM companies WHERE "
                                              "lanscope_token_hash LIKE '%' || code || '%'"),
                     0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE "
                                              "action = 'lanscope.token'"),
                     2);
    assert_int_equal(lanscope_token_issue(f->s, "NOPE", "t", t2, &err), LR_ENOTFOUND);
}

typedef struct warnings {
    size_t n;
    char text[4][600];
} warnings;

static int keep_warning(void *ctx, const lanscope_misaligned *m)
{
    warnings *w = ctx;
    if (w->n < 4)
        lanscope_misaligned_text(m, w->text[w->n++], sizeof w->text[0]);
    return 0;
}

static void day_change_must_match_collection(void **state)
{
    fx *f = *state;
    lr_error err;
    warnings w = {0};
    size_t n;
    company_changes ch = {.breaks = -1, .lanscope_collect = "00:00"};

    /* LanScope collects at 05:00 (default); HQ changes day at 05:00 too,
     * but 0012 has no division, so her day changes at 00:00 */
    assert_int_equal(f->c.lanscope_collect_min, 300);
    assert_int_equal(lanscope_alignment(f->s, &f->c, keep_warning, &w, &n, &err), LR_OK);
    assert_int_equal(n, 1);
    assert_non_null(strstr(w.text[0], "employees without a division"));
    assert_int_equal(admin_division_set(f->s, "ACM", "HQ", "本社", "05:00", "t", &err), LR_OK);

    /* collecting at 00:00: HQ is now the one out of line */
    assert_int_equal(admin_company_set(f->s, "ACM", &ch, "t", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &f->c, &err), LR_OK);
    assert_int_equal(f->c.lanscope_collect_min, 0);
    w.n = 0;
    assert_int_equal(lanscope_alignment(f->s, &f->c, keep_warning, &w, &n, &err), LR_OK);
    assert_int_equal(n, 1);
    assert_non_null(strstr(w.text[0], "division HQ (本社) changes day at 05:00 but LanScope "
                                      "collects at 00:00"));

    ch.lanscope_collect = "25:00";
    assert_int_equal(admin_company_set(f->s, "ACM", &ch, "t", &err), LR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_layout_cp932),
        cmocka_unit_test(days_layout_utf8_bom),
        cmocka_unit_test(events_layout_utf8),
        cmocka_unit_test(errors_name_line_and_column),
        cmocka_unit_test(refuses_binary_and_utf16),
        cmocka_unit_test(times_in_company_zone),
        cmocka_unit_test(callback_failure_stops_the_parse),
        cmocka_unit_test_setup_teardown(file_goes_in_and_punches, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_file_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(tokens_authenticate_their_company_only, setup, teardown),
        cmocka_unit_test_setup_teardown(day_change_must_match_collection, setup, teardown),
    };
    return cmocka_run_group_tests_name("lanscope", tests, NULL, NULL);
}
