/*
 * test_win_session — runs every case file of tests/cases/win/ through the
 * Windows session rules (core/win_session), in file order and reversed
 * (the output must not depend on the order records arrive in).
 *
 * Case file lines (values with spaces in double quotes):
 *   ev TIME HOST EVENT_ID [user=U] [sid=S] [type=N] [process=P] [logon=HEX]
 *      [linked=HEX] [provider=NAME] [proc=PATH] [-> ROLE[,FLAG...]]
 *        a record; the provider defaults to the event id's own (4xxx the
 *        Security log, 1074 User32, 6005/6006 EventLog, 42/107 Kernel-Power,
 *        1 Power-Troubleshooter); "-> ROLE" checks its role and, when given,
 *        its flags exactly
 *   session HOST USER START END|- [FLAG,...]   every session, exactly
 *   idle HOST USER KIND FROM TO|-              every idle span, exactly
 *   skipped N                                  records of non-people
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
#include "util/timefmt.h"

#define MAXN 128
#define STR 96

typedef struct rec {
    win_event e;
    char host[STR], user[STR], sid[STR], process[STR], provider[STR], proc[STR];
    char want_role[64]; /* "" when not checked */
    int line;
} rec;

typedef struct tcase {
    rec r[MAXN];
    size_t n;
    char sessions[MAXN][256];
    size_t nsessions;
    char idles[MAXN][256];
    size_t nidles;
    long skipped; /* -1 when not checked */
} tcase;

/* Next token of *p into out (double quotes keep spaces); 0 at the end. */
static int token(const char **p, char *out, size_t outsz)
{
    const char *s = *p;
    size_t n = 0;
    int quoted = 0;
    while (*s == ' ')
        s++;
    if (!*s)
        return 0;
    for (; *s && (quoted || *s != ' '); s++) {
        if (*s == '"') {
            quoted = !quoted;
            continue;
        }
        if (n + 1 < outsz)
            out[n++] = *s;
    }
    out[n] = '\0';
    *p = s;
    return 1;
}

static int64_t parse_time(const char *s, int line)
{
    int64_t utc;
    int off;
    if (tf_parse_iso(s, &utc, &off, NULL) != LR_OK)
        fail_msg("line %d: bad time %s", line, s);
    return utc;
}

static const char *default_provider(int id)
{
    switch (id) {
    case 1074: return WIN_PROVIDER_USER32;
    case 6005:
    case 6006: return WIN_PROVIDER_EVENTLOG;
    case 42:
    case 107: return WIN_PROVIDER_KERNEL_POWER;
    case 1: return WIN_PROVIDER_POWER_TROUBLESHOOTER;
    default: return WIN_PROVIDER_SECURITY;
    }
}

static void load_event(tcase *c, const char *p, int line)
{
    rec *r = &c->r[c->n++];
    char tok[STR * 2];
    assert_true(c->n <= MAXN);
    memset(r, 0, sizeof *r);
    r->line = line;
    if (!token(&p, tok, sizeof tok))
        fail_msg("line %d: ev needs a time", line);
    r->e.utc = parse_time(tok, line);
    if (!token(&p, r->host, sizeof r->host) || !token(&p, tok, sizeof tok))
        fail_msg("line %d: ev TIME HOST EVENT_ID", line);
    r->e.event_id = (int)strtol(tok, NULL, 10);
    snprintf(r->provider, sizeof r->provider, "%s", default_provider(r->e.event_id));
    while (token(&p, tok, sizeof tok)) {
        char *eq = strchr(tok, '=');
        if (strcmp(tok, "->") == 0) {
            if (!token(&p, r->want_role, sizeof r->want_role))
                fail_msg("line %d: -> needs a role", line);
            break;
        }
        if (!eq)
            fail_msg("line %d: %s is not key=value", line, tok);
        *eq++ = '\0';
        if (strcmp(tok, "user") == 0)
            snprintf(r->user, sizeof r->user, "%s", eq);
        else if (strcmp(tok, "sid") == 0)
            snprintf(r->sid, sizeof r->sid, "%s", eq);
        else if (strcmp(tok, "type") == 0)
            r->e.logon_type = (int)strtol(eq, NULL, 10);
        else if (strcmp(tok, "process") == 0)
            snprintf(r->process, sizeof r->process, "%s", eq);
        else if (strcmp(tok, "logon") == 0)
            r->e.logon_id = strtoull(eq, NULL, 16);
        else if (strcmp(tok, "linked") == 0)
            r->e.linked_logon_id = strtoull(eq, NULL, 16);
        else if (strcmp(tok, "provider") == 0)
            snprintf(r->provider, sizeof r->provider, "%s", eq);
        else if (strcmp(tok, "proc") == 0)
            snprintf(r->proc, sizeof r->proc, "%s", eq);
        else
            fail_msg("line %d: unknown key %s", line, tok);
    }
    r->e.id = line;
}

static void load(const char *path, tcase *c)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int lineno = 0;
    if (!f)
        fail_msg("cannot open %s", path);
    memset(c, 0, sizeof *c);
    c->skipped = -1;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "ev ", 3) == 0) {
            load_event(c, line + 3, lineno);
        } else if (strncmp(line, "session ", 8) == 0) {
            snprintf(c->sessions[c->nsessions++], 256, "%s", line);
        } else if (strncmp(line, "idle ", 5) == 0) {
            snprintf(c->idles[c->nidles++], 256, "%s", line);
        } else if (sscanf(line, "skipped %ld", &c->skipped) != 1) {
            fail_msg("%s:%d: unknown line: %s", path, lineno, line);
        }
    }
    fclose(f);
    /* string fields point into the records, which no longer move */
    for (size_t i = 0; i < c->n; i++) {
        rec *r = &c->r[i];
        r->e.host = r->host;
        r->e.user = r->user;
        r->e.sid = r->sid;
        r->e.logon_process = r->process;
        r->e.provider = r->provider;
        r->e.process = r->proc;
    }
}

/* "2026-11-16T09:00:00+09:00" back from utc in the zone of the case's
 * first record, so expectations read as they were written. */
static void fmt_time(int64_t utc, int offset, char *out, size_t outsz)
{
    char t[32];
    if (utc == 0) {
        snprintf(out, outsz, "-");
        return;
    }
    tf_format_iso(utc, offset, t);
    snprintf(out, outsz, "%s", t);
}

static void check(const char *path, const tcase *c, int reversed)
{
    win_event ev[MAXN];
    win_output out;
    int64_t dummy;
    int offset = 0;
    char got[256], flags[128], a[40], b[40];
    for (size_t i = 0; i < c->n; i++)
        ev[i] = c->r[reversed ? c->n - 1 - i : i].e;
    /* the zone of the expectations: the first record's */
    if (c->n) {
        FILE *f = fopen(path, "r");
        char line[1024], t[64];
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "ev %63s", t) == 1) {
                tf_parse_iso(t, &dummy, &offset, NULL);
                break;
            }
        if (f)
            fclose(f);
    }
    assert_int_equal(win_sessions_derive(ev, c->n, &out), LR_OK);
    for (size_t i = 0; i < c->n; i++) {
        const rec *r = &c->r[reversed ? c->n - 1 - i : i];
        const win_verdict *v = &out.verdicts[i];
        char role[96];
        if (!r->want_role[0])
            continue;
        win_flags_format(v->flags, flags, sizeof flags);
        snprintf(role, sizeof role, "%s%s%s", win_role_name(v->role), flags[0] ? "," : "", flags);
        if (strcmp(role, r->want_role) != 0)
            fail_msg("%s:%d%s: role %s, expected %s", path, r->line, reversed ? " (reversed)" : "",
                     role, r->want_role);
    }
    if (out.nsessions != c->nsessions) {
        for (size_t i = 0; i < out.nsessions; i++) {
            fmt_time(out.sessions[i].start, offset, a, sizeof a);
            fmt_time(out.sessions[i].end, offset, b, sizeof b);
            print_message("got session %s %s %s %s\n", out.sessions[i].host, out.sessions[i].user, a, b);
        }
        fail_msg("%s%s: %zu sessions, expected %zu", path, reversed ? " (reversed)" : "",
                 out.nsessions, c->nsessions);
    }
    for (size_t i = 0; i < out.nsessions; i++) {
        const win_session *s = &out.sessions[i];
        fmt_time(s->start, offset, a, sizeof a);
        fmt_time(s->end, offset, b, sizeof b);
        win_flags_format(s->flags, flags, sizeof flags);
        snprintf(got, sizeof got, "session %s %s %s %s%s%s", s->host, s->user, a, b,
                 flags[0] ? " " : "", flags);
        if (strcmp(got, c->sessions[i]) != 0)
            fail_msg("%s%s: session %zu\n  got      %s\n  expected %s", path,
                     reversed ? " (reversed)" : "", i + 1, got, c->sessions[i]);
    }
    if (out.nidles != c->nidles)
        fail_msg("%s%s: %zu idle spans, expected %zu", path, reversed ? " (reversed)" : "",
                 out.nidles, c->nidles);
    for (size_t i = 0; i < out.nidles; i++) {
        const win_idle *d = &out.idles[i];
        const win_session *s = &out.sessions[d->session];
        fmt_time(d->from, offset, a, sizeof a);
        fmt_time(d->to, offset, b, sizeof b);
        snprintf(got, sizeof got, "idle %s %s %s %s %s", s->host, s->user, win_idle_kind_name(d->kind),
                 a, b);
        if (strcmp(got, c->idles[i]) != 0)
            fail_msg("%s%s: idle %zu\n  got      %s\n  expected %s", path,
                     reversed ? " (reversed)" : "", i + 1, got, c->idles[i]);
    }
    if (c->skipped >= 0)
        assert_int_equal(out.skipped, (size_t)c->skipped);
    win_output_free(&out);
}

static void run_case(void **state)
{
    const char *path = *state;
    tcase *c = malloc(sizeof *c);
    assert_non_null(c);
    load(path, c);
    check(path, c, 0);
    check(path, c, 1);
    free(c);
}

static void names_that_are_not_people(void **state)
{
    (void)state;
    const char *sys[] = {"SYSTEM", "system", "LOCAL SERVICE", "NETWORK SERVICE", "ANONYMOUS LOGON",
                         "DWM-1", "UMFD-0", "PC-01$", "-", ""};
    const char *people[] = {"tarouk", "Administrator", "山田", "DWM", "dollar$sign", "UMFD"};
    for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
        if (!win_account_is_system(sys[i]))
            fail_msg("%s should be skipped", sys[i]);
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        if (win_account_is_system(people[i]))
            fail_msg("%s is a person", people[i]);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest extra[] = {cmocka_unit_test(names_that_are_not_people)};
    return cases_run("windows session cases", argc > 1 ? argv[1] : "tests/cases/win", ".txt",
                     run_case, extra, sizeof extra / sizeof extra[0]);
}
