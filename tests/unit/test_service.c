/*
 * test_service — ingest, re-derivation, ledger and outbox on a real SQLite
 * file: late logoffs, corrections, duplicates, unlinked accounts linked
 * later, links moved, failures that must leave nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/event_parse.h"
#include "fixture.h"
#include "service/admin.h"
#include "service/ingest.h"
#include "service/ledger_export.h"
#include "store/store.h"
#include "util/timefmt.h"

static int setup(void **state)
{
    if (fixture_fx_setup(state, "service") != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static char *ledger(fx *f)
{
    static char out[8192];
    lr_buf b;
    lr_error err;
    buf_init(&b, sizeof out - 1);
    assert_int_equal(ledger_export(f->s, &f->c, "2026-11-01", "2026-11-30", LEDGER_CSV, &b, &err),
                     LR_OK);
    snprintf(out, sizeof out, "%s", buf_str(&b));
    buf_free(&b);
    return out;
}

typedef struct ocount {
    int add, correct, retract, n;
    int64_t last_replaces;
} ocount;

static int count_outbox(void *ctx, const lr_outbox_row *r)
{
    ocount *c = ctx;
    c->n++;
    if (strcmp(r->action, "add") == 0)
        c->add++;
    else if (strcmp(r->action, "correct") == 0) {
        c->correct++;
        c->last_replaces = r->replaces;
    } else
        c->retract++;
    return 0;
}

static ocount outbox(fx *f)
{
    ocount c = {0};
    assert_int_equal(store_outbox_list(f->s, f->c.id, OUTBOX_ALL, count_outbox, &c, NULL), LR_OK);
    return c;
}

#define EV(acc, host, op, t)                                                                       \
    "{\"source\":\"lanscope\",\"account\":\"" acc "\",\"host\":\"" host "\",\"op\":\"" op          \
    "\",\"time\":\"" t "\"}"

static void late_logoff_completes_the_day(void **state)
{
    fx *f = *state;
    ingest_result r = fixture_ingest(f, "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") "]");
    assert_int_equal(r.accepted, 1);
    assert_int_equal(r.punches.added, 1);
    assert_string_equal(ledger(f), "employee,date,kind,time\n"
                                    "1000,2026-11-16,clock_in,2026-11-16T09:00:00+09:00\n");
    /* the shutdown logoff arrives the next day (manual FAQ) */
    r = fixture_ingest(f, "[" EV("tarouk", "PC-01", "logoff", "2026-11-16T18:30:00+09:00") "]");
    assert_int_equal(r.punches.added, 1);
    assert_int_equal(r.punches.replaced, 0);
    assert_string_equal(ledger(f), "employee,date,kind,time\n"
                                    "1000,2026-11-16,clock_in,2026-11-16T09:00:00+09:00\n"
                                    "1000,2026-11-16,clock_out,2026-11-16T18:30:00+09:00\n");
    assert_int_equal(outbox(f).add, 2);
}

static void redelivery_changes_nothing(void **state)
{
    fx *f = *state;
    const char *batch = "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") ","
                        EV("tarouk", "PC-01", "logoff", "2026-11-16T18:00:00+09:00") "]";
    ingest_result r = fixture_ingest(f, batch);
    char before[8192];
    assert_int_equal(r.accepted, 2);
    snprintf(before, sizeof before, "%s", ledger(f));
    r = fixture_ingest(f, batch);
    assert_int_equal(r.accepted, 0);
    assert_int_equal(r.duplicates, 2);
    assert_int_equal(r.punches.added + r.punches.replaced + r.punches.retracted, 0);
    assert_string_equal(ledger(f), before);
    assert_int_equal(outbox(f).n, 2);
}

static void later_logoff_is_queued_as_a_correction(void **state)
{
    fx *f = *state;
    ocount o;
    fixture_ingest(f, "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") ","
              EV("tarouk", "PC-01", "logoff", "2026-11-16T18:00:00+09:00") "]");
    /* a logoff on another PC after that: the day's clock-out moves */
    ingest_result r = fixture_ingest(f, "[" EV("tarouk", "PC-02", "logoff", "2026-11-16T20:15:00+09:00") "]");
    assert_int_equal(r.punches.replaced, 1);
    assert_string_equal(ledger(f), "employee,date,kind,time\n"
                                    "1000,2026-11-16,clock_in,2026-11-16T09:00:00+09:00\n"
                                    "1000,2026-11-16,clock_out,2026-11-16T20:15:00+09:00\n");
    o = outbox(f);
    assert_int_equal(o.add, 2);
    assert_int_equal(o.correct, 1);
    assert_true(o.last_replaces > 0);
}

typedef struct first_punch {
    int64_t id;
} first_punch;

static void keep_last(void *ctx, size_t i, const punch_stored *p)
{
    (void)i;
    ((first_punch *)ctx)->id = p->id;
}

/* Re-deriving years of days cuts them into pieces of REDERIVE_DAYS (one
 * statement each); a day in the last piece comes out as it should. */
static void a_long_span_is_rederived_in_pieces(void **state)
{
    fx *f = *state;
    lr_employee e;
    lr_error err;
    rederive_stats st = {0};
    store_day d = {0, "2026-11-16"};
    first_punch out = {0};
    store_punch_ending end;
    int64_t day;
    char before[8192];
    fixture_ingest(f, "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") ","
              EV("tarouk", "PC-01", "logoff", "2026-11-16T18:00:00+09:00") "]");
    snprintf(before, sizeof before, "%s", ledger(f));
    assert_int_equal(store_employee_get(f->s, f->c.id, "1000", &e, &err), LR_OK);
    assert_int_equal(tf_parse_date("2026-11-16", &day, &err), LR_OK);
    /* the day's clock-out ended behind the engine's back */
    d.employee_id = e.id;
    assert_int_equal(store_punches_of_days(f->s, &d, 1, keep_last, &out, &err), LR_OK);
    assert_true(out.id > 0);
    end = (store_punch_ending){out.id, "retracted"};
    assert_int_equal(store_begin(f->s, &err), LR_OK);
    assert_int_equal(store_punches_end(f->s, f->c.id, &end, 1, &err), LR_OK);
    /* 2 * REDERIVE_DAYS + 5 days, the day in the third piece */
    {
        day_span sp = {e.id, day - 2 * REDERIVE_DAYS, day + 4};
        assert_int_equal(rederive_spans(f->s, &f->c, &sp, 1, &st, &err), LR_OK);
    }
    assert_int_equal(store_commit(f->s, &err), LR_OK);
    assert_int_equal(st.days, 2 * REDERIVE_DAYS + 5);
    assert_int_equal(st.kept, 1);
    assert_int_equal(st.added, 1);
    assert_string_equal(ledger(f), before);
}

static void division_day_change_applies(void **state)
{
    fx *f = *state;
    /* employee 1000's division changes the day at 05:00: 04:30 is the previous work day */
    fixture_ingest(f, "[" EV("tarouk", "PC-01", "logon", "2026-11-17T04:30:00+09:00") ","
              EV("tarouk", "PC-01", "logoff", "2026-11-17T04:45:00+09:00") "]");
    assert_string_equal(ledger(f), "employee,date,kind,time\n"
                                    "1000,2026-11-16,clock_in,2026-11-17T04:30:00+09:00\n"
                                    "1000,2026-11-16,clock_out,2026-11-17T04:45:00+09:00\n");
}

static void unlinked_account_is_punched_once_linked(void **state)
{
    fx *f = *state;
    rederive_stats st = {0};
    lr_error err;
    ingest_result r = fixture_ingest(f, "[" EV("hanako", "PC-07", "logon", "2026-11-18T08:00:00+09:00") ","
                                EV("hanako", "PC-07", "logoff", "2026-11-18T17:00:00+09:00") "]");
    assert_int_equal(r.unlinked, 2);
    assert_int_equal(r.punches.added, 0);
    assert_string_equal(ledger(f), "employee,date,kind,time\n");
    assert_int_equal(admin_link_set(f->s, "ACM", "lanscope", "0012", "hanako", "test", &st, &err),
                     LR_OK);
    assert_int_equal(st.added, 2);
    assert_string_equal(ledger(f), "employee,date,kind,time\n"
                                    "0012,2026-11-18,clock_in,2026-11-18T08:00:00+09:00\n"
                                    "0012,2026-11-18,clock_out,2026-11-18T17:00:00+09:00\n");
    /* linking again changes nothing */
    memset(&st, 0, sizeof st);
    assert_int_equal(admin_link_set(f->s, "ACM", "lanscope", "0012", "hanako", "test", &st, &err),
                     LR_OK);
    assert_int_equal(st.added + st.replaced + st.retracted, 0);
    /* moving the link to another PC user name retracts what the old one gave */
    memset(&st, 0, sizeof st);
    assert_int_equal(admin_link_set(f->s, "ACM", "lanscope", "0012", "hanako2", "test", &st, &err),
                     LR_OK);
    assert_int_equal(st.retracted, 2);
    assert_string_equal(ledger(f), "employee,date,kind,time\n");
    assert_int_equal(outbox(f).retract, 2);
}

static void account_of_another_kind_does_not_match(void **state)
{
    fx *f = *state;
    /* tarouk is linked for LanScope; a MaLion event of the same name is someone else's */
    ingest_result r = fixture_ingest(f, "[{\"source\":\"malion\",\"account\":\"tarouk\",\"op\":\"logon\","
                                "\"time\":\"2026-11-16T09:00:00+09:00\"}]");
    assert_int_equal(r.unlinked, 1);
    assert_string_equal(ledger(f), "employee,date,kind,time\n");
    /* ... and case matters: TarouK is not tarouk */
    r = fixture_ingest(f, "[" EV("TarouK", "PC-01", "logon", "2026-11-16T09:00:00+09:00") "]");
    assert_int_equal(r.unlinked, 1);
    assert_string_equal(ledger(f), "employee,date,kind,time\n");
}

static void link_conflicts_are_refused(void **state)
{
    fx *f = *state;
    lr_error err;
    rederive_stats st = {0};
    assert_int_equal(admin_link_set(f->s, "ACM", "lanscope", "0012", "tarouk", "t", &st, &err),
                     LR_EEXIST);
    assert_non_null(strstr(err.message, "already linked"));
    assert_int_equal(admin_link_set(f->s, "ACM", "lanscope", "9999", "x", "t", &st, &err),
                     LR_ENOTFOUND);
    assert_non_null(strstr(err.message, "9999"));
    assert_int_equal(admin_link_set(f->s, "ACM", "excel", "0012", "x", "t", &st, &err), LR_EINVAL);
    assert_int_equal(admin_link_set(f->s, "ACM", "lanscope", "0012", "  ", "t", &st, &err),
                     LR_EINVAL);
}

typedef struct fcount {
    int n;
    unsigned flags;
} fcount;

static int count_flagged(void *ctx, const lr_event_row *r)
{
    fcount *c = ctx;
    c->n++;
    c->flags |= r->flags;
    return 0;
}

static void shared_account_is_listed_as_flagged(void **state)
{
    fx *f = *state;
    fcount c = {0};
    fixture_ingest(f, "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") ","
              EV("tarouk", "PC-01", "logoff", "2026-11-16T17:00:00+09:00") ","
              EV("tarouk", "PC-02", "logon", "2026-11-16T10:00:00+09:00") ","
              EV("tarouk", "PC-02", "logoff", "2026-11-16T11:00:00+09:00") "]");
    assert_int_equal(store_events_list(f->s, f->c.id, 0, 0, 1, count_flagged, &c, NULL), LR_OK);
    assert_int_equal(c.n, 4);
    assert_true(c.flags & DAY_FLAG_SHARED_ACCOUNT);
    assert_int_equal(strlen(ledger(f)) > 30, 1);
}

static void failed_batch_leaves_nothing(void **state)
{
    fx *f = *state;
    lr_event_batch b;
    lr_error err;
    ingest_result r;
    fcount c = {0};
    const char *json = "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") ","
                       EV("boom", "PC-01", "logon", "2026-11-16T09:00:00+09:00") "]";
    /* inject a failure on the second insert, from outside the product */
    fixture_fail_inserts(f->path, "log_events", "account", "boom");
    assert_int_equal(event_batch_parse_json(json, strlen(json), 10, "t", &b, &err), LR_OK);
    assert_int_not_equal(ingest_events(f->s, &f->c, b.events, b.nevents, &r, &err), LR_OK);
    event_batch_free(&b);
    assert_int_equal(store_events_list(f->s, f->c.id, 0, 0, 0, count_flagged, &c, NULL), LR_OK);
    assert_int_equal(c.n, 0);
    assert_string_equal(ledger(f), "employee,date,kind,time\n");
    assert_int_equal(outbox(f).n, 0);
}

static void breaks_follow_the_company_setting(void **state)
{
    fx *f = *state;
    lr_error err;
    company_changes ch = {.breaks = 1};
    assert_int_equal(admin_company_set(f->s, "ACM", &ch, "t", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &f->c, &err), LR_OK);
    fixture_ingest(f, "[" EV("tarouk", "PC-01", "logon", "2026-11-16T09:00:00+09:00") ","
              EV("tarouk", "PC-01", "logoff", "2026-11-16T12:00:00+09:00") ","
              EV("tarouk", "PC-01", "logon", "2026-11-16T13:00:00+09:00") ","
              EV("tarouk", "PC-01", "logoff", "2026-11-16T18:00:00+09:00") "]");
    assert_string_equal(ledger(f), "employee,date,kind,time\n"
                                    "1000,2026-11-16,clock_in,2026-11-16T09:00:00+09:00\n"
                                    "1000,2026-11-16,break_start,2026-11-16T12:00:00+09:00\n"
                                    "1000,2026-11-16,break_end,2026-11-16T13:00:00+09:00\n"
                                    "1000,2026-11-16,clock_out,2026-11-16T18:00:00+09:00\n");
}

static void admin_validation(void **state)
{
    fx *f = *state;
    lr_error err;
    char token[LR_TOKEN_LEN + 1];
    assert_int_equal(admin_company_add(f->s, "ABCD", "x", NULL, 0, "t", token, &err), LR_EINVAL);
    assert_int_equal(admin_company_add(f->s, "ACM", "again", NULL, 0, "t", token, &err), LR_EEXIST);
    assert_int_equal(admin_company_add(f->s, "XYZ123", "x", "Mars/Base", 0, "t", token, &err),
                     LR_EINVAL);
    assert_int_equal(admin_division_set(f->s, "ACM", "D2", "x", "25:00", "t", &err), LR_EINVAL);
    assert_int_equal(admin_employee_add(f->s, "ACM", "2000", "a", "b", "NOPE", "t", &err),
                     LR_ENOTFOUND);
    assert_non_null(strstr(err.message, "NOPE"));
    assert_int_equal(admin_employee_add(f->s, "NOC", "2000", "a", "b", NULL, "t", &err),
                     LR_ENOTFOUND);
    assert_int_equal(admin_employee_add(f->s, "ACM", "1000", "a", "b", NULL, "t", &err), LR_EEXIST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(late_logoff_completes_the_day, setup, teardown),
        cmocka_unit_test_setup_teardown(redelivery_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(later_logoff_is_queued_as_a_correction, setup, teardown),
        cmocka_unit_test_setup_teardown(division_day_change_applies, setup, teardown),
        cmocka_unit_test_setup_teardown(unlinked_account_is_punched_once_linked, setup, teardown),
        cmocka_unit_test_setup_teardown(account_of_another_kind_does_not_match, setup, teardown),
        cmocka_unit_test_setup_teardown(link_conflicts_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(shared_account_is_listed_as_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_batch_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_long_span_is_rederived_in_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(breaks_follow_the_company_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(admin_validation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
