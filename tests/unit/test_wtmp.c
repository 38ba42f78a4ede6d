/*
 * test_wtmp — Linux login records: wtmp files made with util-linux's
 * utmpdump -r (tests/data/wtmp) and journalctl -o json lines
 * (tests/data/journald) through their parsers, and the session rules
 * (core/unix_session, issue 21 rule 8) on them and on hand-made records,
 * in file order and reversed. Every way a file can be wrong is refused
 * with the record and why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases.h"
#include "core/unix_session.h"
#include "sources/journald.h"
#include "sources/wtmp.h"

static const char *data_dir = "tests/data";

typedef struct got {
    wtmp_record v[64];
    size_t n;
} got;

static lr_status keep(void *ctx, const wtmp_record *w, lr_error *err)
{
    got *g = ctx;
    (void)err;
    assert_true(g->n < 64);
    wtmp_record_copy(&g->v[g->n++], w);
    return LR_OK;
}

static void parse(const char *name, got *g, wtmp_stats *st)
{
    char path[512];
    size_t n;
    unsigned char *b;
    lr_error err = {0};
    snprintf(path, sizeof path, "%s/wtmp/%s", data_dir, name);
    b = (unsigned char *)cases_read(path, &n);
    memset(g, 0, sizeof *g);
    if (wtmp_parse(name, "pc-07", b, n, keep, g, st, &err) != LR_OK)
        fail_msg("%s: %s", name, err.message);
    free(b);
}

/* Sessions of g's records, in file order or reversed. */
static void sessions(const got *g, int reversed, unix_session **out, size_t *n)
{
    unix_record r[64];
    for (size_t i = 0; i < g->n; i++)
        r[i] = g->v[reversed ? g->n - 1 - i : i].r;
    assert_int_equal(unix_sessions_derive(r, g->n, out, n), LR_OK);
}

/* day.wtmp: a boot, a console login 09:01-18:00 JST, an ssh login from
 * another machine 10:00-11:30 (remote), a shutdown. */
static void a_day_of_logins(void **state)
{
    got g;
    wtmp_stats st;
    (void)state;
    parse("day.wtmp", &g, &st);
    assert_int_equal(st.records, 7);
    assert_int_equal(st.sessions, 6);
    assert_int_equal(st.signs, 1); /* the run-level change */
    assert_string_equal(g.v[2].user, "tarouk");
    assert_string_equal(g.v[2].line, "tty2");
    assert_string_equal(g.v[3].from, "192.168.1.20");
    assert_string_equal(g.v[2].r.host, "pc-07");
    for (int rev = 0; rev < 2; rev++) {
        unix_session *s;
        size_t n;
        sessions(&g, rev, &s, &n);
        assert_int_equal(n, 2);
        assert_string_equal(s[0].user, "tarouk");
        assert_int_equal(s[0].start, 1763337675); /* 2025-11-17T00:01:15Z */
        assert_int_equal(s[0].end, 1763370000);   /* 2025-11-17T09:00:00Z */
        assert_int_equal(s[0].flags, 0);
        assert_string_equal(s[1].user, "hanako");
        assert_int_equal(s[1].end - s[1].start, 90 * 60);
        assert_int_equal(s[1].flags, UNIX_FLAG_REMOTE);
        free(s);
    }
}

/* crash.wtmp: a login at the display (":0" is this PC, not remote), then
 * a boot without a shutdown: the session ends at the PC's last sign of
 * life before the boot (a getty's record), flagged ended_by_boot. */
static void a_boot_ends_at_the_last_sign(void **state)
{
    got g;
    wtmp_stats st;
    unix_session *s;
    size_t n;
    (void)state;
    parse("crash.wtmp", &g, &st);
    sessions(&g, 1, &s, &n);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].start, 1763424900); /* 2025-11-18T00:15:00Z */
    assert_int_equal(s[0].end, 1763434800);   /* 03:00Z, the getty's record */
    assert_int_equal(s[0].flags, UNIX_FLAG_ENDED_BY_BOOT);
    free(s);
}

/* A second login on a line ends the first there (as last(1) reads it); a
 * shutdown ends every open session; another host's records do not. */
static void lines_and_shutdowns(void **state)
{
    const unix_record r[] = {
        {1, 1000, UNIX_LOGIN, "a", "tty1", "u1", ""},
        {2, 2000, UNIX_LOGIN, "a", "tty1", "u2", ""},
        {3, 2500, UNIX_LOGIN, "a", "pts/1", "u3", "host.example"},
        {4, 2600, UNIX_LOGIN, "b", "tty1", "u4", ""},
        {5, 3000, UNIX_SHUTDOWN, "a", "~", "", ""},
        {6, 3100, UNIX_LOGOUT, "a", "pts/1", "", ""},
    };
    unix_session *s;
    size_t n;
    (void)state;
    assert_int_equal(unix_sessions_derive(r, 6, &s, &n), LR_OK);
    assert_int_equal(n, 4);
    assert_int_equal(s[0].end, 2000); /* u1: the next login on tty1 */
    assert_int_equal(s[1].end, 3000); /* u2: the shutdown */
    assert_int_equal(s[2].end, 3000); /* u3: the shutdown, not its later logout */
    assert_int_equal(s[2].flags, UNIX_FLAG_REMOTE);
    assert_string_equal(s[3].host, "b");
    assert_int_equal(s[3].end, 0); /* host b never shut down */
    free(s);
    assert_true(unix_from_is_remote("10.0.0.1"));
    assert_false(unix_from_is_remote(":0"));
    assert_false(unix_from_is_remote(""));
}

/* Not a wtmp file, or no PC named: refused with the record and why. */
static void wrong_files(void **state)
{
    unsigned char b[2 * WTMP_RECORD];
    got g = {0};
    wtmp_stats st;
    lr_error err = {0};
    size_t n;
    unsigned char *day;
    char path[512];
    (void)state;
    memset(b, 0, sizeof b);
    assert_int_equal(wtmp_parse("x", "pc", b, 100, keep, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "not a whole number of 384-byte records"));
    assert_int_equal(wtmp_parse("x", "pc", b, sizeof b, keep, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "record 1 (byte 0): type 0 is not a utmp record type"));
    snprintf(path, sizeof path, "%s/wtmp/day.wtmp", data_dir);
    day = (unsigned char *)cases_read(path, &n);
    assert_int_equal(wtmp_parse("x", "", day, n, keep, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "name it (--host, X-Loginrec-Host)"));
    day[2 * WTMP_RECORD + 44] = '\n'; /* a control character in the third record's user */
    assert_int_equal(wtmp_parse("x", "pc", day, n, keep, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "record 3 (byte 768): control characters"));
    day[2 * WTMP_RECORD + 44] = 't';
    memset(day + 2 * WTMP_RECORD + 340, 0, 4); /* its time: 1970 */
    assert_int_equal(wtmp_parse("x", "pc", day, n, keep, &g, &st, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "record 3 (byte 768): its time (0)"));
    free(day);
}

/* The journal: logind's sessions, a user named only in MESSAGE, a new
 * _BOOT_ID without a shutdown (the session ends at the boot's last line,
 * flagged), the power-down ending the last session. */
static void a_day_of_journal(void **state)
{
    char path[512];
    size_t n;
    char *b;
    got g = {0};
    journald_stats st;
    lr_error err = {0};
    (void)state;
    snprintf(path, sizeof path, "%s/journald/day.json", data_dir);
    b = cases_read(path, &n);
    if (journald_parse("day.json", b, n, keep, &g, &st, &err) != LR_OK)
        fail_msg("%s", err.message);
    free(b);
    assert_int_equal(st.lines, 8);
    assert_int_equal(st.sessions, 6); /* 3 logins, 1 logout, a boot, a shutdown */
    assert_int_equal(st.signs, 1);
    for (int rev = 0; rev < 2; rev++) {
        unix_session *s;
        size_t k;
        sessions(&g, rev, &s, &k);
        assert_int_equal(k, 3);
        assert_string_equal(s[0].user, "tarouk");
        assert_string_equal(s[0].line, "session-3");
        assert_string_equal(s[0].host, "pc-linux-01");
        assert_int_equal(s[0].end, 1763355600); /* 05:00Z, the boot's last line */
        assert_int_equal(s[0].flags, UNIX_FLAG_ENDED_BY_BOOT);
        assert_string_equal(s[1].user, "hanako");
        assert_int_equal(s[1].end - s[1].start, 3600);
        assert_int_equal(s[2].end, 1763370000); /* 09:00Z, the power-down */
        assert_int_equal(s[2].flags, 0);
        free(s);
    }
}

/* Each wrong line is refused with its line and field. */
static void journal_wrong_lines(void **state)
{
    static const struct {
        const char *line, *want;
    } bad[] = {
        {"not json", "line 2: not JSON"},
        {"[1]", "line 2: line: expected a JSON object"},
        {"{\"_HOSTNAME\":\"a\"}", "line 2: __REALTIME_TIMESTAMP: missing"},
        {"{\"__REALTIME_TIMESTAMP\":\"12\",\"_HOSTNAME\":\"a\"}",
         "line 2: __REALTIME_TIMESTAMP: expected microseconds"},
        {"{\"__REALTIME_TIMESTAMP\":\"1763337600000000\"}", "line 2: _HOSTNAME: missing"},
        {"{\"__REALTIME_TIMESTAMP\":\"1763337600000000\",\"_HOSTNAME\":\"a\",\"MESSAGE_ID\":"
         "\"8d45620c1a4348dbb17410da57c60c66\"}",
         "line 2: SESSION_ID: missing"},
        {"{\"__REALTIME_TIMESTAMP\":\"1763337600000000\",\"_HOSTNAME\":\"a\",\"MESSAGE_ID\":"
         "\"8d45620c1a4348dbb17410da57c60c66\",\"SESSION_ID\":\"1\"}",
         "line 2: USER_ID: missing"},
    };
    const char *good = "{\"__REALTIME_TIMESTAMP\":\"1763337600000000\",\"_HOSTNAME\":\"a\"}\n";
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char body[1024];
        got g = {0};
        journald_stats st;
        lr_error err = {0};
        snprintf(body, sizeof body, "%s%s\n", good, bad[i].line);
        assert_int_equal(journald_parse("j.json", body, strlen(body), keep, &g, &st, &err),
                         LR_EINVAL);
        if (!strstr(err.message, bad[i].want))
            fail_msg("case %zu: %s\n  expected %s", i, err.message, bad[i].want);
        assert_int_equal(err.line, 2);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_day_of_logins),
        cmocka_unit_test(a_boot_ends_at_the_last_sign),
        cmocka_unit_test(lines_and_shutdowns),
        cmocka_unit_test(wrong_files),
        cmocka_unit_test(a_day_of_journal),
        cmocka_unit_test(journal_wrong_lines),
    };
    if (argc > 1)
        data_dir = argv[1];
    return cmocka_run_group_tests_name("wtmp", tests, NULL, NULL);
}
