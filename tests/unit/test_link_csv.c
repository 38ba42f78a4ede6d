/*
 * test_link_csv — the link CSV format on its own: header in any order,
 * row rules, repeats, and a message in both languages for every problem.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/link_csv.h"
#include "reply/link_csv_words.h"
#include "util/encoding.h"

static int read_header(const char *text, csv_reader *r, link_csv_layout *lay, link_csv_errors *es)
{
    lr_error err;
    csv_reader_init(r, "t.csv", text, strlen(text));
    assert_int_equal(csv_reader_next(r, &err), LR_OK);
    return link_csv_layout_parse(r, lay, es);
}

static void header_in_any_order(void **state)
{
    csv_reader r;
    link_csv_layout lay;
    link_csv_errors es = {.max = 10};
    link_csv_row row;
    lr_error err;
    assert_true(read_header("サービスアカウント, 姓・名 ,打刻先アカウント,種別コード,連携種別,\n"
                            "CORP\\taro,x,0012,2,LanScope連携,\n",
                            &r, &lay, &es));
    assert_int_equal(lay.col[LC_ACCOUNT], 0);
    assert_int_equal(lay.col[LC_KIND_LABEL], 4);
    assert_int_equal(csv_reader_next(&r, &err), LR_OK);
    assert_true(link_csv_row_parse(&r, &lay, &row, &es));
    assert_int_equal(row.kind, LINK_LANSCOPE);
    assert_string_equal(row.employee, "0012");
    assert_string_equal(row.account, "taro");
    assert_int_equal(row.line, 2);
    assert_int_equal(es.total, 0);
    csv_reader_free(&r);
}

static void header_problems(void **state)
{
    csv_reader r;
    link_csv_layout lay;
    link_csv_errors es = {.max = 10};
    assert_false(read_header("連携種別,連携種別,打刻先アカウント,メモ\n", &r, &lay, &es));
    /* twice, unknown, and three missing (種別コード, 姓・名, サービスアカウント) */
    assert_int_equal(es.total, 5);
    assert_int_equal(es.v[0].what, LCP_HEADER_TWICE);
    assert_int_equal(es.v[0].column, 6);
    assert_int_equal(es.v[1].what, LCP_HEADER_UNKNOWN);
    assert_string_equal(es.v[1].a, "メモ");
    assert_int_equal(es.v[2].what, LCP_HEADER_MISSING);
    /* named as people count columns, the character in the detail */
    {
        char w[160];
        link_csv_field_words(&es.v[0], LANG_JA, w, sizeof w);
        assert_string_equal(w, "2列目（連携種別）");
        link_csv_field_words(&es.v[1], LANG_JA, w, sizeof w);
        assert_string_equal(w, "4列目（メモ）");
        link_csv_field_words(&es.v[1], LANG_EN, w, sizeof w);
        assert_string_equal(w, "field 4 (メモ)");
        link_csv_field_words(&es.v[2], LANG_JA, w, sizeof w);
        assert_string_equal(w, ""); /* the header as a whole */
    }
    link_csv_errors_free(&es);
    csv_reader_free(&r);
}

static void removals_are_not_one_account(void **state)
{
    /* "-" in two rows removes two links; it is not one account twice */
    link_csv_row rows[2] = {
        {.line = 2, .valid = 1, .kind = LINK_LANSCOPE, .employee = "1000", .remove = 1},
        {.line = 3, .valid = 1, .kind = LINK_LANSCOPE, .employee = "2000", .remove = 1},
    };
    link_csv_errors es = {.max = 10};
    (void)state;
    assert_int_equal(link_csv_find_repeats(rows, 2, &es), LR_OK);
    assert_int_equal(es.total, 0);
    link_csv_errors_free(&es);
}

static void repeats_are_found(void **state)
{
    link_csv_row rows[4] = {
        {.line = 2, .valid = 1, .kind = LINK_LANSCOPE, .employee = "1000", .account = "pc"},
        /* same account */
        {.line = 3, .valid = 1, .kind = LINK_LANSCOPE, .employee = "2000", .account = "pc"},
        /* other kind: fine */
        {.line = 4, .valid = 1, .kind = LINK_MALION, .employee = "3000", .account = "pc"},
        /* same employee */
        {.line = 5, .valid = 1, .kind = LINK_LANSCOPE, .employee = "1000", .account = "other"},
    };
    link_csv_errors es = {.max = 10};
    assert_int_equal(link_csv_find_repeats(rows, 4, &es), LR_OK);
    assert_int_equal(es.total, 2);
    for (size_t i = 0; i < es.n; i++) {
        if (es.v[i].what == LCP_ACCOUNT_TWICE) {
            assert_int_equal(es.v[i].line, 3);
            assert_int_equal(es.v[i].other_line, 2);
            assert_string_equal(es.v[i].b, "1000");
        } else {
            assert_int_equal(es.v[i].what, LCP_EMPLOYEE_TWICE);
            assert_int_equal(es.v[i].line, 5);
        }
    }
    link_csv_errors_free(&es);
}

static void errors_are_capped_but_counted(void **state)
{
    link_csv_errors es = {.max = 2};
    link_csv_error e = {.what = LCP_ACCOUNT_EMPTY, .line = 1, .column = 1};
    for (int i = 0; i < 5; i++)
        assert_int_equal(link_csv_errors_add(&es, &e), LR_OK);
    assert_int_equal(es.n, 2);
    assert_int_equal(es.total, 5);
    link_csv_errors_free(&es);
}

/* A run of three English words ("nothing was changed"): English left in
 * a Japanese sentence. */
static int english_run(const char *s)
{
    int run = 0;
    while (*s) {
        if (isalpha((unsigned char)*s)) {
            while (isalpha((unsigned char)*s))
                s++;
            if (++run >= 3)
                return 1;
        } else {
            if (*s != ' ' && *s != ',')
                run = 0;
            s++;
        }
    }
    return 0;
}

/* Every problem, with each detail, has a name and words in both
 * languages, they differ, and the Japanese has no English sentence. */
static void every_problem_speaks_both_languages(void **state)
{
    for (int i = 0; i < (LCP_ENCODING + 1) * 8; i++) {
        int p = i / 8, detail = i % 8;
        if (p < LCP_SYNTAX || (detail && p != LCP_SYNTAX && p != LCP_ENCODING) ||
            (p == LCP_SYNTAX && detail > CSV_QUOTE_IN_FIELD) ||
            (p == LCP_ENCODING && (detail < ENC_IS_UTF16 || detail > ENC_UNKNOWN)))
            continue;
        link_csv_error e = {.what = (link_csv_problem)p, .line = 2, .column = 1, .field = 3,
                            .lc = LC_EMPLOYEE, .detail = detail, .other_line = 1,
                            .a = "x", .b = "y", .owner = "z"};
        char en[1200], ja[1200];
        link_csv_problem_words(&e, LANG_EN, en, sizeof en);
        link_csv_problem_words(&e, LANG_JA, ja, sizeof ja);
        assert_string_not_equal(link_csv_problem_name(e.what), "unknown");
        assert_true(strlen(en) > 10);
        assert_true(strlen(ja) > 10);
        assert_string_not_equal(en, ja);
        /* each has its catalogue entry, and every value is filled in */
        if (strncmp(en, "linkcsv.", 8) == 0 || strncmp(ja, "linkcsv.", 8) == 0 || strchr(en, '{') ||
            strchr(ja, '{'))
            fail_msg("problem %d (detail %d) misses words: %s / %s", p, detail, en, ja);
        /* the English sentence is English: its first word is ASCII */
        assert_true((unsigned char)en[0] < 0x80);
        /* the Japanese one is written in Japanese (the arguments are ASCII) */
        assert_true(strstr(ja, "ません") || strstr(ja, "です") || strstr(ja, "ます") ||
                    strstr(ja, "ください"));
        if (english_run(ja))
            fail_msg("problem %d (detail %d) keeps English in Japanese: %s", p, detail, ja);
    }
    assert_true(english_run("nothing was changed"));
    assert_false(english_run("iconv -f EUC-JP -t UTF-8 で変換"));
    for (int a = LCP_SYNTAX; a <= LCP_ENCODING; a++)
        for (int b = a + 1; b <= LCP_ENCODING; b++)
            assert_string_not_equal(link_csv_problem_name((link_csv_problem)a),
                                    link_csv_problem_name((link_csv_problem)b));
}

static void writes_quoted_crlf_rows(void **state)
{
    lr_buf b;
    buf_init(&b, 4096);
    assert_int_equal(link_csv_write_header(&b), LR_OK);
    assert_int_equal(link_csv_write_row(&b, LINK_SMARTON, "0012", "勤怠", "花子", "a\"b"), LR_OK);
    assert_string_equal(buf_str(&b), "\"連携種別\",\"種別コード\",\"打刻先アカウント\",\"姓・名\","
                                     "\"サービスアカウント\"\r\n"
                                     "\"SmartOn ID連携\",\"1\",\"0012\",\"勤怠 花子\",\"a\"\"b\"\r\n");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_in_any_order),
        cmocka_unit_test(header_problems),
        cmocka_unit_test(repeats_are_found),
        cmocka_unit_test(removals_are_not_one_account),
        cmocka_unit_test(errors_are_capped_but_counted),
        cmocka_unit_test(every_problem_speaks_both_languages),
        cmocka_unit_test(writes_quoted_crlf_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
