/*
 * test_links — the link CSV round trip on a real SQLite file: byte-exact
 * exports (checked against files written by another encoder), edits
 * imported back, every refusal leaving the store exactly as it was, waiting
 * events punched once their link arrives, and the audit log.
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
#include "core/event_parse.h"
#include "fixture.h"
#include "service/admin.h"
#include "service/ingest.h"
#include "service/links.h"
#include "reply/link_csv_words.h"
#include "service/ledger_export.h"

#define CASES "tests/cases/links/"
#define HEADER "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n"

static int setup(void **state)
{
    lr_error err;
    if (fixture_fx_setup(state, "links") != 0)
        return -1;
    if (admin_employee_add(((fx *)*state)->s, "ACM", "2000", "山田", "一郎", NULL, "test", &err) !=
        LR_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

/* The export, as a malloc'ed string (caller frees). */
static char *export(fx *f, links_kinds kinds, text_encoding enc, size_t *len)
{
    lr_buf b;
    lr_error err;
    char *out;
    buf_init(&b, 1 << 20);
    if (links_export(f->s, "ACM", kinds, enc, &b, &err) != LR_OK)
        fail_msg("export: %s", err.message);
    out = malloc(b.len + 1);
    assert_non_null(out);
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    *len = b.len;
    buf_free(&b);
    return out;
}

static lr_status import(fx *f, const char *csv, size_t n, int dry, links_report *rep)
{
    lr_error err;
    return links_import(f->s, "ACM", "edit.csv", csv, n, dry, "test", NULL, rep, &err);
}

/* Replaces the first "from" with "to" in s (bytes); caller frees. */
static char *replace(const char *s, size_t n, const char *from, const char *to, size_t *outn)
{
    const char *p = memmem(s, n, from, strlen(from));
    size_t fl = strlen(from), tl = strlen(to);
    char *out;
    assert_non_null(p);
    out = malloc(n - fl + tl + 1);
    assert_non_null(out);
    memcpy(out, s, (size_t)(p - s));
    memcpy(out + (p - s), to, tl);
    memcpy(out + (p - s) + tl, p + fl, n - (size_t)(p - s) - fl);
    *outn = n - fl + tl;
    out[*outn] = '\0';
    return out;
}

static long long audit_count(fx *f, const char *action)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
    return fixture_sql_int(f->path, sql);
}

static void export_is_byte_exact(void **state)
{
    fx *f = *state;
    const char *files[] = {CASES "export_lanscope.cp932.csv", CASES "export_lanscope.utf8.csv"};
    const text_encoding encs[] = {ENC_CP932, ENC_UTF8};
    for (int i = 0; i < 2; i++) {
        size_t n, wn;
        char *got = export(f, 1u << LINK_LANSCOPE, encs[i], &n);
        char *want = cases_read(files[i], &wn);
        assert_int_equal(n, wn);
        assert_memory_equal(got, want, n);
        free(got);
        free(want);
    }
}

static void round_trip_in_both_encodings(void **state)
{
    fx *f = *state;
    const text_encoding encs[] = {ENC_CP932, ENC_UTF8, ENC_UTF8_BOM};
    const char *accounts[] = {"hanakok", "hana2", "hana3"};
    for (int i = 0; i < 3; i++) {
        size_t n, en, n2;
        char *csv = export(f, 1u << LINK_LANSCOPE, encs[i], &n), *edited, *again;
        links_report rep;
        char to[64];
        /* the edit an administrator makes: 0012's service account (the
         * last field, so followed by the line end) */
        char from[64];
        snprintf(from, sizeof from, "\"%s\"\r\n", i == 0 ? "0012" : accounts[i - 1]);
        snprintf(to, sizeof to, "\"%s\"\r\n", accounts[i]);
        edited = replace(csv, n, from, to, &en);
        assert_int_equal(import(f, edited, en, 0, &rep), LR_OK);
        /* 2000, who has no link, comes back with the employee code the
         * export showed for "no link": unchanged, nothing linked */
        assert_int_equal(rep.nchanges, 1);
        assert_int_equal(rep.unchanged, 2);
        assert_string_equal(rep.changes[0].employee, "0012");
        assert_string_equal(rep.changes[0].after, accounts[i]);
        assert_int_equal(rep.encoding, encs[i] == ENC_UTF8_BOM ? ENC_UTF8_BOM : encs[i]);
        links_report_free(&rep);
        again = export(f, 1u << LINK_LANSCOPE, encs[i], &n2);
        /* the export now says what was imported, byte for byte */
        assert_int_equal(n2, en);
        assert_memory_equal(again, edited, en);
        free(csv);
        free(edited);
        free(again);
    }
    assert_int_equal(audit_count(f, "links.import"), 3);
}

typedef struct bad_case {
    const char *name;
    const char *csv; /* NULL: use bytes/len */
    const char *bytes;
    size_t len;
    link_csv_problem want;
    long line;
} bad_case;

/* Each of these files has one problem (and a valid row beside it): the
 * import must refuse the whole file and leave the store as it was. */
static void refusals_change_nothing(void **state)
{
    fx *f = *state;
    static const char nul[] = HEADER "\"LanScope連携\",\"2\",\"0012\",\"x\",\"a\0b\"\r\n";
    /* 連携種別,... in UTF-16LE with its BOM, and in EUC-JP */
    static const char utf16[] = "\xFF\xFE\x23\x90\x3A\x64";
    static const char eucjp[] = "\xCF\xA2\xB7\xC8\xBC\xEF\xCA\xCC,\xBC\xEF\xCA\xCC\r\n";
    static const char undecodable[] = HEADER "\"LanScope連携\",\"2\",\"0012\",\"x\",\"a\x80\"\r\n";
    const bad_case cases[] = {
        {"unknown employee", HEADER "LanScope連携,2,0012,x,hana\r\nLanScope連携,2,9999,x,who\r\n",
         NULL, 0, LCP_EMPLOYEE_UNKNOWN, 3},
        {"excel dropped zeros", HEADER "LanScope連携,2,12,x,hana\r\n", NULL, 0,
         LCP_EMPLOYEE_UNKNOWN, 2},
        {"unknown kind", HEADER "LanScope連携,2,0012,x,hana\r\nLanScope,2,2000,x,ichiro\r\n", NULL,
         0, LCP_KIND_LABEL, 3},
        {"kind code mismatch", HEADER "LanScope連携,2,0012,x,hana\r\nMaLion連携,2,2000,x,i\r\n",
         NULL, 0, LCP_KIND_CODE, 3},
        {"empty account", HEADER "LanScope連携,2,0012,x,hana\r\nLanScope連携,2,2000,x,  \r\n",
         NULL, 0, LCP_ACCOUNT_EMPTY, 3},
        {"same account twice in the file",
         HEADER "LanScope連携,2,0012,x,pc1\r\nLanScope連携,2,2000,x,pc1\r\n", NULL, 0,
         LCP_ACCOUNT_TWICE, 3},
        {"account held by an employee not in the file",
         HEADER "LanScope連携,2,2000,x,ichiro\r\nLanScope連携,2,0012,x,tarouk\r\n", NULL, 0,
         LCP_ACCOUNT_TAKEN, 3},
        {"domain prefix does not hide a duplicate",
         HEADER "LanScope連携,2,0012,x,CORP\\tarouk\r\n", NULL, 0, LCP_ACCOUNT_TAKEN, 2},
        {"employee twice", HEADER "LanScope連携,2,0012,x,a1\r\nLanScope連携,2,0012,x,a2\r\n",
         NULL, 0, LCP_EMPLOYEE_TWICE, 3},
        {"deleted employee", HEADER "LanScope連携,2,0012,x,hana\r\nLanScope連携,2,3000,x,gone\r\n",
         NULL, 0, LCP_EMPLOYEE_DELETED, 3},
        {"header not the expected one", "種別,打刻先アカウント,サービスアカウント\r\n", NULL, 0,
         LCP_HEADER_UNKNOWN, 1},
        {"header missing a column",
         "連携種別,打刻先アカウント,姓・名,サービスアカウント\r\nLanScope連携,0012,x,y\r\n", NULL,
         0, LCP_HEADER_MISSING, 1},
        {"empty file", "", NULL, 0, LCP_HEADER_MISSING, 1},
        {"not CSV: unclosed quote", HEADER "LanScope連携,2,0012,x,\"hana\r\n", NULL, 0,
         LCP_SYNTAX, 2},
        {"not CSV: a spreadsheet binary", NULL, nul, sizeof nul - 1, LCP_ENCODING, 2},
        {"not decodable", NULL, undecodable, sizeof undecodable - 1, LCP_ENCODING, 2},
        {"UTF-16 (Notepad's Unicode)", NULL, utf16, sizeof utf16 - 1, LCP_ENCODING, 1},
        {"EUC-JP", NULL, eucjp, sizeof eucjp - 1, LCP_ENCODING, 1},
        {"wrong field count", HEADER "LanScope連携,2,0012,x\r\n", NULL, 0, LCP_FIELDS, 2},
    };
    size_t n0, n1;
    char *before, *after;
    long long links0;

    admin_employee_add(f->s, "ACM", "3000", "退職", "者", NULL, "test", NULL);
    fixture_sql(f->path, "UPDATE employees SET deleted = 1 WHERE code = '3000'");
    before = export(f, 1u << LINK_LANSCOPE, ENC_UTF8, &n0);
    links0 = fixture_sql_int(f->path, "SELECT count(*) FROM links");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *c = &cases[i];
        const char *data = c->csv ? c->csv : c->bytes;
        size_t len = c->csv ? strlen(c->csv) : c->len;
        links_report rep;
        int seen = 0;
        for (int dry = 1; dry >= 0; dry--) {
            assert_int_equal(import(f, data, len, dry, &rep), LR_EINVAL);
            assert_int_equal(rep.nchanges, 0); /* a refused file updates nothing */
            for (size_t k = 0; k < rep.errors.n; k++)
                if (rep.errors.v[k].what == c->want && rep.errors.v[k].line == c->line)
                    seen = 1;
            if (!seen) {
                char msg[1200];
                link_csv_problem_words(&rep.errors.v[0], LANG_EN, msg, sizeof msg);
                fail_msg("%s: expected problem %s on line %ld; first problem: line %ld: %s",
                         c->name, link_csv_problem_name(c->want), c->line, rep.errors.v[0].line,
                         msg);
            }
            links_report_free(&rep);
        }
        after = export(f, 1u << LINK_LANSCOPE, ENC_UTF8, &n1);
        if (n0 != n1 || memcmp(before, after, n0) != 0)
            fail_msg("%s: the store changed:\n%s", c->name, after);
        free(after);
        assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM links"), links0);
    }
    free(before);
    /* refusals are in the audit log (dry runs are not) */
    assert_int_equal(audit_count(f, "links.import.refused"), (long long)(sizeof cases / sizeof cases[0]));
    assert_int_equal(audit_count(f, "links.import"), 0);
}

static void all_problems_are_listed_with_lines(void **state)
{
    fx *f = *state;
    const char *csv = HEADER "LanScope連携,2,9999,x,a\r\n"
                             "Foo,2,2000,x,b\r\n"
                             "LanScope連携,2,0012,x,\r\n";
    links_report rep;
    assert_int_equal(import(f, csv, strlen(csv), 0, &rep), LR_EINVAL);
    assert_int_equal(rep.errors.total, 3);
    assert_int_equal(rep.errors.v[0].line, 2);
    assert_int_equal(rep.errors.v[0].what, LCP_EMPLOYEE_UNKNOWN);
    assert_int_equal(rep.errors.v[0].column, 14); /* characters, not bytes */
    assert_int_equal(rep.errors.v[1].line, 3);
    assert_int_equal(rep.errors.v[2].line, 4);
    assert_int_equal(rep.errors.v[2].what, LCP_ACCOUNT_EMPTY);
    /* each names its field as people count them (issue 19: not a character) */
    {
        static const char *const want[] = {"3列目（打刻先アカウント）", "1列目（連携種別）",
                                           "5列目（サービスアカウント）"};
        char w[160];
        for (int i = 0; i < 3; i++) {
            link_csv_field_words(&rep.errors.v[i], LANG_JA, w, sizeof w);
            assert_string_equal(w, want[i]);
        }
    }
    links_report_free(&rep);
}

static void accounts_can_move_between_employees(void **state)
{
    fx *f = *state;
    /* 1000 gives tarouk to 2000 and takes a new name, in one file */
    const char *csv = HEADER "\"LanScope連携\",\"2\",\"2000\",\"x\",\"tarouk\"\r\n"
                             "\"LanScope連携\",\"2\",\"1000\",\"x\",\"taro.k\"\r\n";
    links_report rep;
    size_t n;
    char *out;
    assert_int_equal(import(f, csv, strlen(csv), 0, &rep), LR_OK);
    assert_int_equal(rep.nchanges, 2);
    links_report_free(&rep);
    out = export(f, 1u << LINK_LANSCOPE, ENC_UTF8, &n);
    assert_non_null(strstr(out, "\"1000\",\"勤怠 太郎\",\"taro.k\""));
    assert_non_null(strstr(out, "\"2000\",\"山田 一郎\",\"tarouk\""));
    free(out);
}

static void accounts_are_exact_trimmed_and_domain_free(void **state)
{
    fx *f = *state;
    /* TarouK is not tarouk; spaces around go; CORP\ and CORP¥ go */
    const char *csv = HEADER "LanScope連携,2,0012, TarouK \r\n"
                             "MaLion連携,3,2000,x,CORP\\ichiro\r\n"
                             "MaLion連携,3,0012,x,CORP¥hana\r\n";
    const char *fixed = HEADER "LanScope連携,2,0012,x, TarouK \r\n"
                               "MaLion連携,3,2000,x,CORP\\ichiro\r\n"
                               "MaLion連携,3,0012,x,CORP¥hana\r\n";
    links_report rep;
    size_t n;
    char *out;
    assert_int_equal(import(f, csv, strlen(csv), 0, &rep), LR_EINVAL); /* 4 fields on line 2 */
    links_report_free(&rep);
    assert_int_equal(import(f, fixed, strlen(fixed), 0, &rep), LR_OK);
    assert_int_equal(rep.nchanges, 3);
    links_report_free(&rep);
    out = export(f, 0, ENC_UTF8, &n);
    assert_non_null(strstr(out, "\"LanScope連携\",\"2\",\"0012\",\"勤怠 花子\",\"TarouK\""));
    assert_non_null(strstr(out, "\"LanScope連携\",\"2\",\"1000\",\"勤怠 太郎\",\"tarouk\""));
    assert_non_null(strstr(out, "\"MaLion連携\",\"3\",\"2000\",\"山田 一郎\",\"ichiro\""));
    assert_non_null(strstr(out, "\"MaLion連携\",\"3\",\"0012\",\"勤怠 花子\",\"hana\""));
    free(out);
}

static void dry_run_writes_nothing(void **state)
{
    fx *f = *state;
    const char *csv = HEADER "LanScope連携,2,0012,x,hana\r\n";
    links_report rep;
    size_t n0, n1;
    char *before = export(f, 1u << LINK_LANSCOPE, ENC_UTF8, &n0), *after;
    assert_int_equal(import(f, csv, strlen(csv), 1, &rep), LR_OK);
    assert_true(rep.dry_run);
    assert_int_equal(rep.nchanges, 1);
    assert_string_equal(rep.changes[0].before, "");
    assert_string_equal(rep.changes[0].after, "hana");
    links_report_free(&rep);
    after = export(f, 1u << LINK_LANSCOPE, ENC_UTF8, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    assert_int_equal(audit_count(f, "links.import"), 0);
    free(before);
    free(after);
}

#define EV(acc, op, t)                                                                             \
    "{\"source\":\"lanscope\",\"account\":\"" acc "\",\"host\":\"PC-9\",\"op\":\"" op            \
    "\",\"time\":\"" t "\"}"

static void waiting_events_are_punched_when_linked(void **state)
{
    fx *f = *state;
    const char *json = "[" EV("hanakok", "logon", "2026-11-16T08:58:00+09:00") ","
                       EV("hanakok", "logoff", "2026-11-16T18:02:00+09:00") "]";
    const char *csv = HEADER "LanScope連携,2,0012,x,hanakok\r\n";
    ingest_result r = fixture_ingest(f, json);
    links_report rep;
    lr_error err;
    lr_buf led;

    assert_int_equal(r.unlinked, 2);
    assert_int_equal(import(f, csv, strlen(csv), 0, &rep), LR_OK);
    assert_int_equal(rep.punches.added, 2);
    links_report_free(&rep);
    buf_init(&led, 1 << 16);
    assert_int_equal(ledger_export(f->s, &f->c, "2026-11-16", "2026-11-16", LEDGER_CSV, &led, &err),
                     LR_OK);
    assert_string_equal(buf_str(&led), "employee,date,kind,time\n"
                                       "0012,2026-11-16,clock_in,2026-11-16T08:58:00+09:00\n"
                                       "0012,2026-11-16,clock_out,2026-11-16T18:02:00+09:00\n");
    buf_free(&led);
    /* importing the same file again changes nothing and punches nothing */
    assert_int_equal(import(f, csv, strlen(csv), 0, &rep), LR_OK);
    assert_int_equal(rep.nchanges, 0);
    assert_int_equal(rep.punches.added, 0);
    links_report_free(&rep);
}

static void export_rules(void **state)
{
    fx *f = *state;
    lr_buf b;
    lr_error err;
    size_t n;
    char *out;
    /* no MaLion links yet: the export still works when the kind is named */
    out = export(f, 1u << LINK_MALION, ENC_UTF8, &n);
    assert_non_null(strstr(out, "\"MaLion連携\",\"3\",\"0012\",\"勤怠 花子\",\"0012\"\r\n"));
    free(out);
    /* deleted employees are not exported */
    fixture_sql(f->path, "UPDATE employees SET deleted = 1 WHERE code = '2000'");
    out = export(f, 0, ENC_UTF8, &n);
    assert_null(strstr(out, "2000"));
    assert_non_null(strstr(out, "tarouk"));
    free(out);
    /* without any link and without a kind, ask for the kind */
    fixture_sql(f->path, "DELETE FROM links");
    buf_init(&b, 1 << 16);
    assert_int_equal(links_export(f->s, "ACM", 0, ENC_CP932, &b, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "lanscope"));
    assert_int_equal(links_export(f->s, "NOPE", 0, ENC_CP932, &b, &err), LR_ENOTFOUND);
    buf_free(&b);
}

static void audit_names_the_file_and_counts(void **state)
{
    fx *f = *state;
    const char *csv = HEADER "LanScope連携,2,0012,x,hana\r\nLanScope連携,2,1000,x,tarouk\r\n";
    links_report rep;
    assert_int_equal(import(f, csv, strlen(csv), 0, &rep), LR_OK);
    links_report_free(&rep);
    assert_int_equal(fixture_sql_int(f->path,
                                     "SELECT count(*) FROM audit_log WHERE action = 'links.import' "
                                     "AND actor = 'test' AND detail = 'file=edit.csv encoding=UTF-8 "
                                     "rows=2 updated=1 removed=0 unchanged=1 errors=0 warnings=0' AND "
                                     "at > 0"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(export_is_byte_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(round_trip_in_both_encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(all_problems_are_listed_with_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(accounts_can_move_between_employees, setup, teardown),
        cmocka_unit_test_setup_teardown(accounts_are_exact_trimmed_and_domain_free, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dry_run_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(waiting_events_are_punched_when_linked, setup, teardown),
        cmocka_unit_test_setup_teardown(export_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_names_the_file_and_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
