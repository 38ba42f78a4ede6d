/*
 * test_pc_ingest — a PC's own logs through the store into punches.
 * Windows (service/ingest_windows, service/win_days): a real Security.evtx, its
 * linked logon stored as one event with two records, sent twice and
 * punched once; a link set after the records; idle spans as breaks; a
 * host's shutdown, sent later, ending a session; a damaged file leaving
 * nothing. Linux (service/ingest_linux, service/unix_days): a wtmp file
 * named by its PC, sent twice; the journal's boot without a shutdown
 * ending a session at the last sign of life, and flagged so. One Windows
 * user name under two SIDs: flagged, and named. Runs on SQLite and on
 * PostgreSQL (fixture).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cases.h"
#include "fixture.h"
#include "service/admin.h"
#include "service/ingest_pc.h"
#include "service/pc_check.h"
#include "util/buf.h"
#include "util/timefmt.h"

static int setup(void **state)
{
    return fixture_fx_setup(state, "test_pc_ingest");
}

/* One file of tests/data/<dir> through ingest_pc_file: its result, when
 * the status is want. */
static ingest_result ingest_path(fx *f, const char *dir, const char *name, const char *host,
                                 pc_format fmt, lr_status want)
{
    char path[512];
    pc_file file = {fmt, name, NULL, 0, host, 0};
    ingest_result res;
    pc_stats st;
    lr_error err = {0};
    char *b;
    snprintf(path, sizeof path, "tests/data/%s/%s", dir, name);
    file.bytes = b = cases_read(path, &file.n);
    if (ingest_pc_file(f->s, &f->c, &file, NULL, &res, &st, &err) != want)
        fail_msg("%s: %s", name, err.message);
    free(b);
    return res;
}

static ingest_result ingest_file(fx *f, const char *dir, const char *name, pc_format fmt,
                                 lr_status want)
{
    return ingest_path(f, dir, name, NULL, fmt, want);
}

static ingest_result ingest_text(fx *f, const char *text)
{
    pc_file file = {PC_FORMAT_WINLOGBEAT, "t.ndjson", text, strlen(text), NULL, 0};
    ingest_result res;
    pc_stats st;
    lr_error err = {0};
    if (ingest_pc_file(f->s, &f->c, &file, NULL, &res, &st, &err) != LR_OK)
        fail_msg("%s", err.message);
    return res;
}

static void link_windows(fx *f, const char *emp, const char *account)
{
    lr_error err = {0};
    rederive_stats rs;
    if (admin_link_set(f->s, "ACM", "windows", emp, account, "test", &rs, &err) != LR_OK)
        fail_msg("link: %s", err.message);
}

typedef struct day_punches {
    punch_stored p[16];
    size_t n;
} day_punches;

static void keep_punch(void *ctx, size_t i, const punch_stored *p)
{
    day_punches *d = ctx;
    (void)i;
    assert_true(d->n < 16);
    d->p[d->n++] = *p;
}

/* The day's punches of an employee as "kind@ISO,..." in JST. */
static void punches(fx *f, const char *emp, const char *day, char *out, size_t outsz)
{
    lr_employee e;
    lr_error err = {0};
    day_punches d = {.n = 0};
    store_day sd = {0, ""};
    punch_stored *p = d.p;
    size_t n, len = 0;
    out[0] = '\0';
    assert_int_equal(store_employee_get(f->s, f->c.id, emp, &e, &err), LR_OK);
    sd.employee_id = e.id;
    snprintf(sd.work_day, sizeof sd.work_day, "%s", day);
    assert_int_equal(store_punches_of_days(f->s, &sd, 1, keep_punch, &d, &err), LR_OK);
    n = d.n;
    for (size_t i = 0; i < n; i++) {
        char t[32];
        tf_format_iso(p[i].utc, 9 * 3600, t);
        len += (size_t)snprintf(out + len, outsz - len, "%s%s@%s", i ? "," : "",
                                punch_kind_name(p[i].kind), t + 11);
    }
}

/* post-Security.evtx: John's linked logon (two 4624s, one instant) is one
 * event with two records; his 4647 names the second id. Sent twice,
 * punched once. */
static void evtx_into_punches_once(void **state)
{
    fx *f = *state;
    char got[256];
    ingest_result r;
    link_windows(f, "0012", "John");
    r = ingest_file(f, "evtx", "post-Security.evtx", PC_FORMAT_EVTX, LR_OK);
    assert_int_equal(r.accepted, 3);
    assert_int_equal(r.punches.added, 2);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM win_records"), 3);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events"), 2);
    punches(f, "0012", "2017-12-13", got, sizeof got);
    assert_string_equal(got, "clock_in@23:57:18+09:00,clock_out@00:12:26+09:00");
    r = ingest_file(f, "evtx", "post-Security.evtx", PC_FORMAT_EVTX, LR_OK);
    assert_int_equal(r.accepted, 0);
    assert_int_equal(r.duplicates, 3);
    assert_int_equal(r.punches.added + r.punches.replaced + r.punches.retracted, 0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM outbox"), 2);
}

/* Records first, link later: the link re-derives them into punches. */
static void link_after_records(void **state)
{
    fx *f = *state;
    char got[256];
    ingest_result r = ingest_file(f, "evtx", "post-Security.evtx", PC_FORMAT_EVTX, LR_OK);
    assert_int_equal(r.unlinked, 3);
    assert_int_equal(r.punches.added, 0);
    link_windows(f, "0012", "John");
    punches(f, "0012", "2017-12-13", got, sizeof got);
    assert_string_equal(got, "clock_in@23:57:18+09:00,clock_out@00:12:26+09:00");
}

/* day.ndjson: 09:00 in, locked 12:00-13:00, out 18:00 JST. With breaks on,
 * a lock of at least the idle-break minutes is a break; a longer
 * idle-break leaves it inside the work. */
static void idle_span_is_a_break(void **state)
{
    fx *f = *state;
    char got[256];
    lr_error err = {0};
    company_changes on = {.breaks = 1, .idle_break = "15"}, longer = {.breaks = -1, .idle_break = "90"};
    assert_int_equal(admin_company_set(f->s, "ACM", &on, "test", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &f->c, &err), LR_OK);
    link_windows(f, "0012", "tarouk");
    ingest_file(f, "winlogbeat", "day.ndjson", PC_FORMAT_WINLOGBEAT, LR_OK);
    punches(f, "0012", "2025-11-16", got, sizeof got);
    assert_string_equal(got, "clock_in@09:00:00+09:00,break_start@12:00:00+09:00,"
                             "break_end@13:00:00+09:00,clock_out@18:00:00+09:00");
    assert_int_equal(admin_company_set(f->s, "ACM", &longer, "test", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &f->c, &err), LR_OK);
    assert_int_equal(f->c.idle_break_min, 90);
    /* re-derive by sending the day again (nothing new) and by the link */
    link_windows(f, "0012", "tarouk");
    punches(f, "0012", "2025-11-16", got, sizeof got);
    assert_string_equal(got, "clock_in@09:00:00+09:00,clock_out@18:00:00+09:00");
}

#define REC(ts, id, rec, extra)                                                                    \
    "{\"@timestamp\":\"" ts "\",\"winlog\":{\"event_id\":" #id ",\"channel\":\"Security\","         \
    "\"computer_name\":\"PC-09\",\"record_id\":" #rec ",\"event_data\":{" extra "}}}\n"
#define SYSREC(ts, id, rec, provider)                                                              \
    "{\"@timestamp\":\"" ts "\",\"winlog\":{\"event_id\":" #id ",\"channel\":\"System\","           \
    "\"provider_name\":\"" provider "\",\"computer_name\":\"PC-09\",\"record_id\":" #rec "}}\n"

/* A logon with no logoff, then (another file, later) the System log's
 * shutdown of that PC: the shutdown ends the session, a clock-out. */
static void shutdown_sent_later_ends_the_session(void **state)
{
    fx *f = *state;
    char got[256];
    ingest_result r;
    link_windows(f, "0012", "jiro");
    ingest_text(f, REC("2025-11-17T00:30:00Z", 4624, 7, "\"TargetUserName\":\"jiro\",\"TargetUserSid\":"
                       "\"S-1-5-21-9\",\"LogonType\":\"2\",\"LogonProcessName\":\"User32 \","
                       "\"TargetLogonId\":\"0x77\""));
    punches(f, "0012", "2025-11-17", got, sizeof got);
    assert_string_equal(got, "clock_in@09:30:00+09:00");
    r = ingest_text(f, SYSREC("2025-11-17T09:15:00Z", 1074, 500, "User32")
                       SYSREC("2025-11-17T09:15:20Z", 6006, 501, "EventLog"));
    assert_int_equal(r.accepted, 2);
    assert_int_equal(r.punches.added, 1);
    punches(f, "0012", "2025-11-17", got, sizeof got);
    assert_string_equal(got, "clock_in@09:30:00+09:00,clock_out@18:15:00+09:00");
}

/* A damaged .evtx is refused whole: nothing of it is stored. */
static void damaged_file_stores_nothing(void **state)
{
    fx *f = *state;
    ingest_file(f, "evtx", "sample_with_a_bad_chunk_magic.evtx", PC_FORMAT_EVTX, LR_EINVAL);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM win_records"), 0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events"), 0);
}

/* A crafted file on which libevtx asks for 8 GiB and reads out of bounds
 * (found by make fuzz): decoded in the helper process, it is refused in
 * words and nothing is stored; this process is untouched. */
static void crafted_file_stays_in_the_helper(void **state)
{
    fx *f = *state;
    ingest_file(f, "evtx", "crafted_template_count.evtx", PC_FORMAT_EVTX, LR_EINVAL);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events"), 0);
}

/* A helper that crashes (here: kills itself) refuses the file in words. */
static void a_crashing_helper_refuses_the_file(void **state)
{
    fx *f = *state;
    char path[600], b[8] = "ElfFile";
    pc_file file = {PC_FORMAT_EVTX, "x.evtx", b, sizeof b, NULL, 0};
    ingest_result res;
    pc_stats st;
    lr_error err = {0};
    FILE *sh;
    const char *tmp = getenv("LR_TEST_TMP");
    snprintf(path, sizeof path, "%s/crashing-helper-%d.sh", tmp ? tmp : "/tmp", (int)getpid());
    sh = fopen(path, "w");
    assert_non_null(sh);
    fprintf(sh, "#!/bin/sh\ncat > /dev/null\nkill -SEGV $$\n");
    fclose(sh);
    assert_int_equal(chmod(path, 0700), 0);
    setenv("LOGINREC_EVTX_HELPER", path, 1);
    assert_int_equal(ingest_pc_file(f->s, &f->c, &file, NULL, &res, &st, &err), LR_EINVAL);
    unsetenv("LOGINREC_EVTX_HELPER");
    unlink(path);
    assert_non_null(strstr(err.message, "stopped by signal 11"));
    assert_string_equal(err.file, "x.evtx");
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM log_events"), 0);
}

static ingest_result ingest_linux_file(fx *f, const char *dir, const char *name, const char *host,
                                       pc_format fmt)
{
    return ingest_path(f, dir, name, host, fmt, LR_OK);
}

/* day.wtmp of PC pc-07: tarouk at the console 09:01:15-18:00 JST, hanako
 * over ssh. Punched once; sent again, nothing changes. */
static void wtmp_into_punches_once(void **state)
{
    fx *f = *state;
    char got[256];
    lr_error err = {0};
    rederive_stats rs;
    ingest_result r;
    assert_int_equal(admin_link_set(f->s, "ACM", "linux", "0012", "tarouk", "test", &rs, &err), LR_OK);
    r = ingest_linux_file(f, "wtmp", "day.wtmp", "pc-07", PC_FORMAT_WTMP);
    assert_int_equal(r.accepted, 7);
    assert_int_equal(r.punches.added, 2);
    punches(f, "0012", "2025-11-17", got, sizeof got);
    assert_string_equal(got, "clock_in@09:01:15+09:00,clock_out@18:00:00+09:00");
    r = ingest_linux_file(f, "wtmp", "day.wtmp", "pc-07", PC_FORMAT_WTMP);
    assert_int_equal(r.duplicates, 7);
    assert_int_equal(r.punches.added + r.punches.replaced + r.punches.retracted, 0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM unix_records"), 7);
}

/* The journal: tarouk's session 3 ends at 14:00 JST, the boot's last line
 * (no shutdown); session 7 at the power-down. Two sessions, one work day:
 * in 09:01, out 18:00, and with breaks on the gap is a break. */
static void journal_boot_ends_a_session(void **state)
{
    fx *f = *state;
    char got[256];
    lr_error err = {0};
    rederive_stats rs;
    company_changes on = {.breaks = 1};
    assert_int_equal(admin_company_set(f->s, "ACM", &on, "test", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &f->c, &err), LR_OK);
    assert_int_equal(admin_link_set(f->s, "ACM", "linux", "0012", "tarouk", "test", &rs, &err), LR_OK);
    ingest_linux_file(f, "journald", "day.json", NULL, PC_FORMAT_JOURNALD);
    punches(f, "0012", "2025-11-17", got, sizeof got);
    assert_string_equal(got, "clock_in@09:01:00+09:00,break_start@14:00:00+09:00,"
                             "break_end@15:10:00+09:00,clock_out@18:00:00+09:00");
    /* the log view shows how that end was read */
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM event_flags f JOIN log_events "
                                              "e ON e.id = f.event_id WHERE f.flags & 16 <> 0"),
                     1);
}

#define LOGON_ON(host, ts, rec, user, sid, id)                                                     \
    "{\"@timestamp\":\"" ts "\",\"winlog\":{\"event_id\":4624,\"channel\":\"Security\","      \
    "\"computer_name\":\"" host "\",\"record_id\":" #rec ",\"event_data\":{\"TargetUserName\":"  \
    "\"" user "\",\"TargetUserSid\":\"" sid "\",\"LogonType\":\"2\",\"LogonProcessName\":"     \
    "\"User32\",\"TargetLogonId\":\"" id "\"}}}\n"
#define LOGOFF_ON(host, ts, rec, user, sid, id)                                                    \
    "{\"@timestamp\":\"" ts "\",\"winlog\":{\"event_id\":4647,\"channel\":\"Security\","      \
    "\"computer_name\":\"" host "\",\"record_id\":" #rec ",\"event_data\":{\"TargetUserName\":"  \
    "\"" user "\",\"TargetUserSid\":\"" sid "\",\"TargetLogonId\":\"" id "\"}}}\n"

static int keep_name(void *ctx, const pc_shared_name *s)
{
    char *out = ctx;
    snprintf(out, 400, "%s: ", s->account);
    pc_shared_name_text(s, out + strlen(out), 400 - strlen(out));
    return 0;
}

/* Rule 7: tarouk on PC-01 and, the next day, tarouk on PC-02 under another
 * SID are two accounts (never at once, so not the day engine's overlap).
 * Their events are flagged shared_account, and `loginrec check`
 * and 連携状況 name the PCs, for the records of the last 90 days. */
static void one_name_two_accounts(void **state)
{
    fx *f = *state;
    char names[400] = "";
    size_t n = 0;
    lr_error err = {0};
    int64_t now;
    int off;
    link_windows(f, "0012", "tarouk");
    ingest_text(f, LOGON_ON("PC-01", "2025-11-18T00:00:00Z", 11, "tarouk", "S-1-5-21-7-1001", "0x10")
                   LOGOFF_ON("PC-01", "2025-11-18T09:00:00Z", 12, "tarouk", "S-1-5-21-7-1001", "0x10")
                   LOGON_ON("PC-02", "2025-11-19T01:00:00Z", 21, "tarouk", "S-1-5-21-8-1001", "0x20")
                   LOGOFF_ON("PC-02", "2025-11-19T02:00:00Z", 22, "tarouk", "S-1-5-21-8-1001",
                             "0x20"));
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM event_flags WHERE flags & 8 <> 0"),
                     4);
    assert_int_equal(tf_parse_iso("2025-12-01T00:00:00Z", &now, &off, NULL), LR_OK);
    assert_int_equal(pc_shared_names(f->s, &f->c, now, keep_name, names, &n, &err), LR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(names, "tarouk: SID S-1-5-21-7-1001 on PC-01; SID S-1-5-21-8-1001 on PC-02");
    /* 90 days on, the records are history */
    names[0] = '\0';
    assert_int_equal(pc_shared_names(f->s, &f->c, now + 100 * 86400, keep_name, names, &n, &err),
                     LR_OK);
    assert_int_equal(n, 0);
    assert_string_equal(names, "");
}

typedef struct seen_progress {
    size_t calls;
    uint64_t done, total;
} seen_progress;

static void on_progress(void *ctx, progress_stage stage, uint64_t done, uint64_t total,
                        uint64_t items)
{
    seen_progress *p = ctx;
    (void)items;
    if (stage != PROGRESS_STORE)
        return;
    p->calls++;
    p->done = done;
    p->total = total;
}

/* A long file says how far it is: records stored of the lines it holds. */
static void a_long_file_reports_progress(void **state)
{
    fx *f = *state;
    seen_progress seen = {0, 0, 0};
    progress_hook hook = {on_progress, &seen};
    lr_buf b;
    pc_file file;
    ingest_result res;
    pc_stats st;
    lr_error err = {0};
    buf_init(&b, 16u << 20);
    for (int i = 0; i < 8200; i++) /* network logons: stored, never punched */
        assert_int_equal(buf_printf(&b, "{\"@timestamp\":\"2025-11-18T00:%02d:%02dZ\",\"winlog\":"
                                        "{\"event_id\":4624,\"channel\":\"Security\","
                                        "\"computer_name\":\"PC-01\",\"record_id\":%d,"
                                        "\"event_data\":{\"TargetUserName\":\"tarouk\","
                                        "\"LogonType\":\"3\",\"TargetLogonId\":\"0x%x\"}}}\n",
                                    i / 60 % 60, i % 60, 1000 + i, 0x1000 + i),
                         LR_OK);
    file = (pc_file){PC_FORMAT_WINLOGBEAT, "long.ndjson", buf_str(&b), b.len, NULL, 0};
    assert_int_equal(ingest_pc_file(f->s, &f->c, &file, &hook, &res, &st, &err), LR_OK);
    assert_int_equal(res.accepted, 8200);
    assert_int_equal(seen.calls, 2);
    assert_int_equal(seen.done, 8192);
    assert_int_equal(seen.total, 8200);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(evtx_into_punches_once, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(link_after_records, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(idle_span_is_a_break, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(shutdown_sent_later_ends_the_session, setup,
                                        fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(damaged_file_stores_nothing, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(crafted_file_stays_in_the_helper, setup,
                                        fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(a_crashing_helper_refuses_the_file, setup,
                                        fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(wtmp_into_punches_once, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(journal_boot_ends_a_session, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(one_name_two_accounts, setup, fixture_fx_teardown),
        cmocka_unit_test_setup_teardown(a_long_file_reports_progress, setup, fixture_fx_teardown),
    };
    return cmocka_run_group_tests_name("windows ingest", tests, NULL, NULL);
}
