/*
 * text — small checks on UTF-8 strings that several readers share.
 * Pure functions, thread-safe.
 */
#ifndef LR_UTIL_TEXT_H
#define LR_UTIL_TEXT_H

#include <stddef.h>

#include "util/buf.h"

/* Copies s without surrounding spaces and tabs into out; 0 (and out
 * unchanged) when it does not fit in outsz bytes. */
int text_trim_copy(const char *s, char *out, size_t outsz);

/* Copies as much of s (UTF-8) as fits in outsz bytes, cut where a
 * character starts: a bounded copy never ends in half a character (a
 * database that checks its text refuses such a row). */
void text_copy_cut(char *out, size_t outsz, const char *s);

/* s, a database URL or any text holding one, without its passwords, into
 * out (cut to outsz): "postgresql://u:secret@h/db?password=x&sslmode=y"
 * becomes "postgresql://u@h/db?password=(x)&sslmode=y" (libpq takes
 * both forms). For messages and printed settings. */
void text_url_redact(char *out, size_t outsz, const char *s);
/* Non-zero when s holds a C0 control character or DEL. */
int text_has_control(const char *s);

/* Appends s to out with every byte but A-Z a-z 0-9 - . _ ~ percent-encoded
 * ("日" -> "%E6%97%A5"). */
lr_status text_percent_encode(const char *s, lr_buf *out);

#endif
