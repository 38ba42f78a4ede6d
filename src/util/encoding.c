/*
 * encoding — detection and conversion between CP932 and UTF-8 (see
 * encoding.h).
 */
#include "util/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

const char *enc_name(text_encoding e)
{
    switch (e) {
    case ENC_UTF8: return "UTF-8";
    case ENC_UTF8_BOM: return "UTF-8 (BOM)";
    case ENC_CP932: return "CP932";
    }
    return "?";
}

int enc_parse(const char *s)
{
    if (strcasecmp(s, "cp932") == 0)
        return ENC_CP932;
    if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
        return ENC_UTF8;
    return -1;
}

int enc_utf8_valid(const char *in, size_t n, size_t *bad_at)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0, len;
    for (; i < n; i += len)
        if ((len = utf8_char_len(p + i, n - i)) == 0) {
            if (bad_at)
                *bad_at = i;
            return 0;
        }
    return 1;
}

/* Line (1-based) and byte column (1-based) of offset `at` in in[]. */
static void position(const char *in, size_t at, long *line, long *col)
{
    size_t start = 0;
    *line = 1;
    for (size_t i = 0; i < at; i++)
        if (in[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *col = (long)(at - start) + 1;
}

/* Runs iconv over in[0..n) into out. On a sequence the target cannot
 * take, returns LR_EINVAL with *bad_at its offset in `in`. */
static lr_status convert(const char *to, const char *from, const char *in, size_t n,
                         lr_buf *out, size_t *bad_at)
{
    iconv_t cd = iconv_open(to, from);
    char *ip = (char *)in;
    size_t left = n, want = n + n / 2 + 64; /* CP932 text grows by about half in UTF-8 */
    lr_status st = LR_OK;

    if (cd == (iconv_t)-1)
        return LR_EIO;
    while (left > 0 && st == LR_OK) {
        char *op;
        size_t room, r;
        if ((st = buf_reserve(out, want)) != LR_OK)
            break;
        /* iconv writes straight into the buffer */
        op = out->data + out->len;
        room = out->cap - out->len - 1;
        r = iconv(cd, &ip, &left, &op, &room);
        out->len = (size_t)(op - out->data);
        out->data[out->len] = '\0';
        if (r == (size_t)-1 && errno == E2BIG)
            want = left * 3 + 64; /* at most 3 bytes per input byte */
        else if (r == (size_t)-1) {
            *bad_at = (size_t)(ip - in);
            st = LR_EINVAL;
        }
    }
    iconv_close(cd);
    return st;
}

const char *enc_problem_name(enc_problem p)
{
    switch (p) {
    case ENC_FINE: return "fine";
    case ENC_IS_UTF16: return "utf16";
    case ENC_IS_BINARY: return "binary";
    case ENC_BAD_BOM: return "bad_bom";
    case ENC_IS_EUC_JP: return "euc_jp";
    case ENC_UNKNOWN: return "unknown_encoding";
    }
    return "?";
}

/* EUC-JP rather than CP932: iconv reads it all as EUC-JP, and it has no
 * byte in 0x80-0xA0, which EUC-JP uses only as its shift bytes 0x8E and
 * 0x8F, and which CP932 Japanese is full of (kana, punctuation, most
 * kanji lead bytes). When CP932 could read it too (as half-width kana and
 * rarer kanji), it takes positive evidence: an EUC-JP hiragana or katakana
 * (0xA4 or 0xA5, then 0xA1-0xF6), which Japanese text is seldom without. */
static int looks_euc_jp(const char *in, size_t n, int cp932_ok)
{
    const unsigned char *p = (const unsigned char *)in;
    lr_buf tmp;
    size_t bad = 0;
    int high = 0, kana = 0, ok;
    for (size_t i = 0; i < n; i++) {
        int shift = p[i] == 0x8E || p[i] == 0x8F;
        if ((p[i] >= 0x80 && p[i] <= 0xA0 && (cp932_ok || !shift)) || p[i] == 0xFF)
            return 0; /* glibc's EUC-JP lets C1 bytes through; EUC-JP text has none */
        high |= p[i] >= 0x80;
        if (p[i] >= 0xA1) {
            /* a two-byte character: its lead, then its second byte */
            kana |= (p[i] == 0xA4 || p[i] == 0xA5) && i + 1 < n && p[i + 1] >= 0xA1 &&
                    p[i + 1] <= 0xF6;
            i++;
        }
    }
    if (!high || (cp932_ok && !kana))
        return 0;
    buf_init(&tmp, n * 3 + 128); /* convert asks for n * 1.5 + 64 first */
    ok = convert("UTF-8", "EUC-JP", in, n, &tmp, &bad) == LR_OK;
    buf_free(&tmp);
    return ok;
}

lr_status enc_decode(const char *what, const char *in, size_t n, lr_buf *out,
                     text_encoding *enc, enc_problem *why, lr_error *err)
{
    text_encoding e;
    size_t bad = 0, nul;
    long line, col;
    lr_status st;
    enc_problem dummy;

    if (!why)
        why = &dummy;
    *why = ENC_FINE;
    if (n >= 2 && (((unsigned char)in[0] == 0xFF && (unsigned char)in[1] == 0xFE) ||
                   ((unsigned char)in[0] == 0xFE && (unsigned char)in[1] == 0xFF)))
        return *why = ENC_IS_UTF16, lr_fail_at(err, LR_EINVAL, what, 1, 1,
                          "the file is UTF-16 (Notepad's \"Unicode\"); save it as UTF-8 or "
                          "ANSI (CP932) and try again");
    nul = strnlen(in, n);
    if (nul < n) {
        position(in, nul, &line, &col);
        *why = ENC_IS_BINARY;
        return lr_fail_at(err, LR_EINVAL, what, line, col,
                          "the file contains a NUL byte: it is not a text (CSV) file");
    }
    if (n >= 3 && memcmp(in, bom, 3) == 0) {
        e = ENC_UTF8_BOM;
        if (!enc_utf8_valid(in + 3, n - 3, &bad)) {
            position(in + 3, bad, &line, &col); /* the BOM is not a column */
            *why = ENC_BAD_BOM;
            return lr_fail_at(err, LR_EINVAL, what, line, col,
                              "the file starts with a UTF-8 BOM but byte 0x%02X is not UTF-8",
                              (unsigned char)in[bad + 3]);
        }
        st = buf_append(out, in + 3, n - 3);
    } else if (enc_utf8_valid(in, n, &bad)) {
        e = ENC_UTF8;
        st = buf_append(out, in, n);
    } else {
        e = ENC_CP932;
        size_t bad2 = 0;
        st = convert("UTF-8", "CP932", in, n, out, &bad2);
        if ((st == LR_OK || st == LR_EINVAL) && looks_euc_jp(in, n, st == LR_OK)) {
            *why = ENC_IS_EUC_JP;
            return lr_fail_at(err, LR_EINVAL, what, 1, 1,
                              "the file is EUC-JP; save it as UTF-8 or CP932 and try again "
                              "(iconv -f EUC-JP -t UTF-8)");
        }
        if (st == LR_EINVAL) {
            /* point at the byte of the encoding that read further: that is
             * most likely the one the file was meant to be in */
            size_t at = bad > bad2 ? bad : bad2;
            position(in, at, &line, &col);
            *why = ENC_UNKNOWN;
            return lr_fail_at(err, LR_EINVAL, what, line, col,
                              "the file is neither UTF-8 nor CP932 (Shift_JIS): byte 0x%02X "
                              "is not %s",
                              (unsigned char)in[at], bad > bad2 ? "UTF-8" : "CP932");
        }
        if (st == LR_EIO)
            return lr_fail(err, LR_EIO, "iconv cannot convert from CP932 on this system");
    }
    if (st != LR_OK)
        return lr_fail(err, st, "%s is too large", what);
    if (enc)
        *enc = e;
    return LR_OK;
}

lr_status enc_encode(const char *in, size_t n, text_encoding e, lr_buf *out, lr_error *err)
{
    lr_status st;
    size_t bad = 0;

    if (e != ENC_CP932) {
        st = e == ENC_UTF8_BOM ? buf_append(out, bom, sizeof bom) : LR_OK;
        if (st == LR_OK)
            st = buf_append(out, in, n);
        return st == LR_OK ? LR_OK : lr_fail(err, st, "the output is too large");
    }
    st = convert("CP932", "UTF-8", in, n, out, &bad);
    if (st == LR_EINVAL) {
        long line, col;
        size_t len = 1;
        while (bad + len < n && ((unsigned char)in[bad + len] & 0xC0) == 0x80)
            len++;
        position(in, bad, &line, &col);
        return lr_fail_at(err, LR_EINVAL, NULL, line, col,
                          "'%.*s' (line %ld) has no CP932 form; export as UTF-8 instead",
                          (int)len, in + bad, line);
    }
    if (st == LR_EIO)
        return lr_fail(err, LR_EIO, "iconv cannot convert to CP932 on this system");
    return st == LR_OK ? LR_OK : lr_fail(err, st, "the output is too large");
}
