/*
 * encoding — text files as people hand them to us: CP932 (what Windows
 * Notepad "ANSI", Excel and the LanScope manager write), UTF-8 with or
 * without a BOM. Detected, never asked; converted to UTF-8 inside, and back
 * to CP932 for files people will open on Windows.
 *
 * Conversion uses glibc iconv with the name "CP932", never "SHIFT_JIS"
 * (which maps 0x5C to U+00A5 and would turn DOMAIN\user into DOMAIN¥user).
 * Thread-safe: each call opens its own iconv descriptor.
 */
#ifndef LR_UTIL_ENCODING_H
#define LR_UTIL_ENCODING_H

#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

typedef enum text_encoding {
    ENC_UTF8 = 0,
    ENC_UTF8_BOM,
    ENC_CP932,
} text_encoding;

/* "UTF-8", "UTF-8 (BOM)", "CP932". */
const char *enc_name(text_encoding e);

/* "cp932" -> ENC_CP932, "utf-8" or "utf8" -> ENC_UTF8 (any case); -1 when
 * unknown. */
int enc_parse(const char *s);

/* Non-zero when in[0..n) is well-formed UTF-8; else *bad_at is the offset
 * of the first byte that is not. */
int enc_utf8_valid(const char *in, size_t n, size_t *bad_at);

/* Why a file's bytes are not text we read, for words in the reader's
 * language (err->message stays the English technical detail). */
typedef enum enc_problem {
    ENC_FINE = 0,
    ENC_IS_UTF16,   /* a UTF-16 BOM: Notepad's "Unicode" */
    ENC_IS_BINARY,  /* a NUL byte: not a text file */
    ENC_BAD_BOM,    /* a UTF-8 BOM, then bytes that are not UTF-8 */
    ENC_IS_EUC_JP,  /* well-formed EUC-JP, and not CP932 Japanese */
    ENC_UNKNOWN,    /* neither UTF-8 nor CP932 */
} enc_problem;

/* Short machine name of a problem ("utf16"), for API clients. */
const char *enc_problem_name(enc_problem p);

/* Detects the encoding of in[0..n) and appends its text as UTF-8 (BOM
 * removed) to out. Refuses binary files (NUL bytes), UTF-16 and EUC-JP;
 * when the bytes are neither UTF-8 nor CP932, err names `what`, the line
 * and column of the first byte that fits neither. *enc and *why may be
 * NULL; *why says what was refused (ENC_FINE on success). */
lr_status enc_decode(const char *what, const char *in, size_t n, lr_buf *out,
                     text_encoding *enc, enc_problem *why, lr_error *err);

/* Appends UTF-8 text in[0..n) to out in encoding e (a BOM first for
 * ENC_UTF8_BOM). For CP932, a character with no CP932 form is an error
 * that quotes it and its line. */
lr_status enc_encode(const char *in, size_t n, text_encoding e, lr_buf *out, lr_error *err);

#endif
