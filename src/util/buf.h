/*
 * buf — a growable byte buffer with a hard maximum set at creation
 * (after curl's dynbuf). Used for request bodies, CSV lines and replies.
 * Always NUL-terminated after a successful append. Not thread-safe; one
 * owner at a time. Free with buf_free().
 */
#ifndef LR_UTIL_BUF_H
#define LR_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/status.h"

typedef struct lr_buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* appends that would pass this fail with LR_ETOOBIG */
} lr_buf;

void buf_init(lr_buf *b, size_t max);
void buf_free(lr_buf *b);
void buf_reset(lr_buf *b); /* keep memory, length 0 */
lr_status buf_append(lr_buf *b, const void *p, size_t n);
/* Makes room for `extra` more bytes (and the NUL) so a writer can fill
 * data + len directly; it then sets len and the NUL itself. */
lr_status buf_reserve(lr_buf *b, size_t extra);
lr_status buf_puts(lr_buf *b, const char *s);
lr_status buf_printf(lr_buf *b, const char *fmt, ...) LR_PRINTF(2, 3);
/* s (UTF-8) as a JSON string, quotes included, escaped as jansson's compact
 * output escapes it: for answers written row by row without building a
 * jansson object per row, for the server's error bodies and JSON log
 * lines. A byte that is not part of a well-formed UTF-8 character (which
 * jansson would refuse) becomes \ufffd. */
lr_status buf_json_string(lr_buf *b, const char *s);
/* Contents as a C string ("" when empty); valid until the next change. */
const char *buf_str(const lr_buf *b);

#endif
