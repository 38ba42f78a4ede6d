/*
 * test_win_sources — the Windows sources on real and hand-made files:
 * .evtx files recorded on real machines (tests/data/evtx, see its README)
 * through libevtx, and Winlogbeat JSON (tests/data/winlogbeat), into
 * records and then sessions. Every way a file can be wrong is refused with
 * where and why: not an .evtx, truncated, damaged, the wrong log, a JSON
 * line that is not JSON, a missing or mistyped field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases.h"
#include "core/win_session.h"
#include "sources/evtx.h"
#include "sources/winlogbeat.h"

static const char *data_dir = "tests/data";

/* What the callback collects: copies of the records (their strings point
 * into themselves, so they are re-pointed after the array moves). */
typedef struct got {
    win_record *v;
    size_t n, cap;
    size_t raw_bytes;
} got;

static lr_status collect(void *ctx, win_record *r, const char *raw, size_t rawlen, lr_error *err)
{
    got *g = ctx;
    (void)err;
    assert_non_null(raw);
    g->raw_bytes += rawlen;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->v = realloc(g->v, g->cap * sizeof *g->v);
        assert_non_null(g->v);
    }
    g->v[g->n++] = *r;
    return LR_OK;
}

/* The collected records as win_events (pointing into g). */
static win_event *events_of(got *g)
{
    win_event *ev = calloc(g->n ? g->n : 1, sizeof *ev);
    assert_non_null(ev);
    for (size_t i = 0; i < g->n; i++) {
        win_record moved = g->v[i];
        win_record_copy(&g->v[i], &moved); /* the array moved since */
        ev[i] = g->v[i].e;
    }
    return ev;
}

static unsigned char *read_file(const char *dir, const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", data_dir, dir, name);
    return (unsigned char *)cases_read(path, n);
}

static lr_status parse_evtx(const char *name, int partial, got *g, evtx_stats *st, lr_error *err)
{
    size_t n;
    unsigned char *b = read_file("evtx", name, &n);
    lr_status s = evtx_parse(name, b, n, partial, collect, g, st, err);
    free(b);
    return s;
}

static size_t count_id(const got *g, int event_id)
{
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++)
        k += g->v[i].e.event_id == event_id;
    return k;
}

/* A real user's day (post-Security.evtx, Windows 7): John's interactive
 * logon writes two 4624s at one instant without TargetLinkedLogonId, and
 * his 4647 names the second id: one session, 14:57:18 to 15:12:26 UTC. */
static void evtx_linked_logon_and_4647(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    win_output out;
    win_event *ev;
    (void)state;
    assert_int_equal(parse_evtx("post-Security.evtx", 0, &g, &st, &err), LR_OK);
    assert_int_equal(st.w.records, 126);
    assert_false(st.damaged);
    assert_int_equal(count_id(&g, 4624), 2); /* SYSTEM's and services' are skipped */
    assert_int_equal(count_id(&g, 4647), 1);
    assert_true(st.w.ignored_system > 0);
    assert_string_equal(g.v[0].host, "John-PC");
    assert_string_equal(g.v[0].channel, "Security");
    assert_string_equal(g.v[0].logon_process, "User32 ");
    assert_int_equal(g.v[0].e.logon_type, 2);
    assert_true(g.raw_bytes > 0);
    ev = events_of(&g);
    assert_int_equal(win_sessions_derive(ev, g.n, &out), LR_OK);
    assert_int_equal(out.nsessions, 1);
    assert_string_equal(out.sessions[0].user, "John");
    assert_int_equal(out.sessions[0].start, 1513177038); /* 2017-12-13T14:57:18Z */
    assert_int_equal(out.sessions[0].end, 1513177946);   /* 2017-12-13T15:12:26Z */
    win_output_free(&out);
    free(ev);
    free(g.v);
}

/* Security_with_size_t.evtx (Windows Server 2012): Administrator's
 * sit-down logons start sessions; runas-style type-2 logons from Advapi and
 * the unlocks (type 7) with their 4634s are other. The log wrapped, so its
 * records are not in time order: the sessions do not care. */
static void evtx_unlocks_and_advapi_are_other(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    win_output out;
    win_event *ev;
    size_t user32 = 0;
    (void)state;
    assert_int_equal(parse_evtx("Security_with_size_t.evtx", 0, &g, &st, &err), LR_OK);
    assert_int_equal(st.w.records, 636);
    ev = events_of(&g);
    for (size_t i = 0; i < g.n; i++)
        user32 += win_event_is_sit_down(&ev[i]);
    assert_true(user32 >= 8);
    assert_int_equal(win_sessions_derive(ev, g.n, &out), LR_OK);
    assert_int_equal(out.nsessions, user32);
    for (size_t i = 0; i < g.n; i++) {
        const win_record *r = &g.v[i];
        if (r->e.event_id == 4624 && r->e.logon_type == 2 && strncmp(r->logon_process, "Advapi", 6) == 0)
            assert_int_equal(out.verdicts[i].role, WIN_OTHER);
        if (r->e.event_id == 4624 && r->e.logon_type == 7)
            assert_int_equal(out.verdicts[i].role, WIN_OTHER); /* no lock was audited */
        if (r->e.event_id == 4634 && r->e.logon_type == 7)
            assert_int_equal(out.verdicts[i].role, WIN_OTHER);
    }
    win_output_free(&out);
    free(ev);
    free(g.v);
}

/* system.evtx was copied while Windows wrote it: dirty, its header behind
 * its chunks, which libevtx calls corrupted. It is read whole, with its
 * boots, shutdowns, sleeps and wakes. */
static void evtx_dirty_system_log_is_read(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    (void)state;
    assert_int_equal(parse_evtx("system.evtx", 0, &g, &st, &err), LR_OK);
    assert_true(st.dirty);
    assert_false(st.damaged);
    assert_int_equal(st.w.records, 1881);
    assert_true(count_id(&g, 6005) > 0);
    assert_true(count_id(&g, 6006) > 0);
    assert_true(count_id(&g, 1074) > 0);
    assert_true(count_id(&g, 42) > 0);
    assert_true(count_id(&g, 107) + count_id(&g, 1) > 0);
    for (size_t i = 0; i < g.n; i++)
        if (g.v[i].e.event_id == 1074)
            assert_true(strstr(g.v[i].process, ".exe") != NULL); /* param1: who asked */
    free(g.v);
}

/* A bad chunk: refused whole, saying how many records can be read and
 * how many more lie in damaged chunks. Taken partially, it is still the
 * wrong log (AppXDeployment). */
static void evtx_damaged_refused(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    (void)state;
    assert_int_equal(parse_evtx("sample_with_a_bad_chunk_magic.evtx", 0, &g, &st, &err), LR_EINVAL);
    assert_int_equal(g.n, 0);
    assert_true(st.damaged);
    assert_string_equal(err.file, "sample_with_a_bad_chunk_magic.evtx");
    assert_non_null(strstr(err.message, "267 of 267 records can be read"));
    assert_non_null(strstr(err.message, "81 more only as fragments"));
    assert_non_null(strstr(err.message, "--partial"));
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_evtx("sample_with_a_bad_chunk_magic.evtx", 1, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "the Microsoft-Windows-AppXDeployment/Operational log"));
    assert_int_equal(g.n, 0);
    free(g.v);
}

/* A Security log with one record damaged (a byte changed inside it, as a
 * bad sector would): refused whole; with partial, the 125 readable records
 * are taken and John's session is still there. */
static void evtx_partial_takes_the_readable(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    size_t n;
    unsigned char *b = read_file("evtx", "post-Security.evtx", &n);
    (void)state;
    b[4096 + 65536 + 9000] ^= 0xFF; /* inside a record of the second chunk */
    assert_int_equal(evtx_parse("bad.evtx", b, n, 0, collect, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "125 of 126 records can be read; 1 unreadable"));
    assert_int_equal(g.n, 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(evtx_parse("bad.evtx", b, n, 1, collect, &g, &st, &err), LR_OK);
    assert_int_equal(st.unreadable, 1);
    assert_int_equal(st.w.records, 125);
    assert_int_equal(count_id(&g, 4647), 1);
    free(b);
    free(g.v);
}

/* The helper's one pass (evtx_parse_stream) answers as the two passes of
 * evtx_parse for every file here: the same records in the same order, the
 * same counts, the same error word for word. A record that cannot be read
 * ends the file (the damaged byte above), whole; with partial, the rest
 * goes on. */
static void evtx_one_pass_answers_as_two(void **state)
{
    static const char *files[] = {"post-Security.evtx", "Security_with_size_t.evtx", "system.evtx",
                                  "Application_no_crc32.evtx", "sample_with_a_bad_chunk_magic.evtx",
                                  "damaged"}; /* not crafted_template_count.evtx: it is for
                                                * the helper's limits */
    (void)state;
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        for (int partial = 0; partial <= 1; partial++) {
            got a = {0}, b = {0};
            evtx_stats sa, sb;
            lr_error ea = {0}, eb = {0};
            size_t n;
            int damaged = strcmp(files[k], "damaged") == 0;
            unsigned char *bytes = read_file("evtx", damaged ? "post-Security.evtx" : files[k], &n);
            lr_status ra, rb;
            if (damaged)
                bytes[4096 + 65536 + 9000] ^= 0xFF;
            ra = evtx_parse(files[k], bytes, n, partial, collect, &a, &sa, &ea);
            rb = evtx_parse_stream(files[k], bytes, n, partial, collect, &b, &sb, &eb);
            assert_int_equal(ra, rb);
            assert_string_equal(ea.message, eb.message);
            assert_int_equal(sa.unreadable, sb.unreadable);
            assert_int_equal(sa.fragments, sb.fragments);
            assert_int_equal(sa.damaged, sb.damaged);
            if (ra == LR_OK) {
                assert_int_equal(sa.w.records, sb.w.records);
                assert_int_equal(sa.w.wanted, sb.w.wanted);
                assert_int_equal(a.n, b.n);
                assert_int_equal(a.raw_bytes, b.raw_bytes);
                for (size_t i = 0; i < a.n; i++) {
                    assert_int_equal(a.v[i].record_id, b.v[i].record_id);
                    assert_int_equal(a.v[i].e.event_id, b.v[i].e.event_id);
                }
            }
            if (damaged && !partial) {
                assert_int_equal(ra, LR_EINVAL);
                assert_non_null(strstr(eb.message, "125 of 126 records can be read; 1 unreadable"));
            }
            if (damaged && partial)
                assert_int_equal(sb.w.records, 125);
            free(bytes);
            free(a.v);
            free(b.v);
        }
    }
}

static lr_status refuse_all(void *ctx, win_record *r, const char *raw, size_t rawlen,
                            lr_error *err)
{
    (void)ctx;
    (void)r;
    (void)raw;
    (void)rawlen;
    return lr_fail(err, LR_EIO, "the reader went away");
}

/* Regression: when the one pass stopped at an early record (here its
 * reader failing on the first) and a later record cannot be read, the
 * answer was the early record's error; two passes refuse the file as
 * damaged, with every unreadable record counted and none taken. */
static void evtx_one_pass_stopped_early_is_still_damaged(void **state)
{
    evtx_stats sa, sb;
    lr_error ea = {0}, eb = {0};
    size_t n;
    unsigned char *b = read_file("evtx", "post-Security.evtx", &n);
    (void)state;
    b[4096 + 65536 + 9000] ^= 0xFF; /* a record of the second chunk */
    assert_int_equal(evtx_parse("bad.evtx", b, n, 0, refuse_all, NULL, &sa, &ea), LR_EINVAL);
    assert_int_equal(evtx_parse_stream("bad.evtx", b, n, 0, refuse_all, NULL, &sb, &eb),
                     LR_EINVAL);
    assert_string_equal(ea.message, eb.message);
    assert_non_null(strstr(eb.message, "125 of 126 records can be read; 1 unreadable"));
    assert_int_equal(sb.unreadable, 1);
    assert_int_equal(sb.w.records, sa.w.records);
    free(b);
}

/* A file whose chunks lack their CRCs is damaged; taken partially it is
 * still the wrong log (Application). */
static void evtx_no_crc_and_wrong_channel(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    (void)state;
    assert_int_equal(parse_evtx("Application_no_crc32.evtx", 0, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "damaged"));
    assert_int_equal(parse_evtx("Application_no_crc32.evtx", 1, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "the Application log"));
    assert_non_null(strstr(err.message, "record 1 (EventRecordID"));
    assert_int_equal(g.n, 0);
    free(g.v);
}

/* Not an .evtx, or cut short: refused with what to do. */
static void evtx_not_evtx_or_truncated(void **state)
{
    got g = {0};
    evtx_stats st;
    lr_error err = {0};
    size_t n;
    unsigned char *b = read_file("evtx", "post-Security.evtx", &n);
    (void)state;
    assert_int_equal(evtx_parse("x.csv", (const unsigned char *)"a,b\n", 4, 0, collect, &g, &st, &err),
                     LR_EINVAL);
    assert_non_null(strstr(err.message, "not an .evtx file"));
    /* cut inside its first chunk, and inside the file header */
    for (size_t cut = 4096 + 20000; cut > 0; cut = cut > 4096 ? 100 : 0) {
        memset(&err, 0, sizeof err);
        assert_int_equal(evtx_parse("cut.evtx", b, cut, 0, collect, &g, &st, &err), LR_EINVAL);
        assert_int_equal(g.n, 0);
        assert_non_null(strstr(err.message, "truncated"));
        assert_non_null(strstr(err.message, cut > 4096 ? "20000 bytes into a chunk" : "100 bytes into a header"));
    }
    /* cut after its first chunk: the header promises two */
    memset(&err, 0, sizeof err);
    assert_int_equal(evtx_parse("cut.evtx", b, 4096 + 65536, 0, collect, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "damaged"));
    assert_int_equal(evtx_parse("cut.evtx", b, 4096 + 65536, 1, collect, &g, &st, &err), LR_OK);
    assert_int_equal(st.w.records, 102);
    free(b);
    free(g.v);
}

static lr_status parse_json(const char *name, got *g, win_stats *st, lr_error *err)
{
    size_t n;
    char *b = (char *)read_file("winlogbeat", name, &n);
    lr_status s = winlogbeat_parse(name, b, n, collect, g, st, err);
    free(b);
    return s;
}

/* NDJSON and the array form give the same records; the security module's
 * moved user.* fields are read; other event ids and non-people counted. */
static void winlogbeat_lines_and_array(void **state)
{
    got a = {0}, b = {0};
    win_stats sa, sb;
    lr_error err = {0};
    win_output out;
    win_event *ev;
    (void)state;
    assert_int_equal(parse_json("day.ndjson", &a, &sa, &err), LR_OK);
    assert_int_equal(parse_json("day.json", &b, &sb, &err), LR_OK);
    assert_int_equal(a.n, b.n);
    assert_int_equal(sa.records, sb.records);
    assert_int_equal(sa.ignored_kind, 1);   /* a 4672 */
    assert_int_equal(sa.ignored_system, 1); /* SYSTEM's service logon */
    for (size_t i = 0; i < a.n; i++) {
        assert_string_equal(a.v[i].user, b.v[i].user);
        assert_int_equal(a.v[i].e.utc, b.v[i].e.utc);
        assert_int_equal(a.v[i].e.logon_id, b.v[i].e.logon_id);
    }
    ev = events_of(&a);
    assert_int_equal(win_sessions_derive(ev, a.n, &out), LR_OK);
    assert_int_equal(out.nsessions, 1);
    assert_string_equal(out.sessions[0].host, "PC-01");
    assert_string_equal(out.sessions[0].user, "tarouk");
    assert_string_equal(out.sessions[0].sid, "S-1-5-21-1-1001");
    assert_int_equal(out.nidles, 1);
    assert_int_equal(out.sessions[0].end, 1763283600); /* 2025-11-16T09:00:00Z = 18:00 JST */
    win_output_free(&out);
    free(ev);
    free(a.v);
    free(b.v);
}

/* Each wrong line is refused with its line and field; nothing is kept. */
static void winlogbeat_every_wrong_line(void **state)
{
    static const struct {
        const char *line, *want;
    } bad[] = {
        {"not json", "line 2: not a JSON object"},
        {"[1]", "line 2: record: expected a JSON object"},
        {"{\"winlog\":{\"event_id\":4624}}", "line 2: @timestamp: missing"},
        {"{\"@timestamp\":\"yesterday\",\"winlog\":{}}", "line 2: @timestamp:"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"channel\":\"Security\"}}",
         "line 2: winlog.event_id: missing"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":4624}}",
         "line 2: winlog.channel: missing"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":1000,\"channel\":"
         "\"Application\"}}",
         "line 2: winlog.channel: not a log loginrec reads"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":4624,\"channel\":"
         "\"Security\",\"record_id\":5}}",
         "line 2: winlog.computer_name: missing"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":4624,\"channel\":"
         "\"Security\",\"computer_name\":\"PC\"}}",
         "line 2: winlog.record_id: missing"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":4624,\"channel\":"
         "\"Security\",\"computer_name\":\"PC\",\"record_id\":5,\"event_data\":{\"TargetUserName\":"
         "\"a\",\"LogonType\":\"2\"}}}",
         "line 2: winlog.event_data.TargetLogonId: missing"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":\"4624\",\"channel\":"
         "\"Security\",\"computer_name\":\"PC\",\"record_id\":\"5\",\"event_data\":{"
         "\"TargetUserName\":\"a\",\"LogonType\":\"2\",\"TargetLogonId\":\"0xZZ\"}}}",
         "line 2: winlog.event_data.TargetLogonId: expected a hexadecimal logon id"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":4624,\"channel\":"
         "\"Security\",\"computer_name\":\"PC\",\"record_id\":5,\"event_data\":{"
         "\"TargetUserName\":\"a\",\"LogonType\":\"two\",\"TargetLogonId\":\"0x1\"}}}",
         "line 2: winlog.event_data.LogonType: expected a logon type"},
        {"{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":6005,\"channel\":"
         "\"System\",\"computer_name\":\"PC\",\"record_id\":5}}",
         "line 2: winlog.provider_name: missing"},
    };
    const char *good = "{\"@timestamp\":\"2025-11-16T00:00:00Z\",\"winlog\":{\"event_id\":4647,"
                       "\"channel\":\"Security\",\"computer_name\":\"PC\",\"record_id\":4,"
                       "\"event_data\":{\"TargetUserName\":\"a\",\"TargetLogonId\":\"0x1\"}}}\n";
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char body[2048];
        got g = {0};
        win_stats st;
        lr_error err = {0};
        snprintf(body, sizeof body, "%s%s\n", good, bad[i].line);
        assert_int_equal(winlogbeat_parse("w.ndjson", body, strlen(body), collect, &g, &st, &err),
                         LR_EINVAL);
        if (!strstr(err.message, bad[i].want))
            fail_msg("case %zu: %s\n  expected %s", i, err.message, bad[i].want);
        assert_string_equal(err.file, "w.ndjson");
        assert_int_equal(err.line, 2);
        free(g.v);
    }
}

/* A BOM and CRLF line ends, as Windows tools write them. */
static void winlogbeat_bom_and_crlf(void **state)
{
    const char *body = "\xEF\xBB\xBF{\"@timestamp\":\"2025-11-16T00:00:00.1234567Z\",\"winlog\":{"
                       "\"event_id\":4647,\"channel\":\"Security\",\"computer_name\":\"PC\","
                       "\"record_id\":4,\"event_data\":{\"TargetUserName\":\"a\","
                       "\"TargetLogonId\":\"0x1f\"}}}\r\n\r\n";
    got g = {0};
    win_stats st;
    lr_error err = {0};
    (void)state;
    assert_int_equal(winlogbeat_parse("w.ndjson", body, strlen(body), collect, &g, &st, &err), LR_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.v[0].e.logon_id, 0x1f);
    assert_int_equal(g.v[0].e.utc, 1763251200);
    free(g.v);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evtx_linked_logon_and_4647),
        cmocka_unit_test(evtx_unlocks_and_advapi_are_other),
        cmocka_unit_test(evtx_dirty_system_log_is_read),
        cmocka_unit_test(evtx_damaged_refused),
        cmocka_unit_test(evtx_partial_takes_the_readable),
        cmocka_unit_test(evtx_one_pass_answers_as_two),
        cmocka_unit_test(evtx_one_pass_stopped_early_is_still_damaged),
        cmocka_unit_test(evtx_no_crc_and_wrong_channel),
        cmocka_unit_test(evtx_not_evtx_or_truncated),
        cmocka_unit_test(winlogbeat_lines_and_array),
        cmocka_unit_test(winlogbeat_every_wrong_line),
        cmocka_unit_test(winlogbeat_bom_and_crlf),
    };
    if (argc > 1)
        data_dir = argv[1];
    return cmocka_run_group_tests_name("windows sources", tests, NULL, NULL);
}
