/*
 * status — formatting and filling of lr_error values (see status.h).
 */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *lr_status_name(lr_status s)
{
    switch (s) {
    case LR_OK: return "ok";
    case LR_EINVAL: return "invalid input";
    case LR_ENOTFOUND: return "not found";
    case LR_EEXIST: return "already exists";
    case LR_EAUTH: return "not authorised";
    case LR_ETOOBIG: return "too large";
    case LR_ENOMEM: return "out of memory";
    case LR_EIO: return "input/output error";
    case LR_ESTORE: return "database error";
    case LR_EBUSY: return "busy";
    case LR_ECRYPTO: return "cryptography error";
    case LR_ELIMIT: return "too many attempts";
    case LR_EFULL: return "storage full";
    }
    return "unknown error";
}

const char *lr_status_code(lr_status s)
{
    switch (s) {
    case LR_OK: return "";
    case LR_EINVAL: return "invalid";
    case LR_ENOTFOUND: return "not_found";
    case LR_EEXIST: return "exists";
    case LR_EAUTH: return "auth";
    case LR_ETOOBIG: return "too_big";
    case LR_ENOMEM: return "no_memory";
    case LR_EIO: return "io";
    case LR_ESTORE: return "store";
    case LR_EBUSY: return "busy";
    case LR_ECRYPTO: return "crypto";
    case LR_ELIMIT: return "limited";
    case LR_EFULL: return "full";
    }
    return "internal";
}

void lr_error_clear(lr_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

/* The one place an lr_error is filled; file NULL when not about a file. */
static lr_status vfail_at(lr_error *err, lr_status code, const char *file, long line, long column,
                          const char *fmt, va_list ap)
{
    if (!err)
        return code;
    lr_error_clear(err);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    if (file)
        snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->column = column;
    return code;
}

lr_status lr_fail(lr_error *err, lr_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(err, code, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

lr_status lr_fail_at(lr_error *err, lr_status code, const char *file, long line, long column,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return code;
}

void lr_error_format(const lr_error *err, char *out, size_t outsz)
{
    size_t n = 0;
    int w;

    if (outsz == 0)
        return;
    out[0] = '\0';
    if (err->file[0]) {
        w = snprintf(out, outsz, "%s:", err->file);
        n = w > 0 ? (size_t)w : 0;
    }
    if (err->line > 0 && n < outsz) {
        w = snprintf(out + n, outsz - n, "%ld:", err->line);
        n += w > 0 ? (size_t)w : 0;
    }
    if (err->column > 0 && n < outsz) {
        w = snprintf(out + n, outsz - n, "%ld:", err->column);
        n += w > 0 ? (size_t)w : 0;
    }
    if (n > 0 && n < outsz) {
        w = snprintf(out + n, outsz - n, " ");
        n += w > 0 ? (size_t)w : 0;
    }
    if (n < outsz)
        snprintf(out + n, outsz - n, "%s", err->message[0] ? err->message : lr_status_name(err->code));
}
