/*
 * utf8 — the one reading of a UTF-8 character, for every check of
 * well-formed text (encoding's, JSON strings' in buf). No I/O, no iconv:
 * the Windows agent links it too.
 */
#ifndef LR_UTIL_UTF8_H
#define LR_UTIL_UTF8_H

#include <stddef.h>

/* The length (1-4) of the well-formed UTF-8 character at p, of the n bytes
 * there; 0 when it is not one: a lone continuation byte, a cut or overlong
 * sequence, a surrogate, past U+10FFFF. Reads no byte past the first one
 * that does not continue the character, so a NUL-terminated string may be
 * passed with n = 4. */
size_t utf8_char_len(const unsigned char *p, size_t n);

#endif
