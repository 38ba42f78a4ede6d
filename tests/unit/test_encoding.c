/*
 * test_encoding — detection and conversion of CP932 / UTF-8 text, with the
 * byte sequences Windows tools actually write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/encoding.h"

/* 勤怠 太郎 in CP932, and ソ表 whose second bytes are 0x5C ('\' in ASCII). */
static const char cp932_name[] = "\x8b\xce\x91\xd3\x20\x91\xbe\x98\x59";
static const char cp932_so[] = "\x83\x5c\x95\x5c";

static void decode(const char *in, size_t n, text_encoding want_enc, const char *want)
{
    lr_buf out;
    lr_error err;
    text_encoding e = (text_encoding)-1;
    buf_init(&out, 1 << 20);
    if (enc_decode("f.csv", in, n, &out, &e, NULL, &err) != LR_OK)
        fail_msg("decode failed: %s", err.message);
    assert_int_equal(e, want_enc);
    assert_string_equal(buf_str(&out), want);
    buf_free(&out);
}

static void detects(void **state)
{
    decode("abc,1\r\n", 7, ENC_UTF8, "abc,1\r\n");
    decode("\xEF\xBB\xBF\xE5\x8B\xA4,x", 8, ENC_UTF8_BOM, "勤,x");
    decode(cp932_name, sizeof cp932_name - 1, ENC_CP932, "勤怠 太郎");
    /* CP932, not SHIFT_JIS: 0x5C stays a backslash, ソ表 stays ソ表 */
    decode("CORP\\taro,\x83\x5c", 12, ENC_CP932, "CORP\\taro,ソ");
    decode(cp932_so, 4, ENC_CP932, "ソ表");
    decode("", 0, ENC_UTF8, "");
}

static void refuses(void **state)
{
    lr_buf out;
    lr_error err;
    buf_init(&out, 1 << 20);
    /* UTF-16 (Notepad's "Unicode") */
    assert_int_equal(enc_decode("u.csv", "\xFF\xFE" "a\0", 4, &out, NULL, NULL, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "UTF-16"));
    /* binary */
    assert_int_equal(enc_decode("b.csv", "ab\ncd\0e", 7, &out, NULL, NULL, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    /* 0x80 alone is neither UTF-8 nor CP932 */
    assert_int_equal(enc_decode("x.csv", "ok\nab\x80z", 7, &out, NULL, NULL, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.file, "x.csv");
    assert_non_null(strstr(err.message, "0x80"));
    /* a BOM followed by bytes that are not UTF-8 */
    assert_int_equal(enc_decode("y.csv", "\xEF\xBB\xBF" "a\x8b\xce", 6, &out, NULL, NULL, &err),
                     LR_EINVAL);
    assert_int_equal(err.column, 2);
    /* a CP932 lead byte cut off at the end */
    assert_int_equal(enc_decode("z.csv", "\x8b\xce\x91", 3, &out, NULL, NULL, &err), LR_EINVAL);
    buf_free(&out);
}

/* Each refusal says why, so the reader's language can word it. */
static void says_why(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;
        enc_problem why;
    } cases[] = {
        {"\xFF\xFE" "a\0", 4, ENC_IS_UTF16},
        {"\xFE\xFF" "\0a", 4, ENC_IS_UTF16},
        {"ab\ncd\0e", 7, ENC_IS_BINARY},
        {"\xEF\xBB\xBF" "a\x8b\xce", 6, ENC_BAD_BOM},
        {"ok\nab\x80z", 7, ENC_UNKNOWN},
        /* 連携種別,勤怠 太郎 in EUC-JP: CP932 cannot read 種 (0xBC 0xEF ...) */
        {"\xCF\xA2\xB7\xC8\xBC\xEF\xCA\xCC,\xB6\xD0\xC2\xD5 \xC2\xC0\xCF\xBA\r\n", 20,
         ENC_IS_EUC_JP},
        /* アカウント in EUC-JP is also CP932 half-width kana; its kana pairs
         * (0xA5 0xA2 ...) say EUC-JP */
        {"\xA5\xA2\xA5\xAB\xA5\xA6\xA5\xF3\xA5\xC8\r\n", 12, ENC_IS_EUC_JP},
    };
    lr_buf out;
    lr_error err;
    enc_problem why;
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_init(&out, 1 << 20);
        why = ENC_FINE;
        assert_int_equal(enc_decode("w.csv", cases[i].bytes, cases[i].n, &out, NULL, &why, &err),
                         LR_EINVAL);
        if (why != cases[i].why)
            fail_msg("case %zu: %s, not %s (%s)", i, enc_problem_name(why),
                     enc_problem_name(cases[i].why), err.message);
        buf_free(&out);
    }
    /* CP932 Japanese is never taken for EUC-JP: 勤怠 太郎 in CP932 */
    buf_init(&out, 1 << 20);
    why = ENC_UNKNOWN;
    assert_int_equal(enc_decode("c.csv", "\x8b\xce\x91\xd3 \x91\xbe\x98\x59", 9, &out, NULL, &why, &err),
                     LR_OK);
    assert_int_equal(why, ENC_FINE);
    assert_string_equal(buf_str(&out), "勤怠 太郎");
    buf_free(&out);
    /* nor CP932 half-width kana: ﾔﾏﾀﾞ (0xD4 0xCF 0xC0 0xDE) is no EUC-JP kana */
    buf_init(&out, 1 << 20);
    assert_int_equal(enc_decode("k.csv", "\xD4\xCF\xC0\xDE", 4, &out, NULL, &why, &err), LR_OK);
    assert_int_equal(why, ENC_FINE);
    assert_string_equal(buf_str(&out), "ﾔﾏﾀﾞ");
    buf_free(&out);
}

static void encodes(void **state)
{
    lr_buf out;
    lr_error err;
    buf_init(&out, 1 << 20);
    assert_int_equal(enc_encode("勤怠 太郎", strlen("勤怠 太郎"), ENC_CP932, &out, &err), LR_OK);
    assert_int_equal(out.len, sizeof cp932_name - 1);
    assert_memory_equal(out.data, cp932_name, out.len);
    buf_reset(&out);
    assert_int_equal(enc_encode("a", 1, ENC_UTF8_BOM, &out, &err), LR_OK);
    assert_memory_equal(out.data, "\xEF\xBB\xBF" "a", 4);
    buf_reset(&out);
    /* an emoji has no CP932 form: say which and where */
    assert_int_equal(enc_encode("ok\nA😀", strlen("ok\nA😀"), ENC_CP932, &out, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "😀"));
    buf_free(&out);
}

static void names(void **state)
{
    assert_int_equal(enc_parse("CP932"), ENC_CP932);
    assert_int_equal(enc_parse("utf-8"), ENC_UTF8);
    assert_int_equal(enc_parse("shift_jis"), -1);
    assert_string_equal(enc_name(ENC_CP932), "CP932");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detects),
        cmocka_unit_test(refuses),
        cmocka_unit_test(says_why),
        cmocka_unit_test(encodes),
        cmocka_unit_test(names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
