/*
 * test_divergence — the record against the PC (core/divergence.h), as
 * data-file cases in tests/cases/divergence, one cmocka test per file:
 *   rules day_change=HH:MM start=MIN end=MIN
 *   event TIME OP ACCOUNT HOST         (the PC, through the day engine)
 *   record WORKDAY KIND TIME           (KING OF TIME's record, any method)
 *   expect WORKDAY KIND START END      (every compared day, exactly; KIND
 *                                      none|over_start|...; a diff in
 *                                      minutes, or - when a side is absent)
 * Each case also runs with its events and records reversed: the answer
 * must not depend on their order.
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
#include "core/divergence.h"
#include "util/timefmt.h"

#define MAXN 128

typedef struct tcase {
    char path[512];
    day_rules rules;
    div_limits lim;
    day_event ev[MAXN];
    size_t nev;
    div_record rec[MAXN];
    size_t nrec;
    char expect[MAXN][96];
    size_t nexpect;
} tcase;

static void load(tcase *c)
{
    cases_events *names;
    FILE *f = cases_open(c->path, &names);
    char line[512];
    long lineno = 0;

    c->rules = (day_rules)DAY_RULES_DEFAULT;
    c->lim = (div_limits)DIV_LIMITS_DEFAULT;
    while (fgets(line, sizeof line, f)) {
        char a[64], b[64], d[64], e[64];
        int off;
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "rules ", 6) == 0) {
            const char *p = line + 5;
            char tok[64];
            int used;
            while (sscanf(p, "%63s%n", tok, &used) == 1) {
                p += used;
                if (strncmp(tok, "day_change=", 11) == 0)
                    assert_int_equal(tf_parse_hhmm(tok + 11, &c->rules.day_change_min, NULL), LR_OK);
                else if (strncmp(tok, "start=", 6) == 0)
                    c->lim.start_min = (int)strtol(tok + 6, NULL, 10);
                else if (strncmp(tok, "end=", 4) == 0)
                    c->lim.end_min = (int)strtol(tok + 4, NULL, 10);
                else
                    fail_msg("%s:%ld: unknown rule '%s'", c->path, lineno, tok);
            }
        } else if (cases_day_event(line, names, &c->ev[c->nev], NULL)) {
            c->ev[c->nev].id = (int64_t)c->nev + 1;
            c->nev++;
        } else if (sscanf(line, "record %63s %63s %63s", a, b, d) == 3) {
            div_record *r = &c->rec[c->nrec++];
            assert_int_equal(tf_parse_date(a, &r->day, NULL), LR_OK);
            r->kind = (punch_kind)punch_kind_parse(b);
            if (!r->kind)
                fail_msg("%s:%ld: unknown punch '%s'", c->path, lineno, b);
            assert_int_equal(tf_parse_iso(d, &r->utc, &off, NULL), LR_OK);
        } else if (sscanf(line, "expect %63s %63s %63s %63s", a, b, d, e) == 4) {
            snprintf(c->expect[c->nexpect++], 96, "%s %s %s %s", a, b, d, e);
        } else {
            fail_msg("%s:%ld: cannot read '%s'", c->path, lineno, line);
        }
    }
    fclose(f);
    free(names);
}

/* The comparison of ev and rec as the case's expect lines read. */
static void check(const tcase *c, const day_event *ev, const div_record *rec, const char *order)
{
    day_output pc;
    div_day *v;
    size_t n;
    assert_int_equal(day_derive(ev, c->nev, &c->rules, &pc), LR_OK);
    assert_int_equal(div_compare(&pc, rec, c->nrec, &c->lim, &v, &n), LR_OK);
    for (size_t i = 0; i < n || i < c->nexpect; i++) {
        char got[96] = "(nothing)", date[11], sd[16] = "-", ed[16] = "-";
        const char *want = i < c->nexpect ? c->expect[i] : "(nothing)";
        if (i < n) {
            tf_format_date(v[i].day, date);
            if (v[i].has_start_diff)
                snprintf(sd, sizeof sd, "%d", v[i].start_diff_min);
            if (v[i].has_end_diff)
                snprintf(ed, sizeof ed, "%d", v[i].end_diff_min);
            snprintf(got, sizeof got, "%s %s %s %s", date,
                     v[i].kind ? div_kind_name(v[i].kind) : "none", sd, ed);
        }
        if (strcmp(got, want) != 0)
            fail_msg("%s (%s): day %zu: expected '%s', got '%s'", c->path, order, i + 1, want, got);
    }
    /* the same punches as the ledger stores them, last first: the same days */
    {
        div_record *mine = calloc(pc.npunches + 1, sizeof *mine);
        div_day *w;
        size_t nw, k = 0;
        assert_non_null(mine);
        for (size_t i = pc.ndays; i-- > 0;)
            for (size_t j = pc.days[i].npunches; j-- > 0;) {
                const day_punch *p = &pc.punches[pc.days[i].first_punch + j];
                mine[k++] = (div_record){pc.days[i].day, p->kind, p->utc};
            }
        assert_int_equal(div_compare_records(mine, k, rec, c->nrec, &c->lim, &w, &nw), LR_OK);
        assert_int_equal(nw, n);
        for (size_t i = 0; i < n; i++)
            if (memcmp(&w[i], &v[i], sizeof *w) != 0)
                fail_msg("%s (%s): day %zu differs when the PC side is the ledger's punches",
                         c->path, order, i + 1);
        free(w);
        free(mine);
    }
    free(v);
    day_output_free(&pc);
}

static void run_case(void **state)
{
    tcase *c = calloc(1, sizeof *c);
    day_event rev[MAXN];
    div_record rrec[MAXN];
    assert_non_null(c);
    snprintf(c->path, sizeof c->path, "%s", (const char *)*state);
    load(c);
    check(c, c->ev, c->rec, "file order");
    for (size_t i = 0; i < c->nev; i++)
        rev[i] = c->ev[c->nev - 1 - i];
    for (size_t i = 0; i < c->nrec; i++)
        rrec[i] = c->rec[c->nrec - 1 - i];
    check(c, rev, rrec, "reversed");
    free(c);
}

/* Limits outside 1..240 are refused, not judged by. */
static void limits_out_of_range(void **state)
{
    div_limits bad[] = {{0, 30}, {30, 0}, {241, 30}, {30, 241}}, ok = {1, 240};
    div_day *v;
    size_t n;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(div_compare(NULL, NULL, 0, &bad[i], &v, &n), LR_EINVAL);
    assert_int_equal(div_compare(NULL, NULL, 0, &ok, &v, &n), LR_OK);
    assert_int_equal(n, 0);
    free(v);
    assert_int_equal(div_compare_records(NULL, 0, NULL, 0, &bad[0], &v, &n), LR_EINVAL);
}

/* Kind names read back to their kinds; an unknown name is none. */
static void kind_names(void **state)
{
    (void)state;
    for (int k = DIV_OVER_START; k <= DIV_RECORD_ONLY; k++)
        assert_int_equal(div_kind_of(div_kind_name((div_kind)k)), k);
    assert_int_equal(div_kind_of("overtime"), DIV_NONE);
    assert_int_equal(div_kind_of(""), DIV_NONE);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest extra[] = {cmocka_unit_test(limits_out_of_range),
                                        cmocka_unit_test(kind_names)};
    return cases_run("divergence cases", argc > 1 ? argv[1] : "tests/cases/divergence", ".txt",
                     run_case, extra, sizeof extra / sizeof *extra);
}
