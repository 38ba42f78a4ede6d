/*
 * test_progress — long work says how far it is: the LanScope reader
 * reports the bytes read up to the end, and the terminal's line words a
 * report (how far, the rate, the time left) in both languages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli_progress.h"
#include "sources/lanscope.h"
#include "util/buf.h"

typedef struct heard {
    int calls;
    uint64_t last_done, last_total, last_items, max_done;
    int backwards;
} heard;

static void listen(void *ctx, progress_stage stage, uint64_t done, uint64_t total, uint64_t items)
{
    heard *h = ctx;
    assert_int_equal(stage, PROGRESS_READ);
    if (done < h->last_done)
        h->backwards = 1;
    h->calls++;
    h->last_done = done;
    h->last_total = total;
    h->last_items = items;
}

static lr_status take(void *ctx, lr_event *e, lr_error *err)
{
    (void)ctx, (void)e, (void)err;
    return LR_OK;
}

static void lanscope_reports_bytes_read(void **state)
{
    heard h = {0};
    progress_hook hook = {listen, &h};
    lanscope_opts o = {"big.csv", "Asia/Tokyo", "", &hook};
    lanscope_stats st;
    lr_error err;
    lr_buf b;
    (void)state;
    buf_init(&b, 1 << 24);
    buf_append(&b, "日時,イベント日時,ログオンユーザ名,ログ種類\r\n",
               strlen("日時,イベント日時,ログオンユーザ名,ログ種類\r\n"));
    for (int i = 0; i < 20000; i++) {
        char row[128];
        int n = snprintf(row, sizeof row, "2026/11/20 05:10:00,2026/11/20 %02d:%02d:00,u%d,1\r\n",
                         8 + i % 10, i % 60, i);
        buf_append(&b, row, (size_t)n);
    }
    assert_int_equal(lanscope_parse(&o, buf_str(&b), b.len, take, NULL, &st, &err), LR_OK);
    assert_int_equal(st.rows, 20000);
    /* along the way (every 4096 rows) and at the end: all of it */
    assert_true(h.calls >= 5);
    assert_false(h.backwards);
    assert_int_equal(h.last_total, b.len);
    assert_int_equal(h.last_done, h.last_total);
    assert_int_equal(h.last_items, 20000);
    buf_free(&b);
}

static void the_line_in_words(void **state)
{
    char s[200];
    (void)state;
    /* 12 MB of 30 read in 1.5 s: 8 MB/s, 412,000 rows, 3 s left */
    cli_progress_format(LANG_JA, PROGRESS_READ, 12000000, 30000000, 412000, 1.5, s, sizeof s);
    assert_string_equal(s, "読み込み  40% 12.0 / 30.0 MB 8.0 MB/秒 412,000 行 残り約 3 秒");
    cli_progress_format(LANG_EN, PROGRESS_READ, 12000000, 30000000, 412000, 1.5, s, sizeof s);
    assert_string_equal(s, "reading  40% 12.0 / 30.0 MB 8.0 MB/s 412,000 rows, about 3 s left");
    /* counted things, minutes left */
    cli_progress_format(LANG_JA, PROGRESS_DERIVE, 1000, 100000, 0, 2.0, s, sizeof s);
    assert_string_equal(s, "打刻の再計算   1% 1,000 / 100,000 件 500 件/秒 残り約 3 分 18 秒");
    cli_progress_format(LANG_EN, PROGRESS_STORE, 5000, 5000, 0, 1.0, s, sizeof s);
    assert_string_equal(s, "storing 100% 5,000 / 5,000 events 5,000/s");
    /* a total not known: how many so far; waiting: for how long */
    cli_progress_format(LANG_EN, PROGRESS_COMPARE, 768, 0, 0, 0.0, s, sizeof s);
    assert_string_equal(s, "comparing 768 employees");
    cli_progress_format(LANG_JA, PROGRESS_FETCH, 0, 0, 0, 0.0, s, sizeof s);
    assert_string_equal(s, "応答待ち…");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanscope_reports_bytes_read),
        cmocka_unit_test(the_line_in_words),
    };
    return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
