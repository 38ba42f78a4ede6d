/*
 * buf — bounded growable buffer (see buf.h).
 */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

void buf_init(lr_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_free(lr_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_reset(lr_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static lr_status grow(lr_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra)
        return LR_ETOOBIG;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return LR_OK;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = realloc(b->data, cap);
    if (!p)
        return LR_ENOMEM;
    b->data = p;
    b->cap = cap;
    return LR_OK;
}

lr_status buf_reserve(lr_buf *b, size_t extra)
{
    return grow(b, extra);
}

lr_status buf_append(lr_buf *b, const void *p, size_t n)
{
    lr_status st = grow(b, n);
    if (st != LR_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return LR_OK;
}

lr_status buf_puts(lr_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

lr_status buf_printf(lr_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    lr_status st;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return LR_EINVAL;
    st = grow(b, (size_t)n);
    if (st != LR_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return LR_OK;
}

const char *buf_str(const lr_buf *b)
{
    return b->data ? b->data : "";
}

lr_status buf_json_string(lr_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    lr_status st = buf_append(b, "\"", 1);
    const char *run = s;
    for (; st == LR_OK && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t n = 2, k;
        if (c >= 0x80 && (k = utf8_char_len((const unsigned char *)s, 4)) > 0) {
            s += k - 1; /* a whole character, as it is */
            continue;
        }
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            continue;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            if (c >= 0x80) { /* not UTF-8: U+FFFD, never a byte that breaks the JSON */
                memcpy(esc + 1, "ufffd", 5);
                n = 6;
                break;
            }
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        st = buf_append(b, run, (size_t)(s - run));
        if (st == LR_OK)
            st = buf_append(b, esc, n);
        run = s + 1;
    }
    if (st == LR_OK)
        st = buf_append(b, run, (size_t)(s - run));
    return st == LR_OK ? buf_append(b, "\"", 1) : st;
}
