/*
 * test_agent — loginrec-agent's parts on real files: the INI settings and
 * their checks, the sent ledger across restarts (and a torn last line), and
 * the folder watch's stable-size rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/agent_config.h"
#include "agent/agent_state.h"
#include "agent/agent_follow.h"
#include "agent/agent_watch.h"

#define TOKEN "0123456789abcdefABCDEF6789abcdef"

static char tmp[512];

static int setup(void **state)
{
    const char *base = getenv("LR_TEST_TMP");
    (void)state;
    snprintf(tmp, sizeof tmp, "%s/agent.XXXXXX", base ? base : "/tmp");
    mkdir(base ? base : "/tmp", 0755);
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[600];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* tmp/name, in a static buffer (one at a time). */
static const char *in_tmp(const char *name)
{
    static char path[700];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    return path;
}

static void write_file(const char *name, const char *text)
{
    const char *path = in_tmp(name);
    FILE *f;
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void ini_settings_and_their_errors(void **state)
{
    agent_config c;
    lr_error err;
    char path[700];
    (void)state;
    write_file("agent.ini", "# comment\n"
                            "; another\n"
                            "[agent]\n"
                            "company = ACM\n"
                            "token = " TOKEN "\n"
                            "  watch-dir = /srv/lanscope  \n"
                            "proxy = proxy.example.jp:8080\n"
                            "stable_seconds = 9\n");
    snprintf(path, sizeof path, "%s/agent.ini", tmp);
    agent_config_defaults(&c);
    assert_int_equal(agent_config_load(&c, path, &err), LR_OK);
    assert_string_equal(c.company, "ACM");
    assert_string_equal(c.token, TOKEN);
    assert_string_equal(c.watch_dir, "/srv/lanscope");
    assert_string_equal(c.proxy, "proxy.example.jp:8080");
    assert_int_equal(c.stable_sec, 9);
    assert_string_equal(c.server, "http://127.0.0.1:8080"); /* default kept */
    /* a flag set afterwards wins */
    assert_int_equal(agent_config_set(&c, "stable-seconds", "2", &err), LR_OK);
    assert_int_equal(c.stable_sec, 2);

    write_file("bad.ini", "[agent]\ncompany = ACM\ncolour = blue\n");
    snprintf(path, sizeof path, "%s/bad.ini", tmp);
    assert_int_equal(agent_config_load(&c, path, &err), LR_EINVAL);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "unknown setting 'colour'"));
    write_file("bad2.ini", "[proxy]\n");
    snprintf(path, sizeof path, "%s/bad2.ini", tmp);
    assert_int_equal(agent_config_load(&c, path, &err), LR_EINVAL);
    assert_int_equal(err.line, 1);
    write_file("bad3.ini", "[agent]\nrescan_seconds = often\n");
    snprintf(path, sizeof path, "%s/bad3.ini", tmp);
    assert_int_equal(agent_config_load(&c, path, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "number of seconds"));
    snprintf(path, sizeof path, "%s/missing.ini", tmp);
    assert_int_equal(agent_config_load(&c, path, &err), LR_EIO);
}

static void check_lists_every_problem(void **state)
{
    agent_config c;
    char out[4096], state_dir[700];
    (void)state;
    agent_config_defaults(&c);
    snprintf(c.company, sizeof c.company, "ACM");
    snprintf(c.token, sizeof c.token, TOKEN);
    snprintf(c.watch_dir, sizeof c.watch_dir, "%s", tmp);
    snprintf(state_dir, sizeof state_dir, "%s/state", tmp);
    snprintf(c.state_dir, sizeof c.state_dir, "%s", state_dir);
    assert_int_equal(agent_config_check(&c, out, sizeof out), 0);
    assert_int_equal(access(state_dir, W_OK), 0); /* created */

    snprintf(c.company, sizeof c.company, "AC");
    snprintf(c.token, sizeof c.token, "%s", TOKEN "!");
    snprintf(c.server, sizeof c.server, "loginrec.example.jp");
    snprintf(c.proxy, sizeof c.proxy, "proxy.example.jp");
    snprintf(c.proxy_user, sizeof c.proxy_user, "agent");
    snprintf(c.watch_dir, sizeof c.watch_dir, "%s/nope", tmp);
    assert_int_equal(agent_config_check(&c, out, sizeof out), 6);
    assert_non_null(strstr(out, "company code 'AC' must be 3 or 6 characters"));
    assert_non_null(strstr(out, "the access token must be 32 letters and digits; this one has 33"));
    assert_non_null(strstr(out, "must be a URL starting with https://"));
    assert_non_null(strstr(out, "the proxy 'proxy.example.jp' must be host:port"));
    assert_non_null(strstr(out, "needs both --proxy-user and --proxy-password"));
    assert_non_null(strstr(out, "the watch folder"));
    assert_null(strstr(out, TOKEN)); /* the token is never echoed */

    /* regression: a password written into the proxy setting was repeated
     * in the problem, which the Windows service logs to the Event Log */
    snprintf(c.proxy, sizeof c.proxy, "http://agent:s3cret@proxy.example.jp:8080");
    agent_config_check(&c, out, sizeof out);
    assert_non_null(strstr(out, "the proxy 'proxy.example.jp:8080' must be host:port, without a "
                                "user or password in it"));
    assert_null(strstr(out, "s3cret"));
}

static void ledger_survives_a_restart(void **state)
{
    agent_state st;
    lr_error err;
    char h1[AGENT_HASH_HEX + 1], h2[AGENT_HASH_HEX + 1], path[700];
    FILE *f;
    (void)state;
    agent_os_hash("a,b\r\n", 5, h1);
    agent_os_hash("a,c\r\n", 5, h2);
    assert_string_not_equal(h1, h2);

    assert_int_equal(agent_state_open(&st, tmp, &err), LR_OK);
    assert_false(agent_state_was_sent(&st, "1120.csv", 5, h1));
    assert_int_equal(agent_state_mark_sent(&st, "1120.csv", 5, h1, &err), LR_OK);
    assert_true(agent_state_was_sent(&st, "1120.csv", 5, h1));
    agent_state_close(&st);

    /* a crash mid-append leaves a torn last line: that file was not confirmed */
    snprintf(path, sizeof path, "%s/sent.tsv", tmp);
    f = fopen(path, "a");
    assert_non_null(f);
    fprintf(f, "%s\t5\t1121", h2);
    fclose(f);
    assert_int_equal(agent_state_open(&st, tmp, &err), LR_OK);
    assert_int_equal(st.n, 1);
    assert_true(agent_state_was_sent(&st, "1120.csv", 5, h1));
    /* name, size and hash must all match */
    assert_false(agent_state_was_sent(&st, "1120.csv", 5, h2));
    assert_false(agent_state_was_sent(&st, "1120.csv", 6, h1));
    assert_false(agent_state_was_sent(&st, "other.csv", 5, h1));
    assert_int_equal(agent_state_mark_sent(&st, "bad\tname.csv", 5, h1, &err), LR_EINVAL);
    agent_state_close(&st);
}

static void ledger_refuses_a_damaged_file(void **state)
{
    agent_state st;
    lr_error err;
    (void)state;
    write_file("sent.tsv", "not a ledger line\n");
    assert_int_equal(agent_state_open(&st, tmp, &err), LR_EINVAL);
    assert_int_equal(err.line, 1);
}

static void watch_waits_for_a_stable_size(void **state)
{
    agent_watch w;
    lr_error err;
    int64_t wake;
    agent_file *f;
    (void)state;
    assert_int_equal(agent_watch_open(&w, tmp, "lanscope", &err), LR_OK);
    write_file("b.csv", "x");
    write_file("a.CSV", "x");
    write_file(".hidden.csv", "x");
    write_file("notes.txt", "x");
    mkdir(in_tmp("rejected"), 0755);

    assert_int_equal(agent_watch_scan(&w, 1000, &err), LR_OK);
    assert_int_equal(w.n, 2); /* *.csv only, not hidden, not folders */
    assert_null(agent_watch_ready(&w, 1000, 5000, &wake));
    assert_int_equal(wake, 6000);
    /* b.csv grows at 3000: its clock starts again */
    write_file("b.csv", "xy");
    assert_int_equal(agent_watch_scan(&w, 3000, &err), LR_OK);
    f = agent_watch_ready(&w, 6000, 5000, &wake);
    assert_non_null(f);
    assert_string_equal(f->name, "a.CSV"); /* smallest name first */
    f->done = 1;
    assert_null(agent_watch_ready(&w, 6000, 5000, &wake));
    assert_int_equal(wake, 8000);
    f = agent_watch_ready(&w, 8000, 5000, &wake);
    assert_non_null(f);
    assert_string_equal(f->name, "b.csv");
    assert_int_equal(f->size, 2);
    /* a file that is gone is forgotten */
    unlink(in_tmp("b.csv"));
    assert_int_equal(agent_watch_scan(&w, 9000, &err), LR_OK);
    assert_int_equal(w.n, 1);
    agent_watch_close(&w);
}

/* Each source's files, and nothing else, are the folder's to send; a
 * wtmp folder needs its PC's name and an unknown source is named. */
static void each_source_its_files(void **state)
{
    static const struct {
        const char *source, *name;
        int wanted;
    } v[] = {
        {"lanscope", "20261116.csv", 1}, {"lanscope", "20261116.CSV", 1},
        {"lanscope", "a.evtx", 0},       {"evtx", "Security.evtx", 1},
        {"evtx", "Security.evtx.tmp", 0}, {"winlogbeat", "wlb-20251118.ndjson", 1},
        {"winlogbeat", "wlb.json", 1},   {"winlogbeat", "notes.txt", 0},
        {"journald", "journal.json", 1}, {"journald", "j.ndjson", 0},
        {"wtmp", "wtmp", 1},             {"wtmp", "wtmp.1", 1},
        {"wtmp", "btmp", 0},             {"evtx", ".hidden.evtx", 0},
    };
    agent_config c;
    char out[2048];
    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (agent_source_wants(v[i].source, v[i].name) != v[i].wanted)
            fail_msg("%s: %s should%s be sent", v[i].source, v[i].name, v[i].wanted ? "" : " not");
    agent_config_defaults(&c);
    assert_string_equal(c.source, "lanscope");
    assert_int_equal(agent_config_set(&c, "source", "wtmp", NULL), LR_OK);
    agent_config_check(&c, out, sizeof out);
    assert_non_null(strstr(out, "a wtmp folder needs the PC's name (--host)"));
    assert_int_equal(agent_config_set(&c, "source", "syslog", NULL), LR_OK);
    agent_config_check(&c, out, sizeof out);
    assert_non_null(strstr(out, "the source 'syslog' is not one loginrec reads"));
}

/* A followed file: whole records only (a half-written one waits), what
 * the server confirmed is kept across a restart, a truncated file is read
 * again from the start, a damaged state file is said. Records of 4 bytes
 * keep the test small. */
static void follow_whole_records_and_resume(void **state)
{
    agent_follow f;
    agent_chunk ch;
    lr_buf b;
    lr_error err;
    char path[700];
    (void)state;
    buf_init(&b, 1 << 20);
    snprintf(path, sizeof path, "%s", in_tmp("wtmp"));
    write_file("wtmp", "AAAABBBBCC");
    assert_int_equal(agent_follow_open(&f, path, tmp, 4, &err), LR_OK);
    assert_int_equal(agent_follow_next(&f, &b, 1 << 20, &ch, &err), LR_OK);
    assert_int_equal(b.len, 8); /* CC is half a record: it waits */
    assert_int_equal(ch.from, 0);
    assert_int_equal(ch.to, 8);
    assert_string_equal(ch.name, "wtmp");
    assert_int_equal(agent_follow_done(&f, &ch, &err), LR_OK);
    assert_int_equal(agent_follow_next(&f, &b, 1 << 20, &ch, &err), LR_ENOTFOUND);
    /* a restart resumes at the confirmed byte */
    assert_int_equal(agent_follow_open(&f, path, tmp, 4, &err), LR_OK);
    assert_int_equal(f.offset, 8);
    write_file("wtmp", "AAAABBBBCCCCDDDD");
    assert_int_equal(agent_follow_next(&f, &b, 1 << 20, &ch, &err), LR_OK);
    assert_int_equal(ch.from, 8);
    assert_memory_equal(b.data, "CCCCDDDD", 8);
    /* truncated under the same inode: from the start */
    assert_int_equal(agent_follow_done(&f, &ch, &err), LR_OK);
    {
        FILE *t = fopen(path, "w");
        assert_non_null(t);
        fputs("EEEE", t);
        fclose(t);
    }
    assert_int_equal(agent_follow_next(&f, &b, 1 << 20, &ch, &err), LR_OK);
    assert_int_equal(ch.from, 0);
    assert_memory_equal(b.data, "EEEE", 4);
    write_file("follow.state", "not numbers\n");
    assert_int_equal(agent_follow_open(&f, path, tmp, 4, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "follow.state is damaged"));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ini_settings_and_their_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(check_lists_every_problem, setup, teardown),
        cmocka_unit_test_setup_teardown(ledger_survives_a_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(ledger_refuses_a_damaged_file, setup, teardown),
        cmocka_unit_test_setup_teardown(watch_waits_for_a_stable_size, setup, teardown),
        cmocka_unit_test(each_source_its_files),
        cmocka_unit_test_setup_teardown(follow_whole_records_and_resume, setup, teardown),
    };
    return cmocka_run_group_tests_name("agent", tests, NULL, NULL);
}
