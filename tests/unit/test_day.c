/*
 * test_day — runs every case file of tests/cases/day/ through the day
 * engine (one cmocka test per file), in file order and in reverse order
 * (the output must not depend on the order events arrive in).
 *
 * Case file lines:
 *   rules day_change=HH:MM breaks=on|off max_shift=SECONDS min_break=SECONDS
 *   event TIME OP ACCOUNT HOST      (TIME ISO 8601; its offset is the zone)
 *   expect WORKDAY KIND TIME        (every punch of every day, exactly)
 *   flag TIME OP HOST FLAGS         (when any flag line is given, the flagged
 *                                    events must be exactly these)
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases.h"
#include "core/day.h"
#include "util/timefmt.h"

#define MAXN 256

typedef struct tcase {
    char path[512];
    day_rules rules;
    day_event ev[MAXN];
    char ev_host[MAXN][32];
    size_t nev;
    char expect[MAXN][96];
    size_t nexpect;
    char flags[MAXN][128];
    size_t nflags;
    int has_flags;
} tcase;

/* "ended_by_boot,remote" as day_flag bits. */
static unsigned parse_flags(const char *path, long lineno, const char *s)
{
    unsigned f = 0;
    char one[64];
    while (*s) {
        size_t n = strcspn(s, ",");
        char names[128];
        unsigned bit = 0;
        snprintf(one, sizeof one, "%.*s", (int)n, s);
        for (unsigned b = 1; b && !bit; b <<= 1) {
            day_flags_format(b, names, sizeof names);
            if (strcmp(names, one) == 0)
                bit = b;
        }
        if (!bit)
            fail_msg("%s:%ld: unknown flag '%s'", path, lineno, one);
        f |= bit;
        s += n + (s[n] == ',');
    }
    return f;
}

static void load(tcase *c)
{
    cases_events *names;
    FILE *f = cases_open(c->path, &names);
    char line[512];
    long lineno = 0;

    c->rules = (day_rules)DAY_RULES_DEFAULT;
    while (fgets(line, sizeof line, f)) {
        char a[64], b[64], d[64], g[128];
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "rules", 5) == 0 && (line[5] == ' ' || line[5] == '\0')) {
            const char *p = line + 5;
            char tok[64];
            int used;
            while (sscanf(p, "%63s%n", tok, &used) == 1) {
                p += used;
                if (strncmp(tok, "day_change=", 11) == 0)
                    assert_int_equal(tf_parse_hhmm(tok + 11, &c->rules.day_change_min, NULL), LR_OK);
                else if (strcmp(tok, "breaks=on") == 0)
                    c->rules.breaks = 1;
                else if (strcmp(tok, "breaks=off") == 0)
                    c->rules.breaks = 0;
                else if (strncmp(tok, "max_shift=", 10) == 0)
                    c->rules.max_shift_sec = strtoll(tok + 10, NULL, 10);
                else if (strncmp(tok, "min_break=", 10) == 0)
                    c->rules.min_break_sec = strtoll(tok + 10, NULL, 10);
                else
                    fail_msg("%s:%ld: unknown rule '%s'", c->path, lineno, tok);
            }
        } else if (cases_day_event(line, names, &c->ev[c->nev], c->ev_host[c->nev])) {
            day_event *ev = &c->ev[c->nev];
            const char *caller = strstr(line, " flags=");
            /* the caller's flags (a PC's own log): event ... flags=a,b */
            ev->flags = caller ? parse_flags(c->path, lineno, caller + 7) : 0;
            ev->id = (int64_t)c->nev + 1;
            c->nev++;
        } else if (sscanf(line, "expect %63s %63s %63s", a, b, d) == 3) {
            snprintf(c->expect[c->nexpect++], 96, "%s %s %s", a, b, d);
        } else if (sscanf(line, "flag %63s %63s %63s %127s", a, b, d, g) == 4) {
            snprintf(c->flags[c->nflags++], 128, "%s %s %s %s", a, b, d, g);
            c->has_flags = 1;
        } else {
            fail_msg("%s:%ld: cannot read '%s'", c->path, lineno, line);
        }
    }
    fclose(f);
    free(names);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Renders the output as sorted lines comparable with the case file. */
static size_t render(const tcase *c, const day_output *o, char punches[][96], char flags[][128],
                     size_t *nflags)
{
    size_t n = 0;
    int off = (int)(c->ev[0].local - c->ev[0].utc);
    for (size_t i = 0; i < o->ndays; i++) {
        char day[11];
        tf_format_date(o->days[i].day, day);
        for (size_t j = 0; j < o->days[i].npunches; j++) {
            const day_punch *p = &o->punches[o->days[i].first_punch + j];
            char t[32];
            tf_format_iso(p->utc, off, t);
            snprintf(punches[n++], 96, "%s %s %s", day, punch_kind_name(p->kind), t);
        }
    }
    *nflags = 0;
    for (size_t i = 0; i < o->nflags; i++) {
        const day_event *e = &c->ev[o->flags[i].event_id - 1];
        char t[32], names[96];
        tf_format_iso(e->utc, off, t);
        day_flags_format(o->flags[i].flags, names, sizeof names);
        snprintf(flags[(*nflags)++], 128, "%s %s %s %s", t, e->op == DAY_LOGON ? "logon" : "logoff",
                 c->ev_host[o->flags[i].event_id - 1], names);
    }
    return n;
}

static void check(tcase *c, const day_event *ev, const char *order)
{
    day_output o;
    static char got[MAXN][96], gotf[MAXN][128];
    size_t ngot, ngotf;
    assert_int_equal(day_derive(ev, c->nev, &c->rules, &o), LR_OK);
    ngot = render(c, &o, got, gotf, &ngotf);
    qsort(got, ngot, sizeof got[0], cmp_str);
    qsort(c->expect, c->nexpect, sizeof c->expect[0], cmp_str);
    for (size_t i = 0; i < ngot || i < c->nexpect; i++) {
        const char *g = i < ngot ? got[i] : "(nothing)";
        const char *w = i < c->nexpect ? c->expect[i] : "(nothing)";
        if (strcmp(g, w) != 0) {
            for (size_t k = 0; k < ngot; k++)
                print_message("  got:    %s\n", got[k]);
            fail_msg("%s (%s order): punch %zu: expected '%s', got '%s'", c->path, order, i, w, g);
        }
    }
    if (c->has_flags) {
        qsort(gotf, ngotf, sizeof gotf[0], cmp_str);
        qsort(c->flags, c->nflags, sizeof c->flags[0], cmp_str);
        for (size_t i = 0; i < ngotf || i < c->nflags; i++) {
            const char *g = i < ngotf ? gotf[i] : "(nothing)";
            const char *w = i < c->nflags ? c->flags[i] : "(nothing)";
            if (strcmp(g, w) != 0)
                fail_msg("%s (%s order): flag %zu: expected '%s', got '%s'", c->path, order, i, w, g);
        }
    }
    day_output_free(&o);
}

static void run_case(void **state)
{
    tcase *c = calloc(1, sizeof *c);
    day_event rev[MAXN];
    assert_non_null(c);
    snprintf(c->path, sizeof c->path, "%s", (const char *)*state);
    load(c);
    assert_true(c->nev > 0);
    check(c, c->ev, "file");
    for (size_t i = 0; i < c->nev; i++)
        rev[i] = c->ev[c->nev - 1 - i];
    check(c, rev, "reverse");
    free(c);
}

/* One boot can end two sessions of one person on one PC (console and
 * remote): both logoffs are the same event. It gets one flag entry, the
 * flags of both; two would collide in the store's (event, employee) key. */
static void one_event_ends_two_sessions(void **state)
{
    const int64_t base = 1763251200; /* 2025-11-16T00:00:00Z, 09:00 JST */
    day_event ev[] = {
        {1, base, base + 9 * 3600, 1, 1, DAY_LOGON, 0},
        {2, base + 600, base + 600 + 9 * 3600, 2, 1, DAY_LOGON, DAY_FLAG_REMOTE},
        {3, base + 3600, base + 3600 + 9 * 3600, 1, 1, DAY_LOGOFF, DAY_FLAG_ENDED_BY_BOOT},
        {3, base + 3600, base + 3600 + 9 * 3600, 2, 1, DAY_LOGOFF, DAY_FLAG_ENDED_BY_BOOT},
    };
    day_rules r = DAY_RULES_DEFAULT;
    day_output o;
    size_t seen = 0;
    (void)state;
    assert_int_equal(day_derive(ev, 4, &r, &o), LR_OK);
    for (size_t i = 0; i < o.nflags; i++) {
        if (o.flags[i].event_id != 3)
            continue;
        seen++;
        assert_true(o.flags[i].flags & DAY_FLAG_ENDED_BY_BOOT);
    }
    assert_int_equal(seen, 1);
    day_output_free(&o);
}

/* Each punch names the event that made it ("why does it say 22:10?"): the
 * day's first logon, each break's logoff and the logon after it, the last
 * logoff; a lone logoff after the day's sessions ends it. Given in an order
 * that is neither time nor id. */
static void each_punch_names_its_event(void **state)
{
    const int64_t base = 1763251200; /* 2025-11-16T00:00:00Z, 09:00 JST */
    const int64_t j = 9 * 3600;
    day_event ev[] = {
        {14, base + 9 * 3600, base + 9 * 3600 + j, 1, 1, DAY_LOGOFF, 0},
        {11, base, base + j, 1, 1, DAY_LOGON, 0},
        {13, base + 4 * 3600, base + 4 * 3600 + j, 1, 1, DAY_LOGON, 0},
        {12, base + 3 * 3600, base + 3 * 3600 + j, 1, 1, DAY_LOGOFF, 0},
        {15, base + 13 * 3600, base + 13 * 3600 + j, 2, 1, DAY_LOGOFF, 0},
    };
    static const struct {
        punch_kind kind;
        int64_t at, event;
    } want[] = {{PUNCH_CLOCK_IN, 0, 11},
                {PUNCH_BREAK_START, 3, 12},
                {PUNCH_BREAK_END, 4, 13},
                {PUNCH_CLOCK_OUT, 13, 15}};
    day_rules r = DAY_RULES_DEFAULT;
    day_output o;
    (void)state;
    r.breaks = 1;
    assert_int_equal(day_derive(ev, 5, &r, &o), LR_OK);
    assert_int_equal(o.ndays, 1);
    assert_int_equal(o.npunches, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(o.punches[i].kind, want[i].kind);
        assert_int_equal(o.punches[i].utc, base + want[i].at * 3600);
        assert_int_equal(o.punches[i].event_id, want[i].event);
    }
    day_output_free(&o);
}

static void empty_input(void **state)
{
    day_output o;
    day_rules r = DAY_RULES_DEFAULT;
    assert_int_equal(day_derive(NULL, 0, &r, &o), LR_OK);
    assert_int_equal(o.ndays, 0);
    r.day_change_min = 1440;
    assert_int_equal(day_derive(NULL, 0, &r, &o), LR_EINVAL);
}

static void day_of_local_boundaries(void **state)
{
    int64_t d17 = tf_days_from_civil(2026, 11, 17);
    /* 05:00 boundary: 04:59:59 belongs to the previous day */
    assert_int_equal(day_of_local(d17 * 86400 + 5 * 3600 - 1, 300), d17 - 1);
    assert_int_equal(day_of_local(d17 * 86400 + 5 * 3600, 300), d17);
    assert_int_equal(day_of_local(d17 * 86400, 0), d17);
    assert_int_equal(day_of_local(d17 * 86400 - 1, 0), d17 - 1);
    /* before 1970 still floors */
    assert_int_equal(day_of_local(-1, 0), -1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest extra[] = {
        cmocka_unit_test(one_event_ends_two_sessions),
        cmocka_unit_test(each_punch_names_its_event),
        cmocka_unit_test(empty_input),
        cmocka_unit_test(day_of_local_boundaries),
    };
    return cases_run("day engine cases", argc > 1 ? argv[1] : "tests/cases/day", ".txt", run_case,
                     extra, sizeof extra / sizeof extra[0]);
}
