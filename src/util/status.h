/*
 * status — the one error vocabulary of loginrec.
 *
 * Every fallible function returns an lr_status (LR_OK is 0) and, when a
 * person will read the reason, takes an lr_error * last and fills it with a
 * message and, for input errors, where the problem is (file, line, column,
 * field). An lr_error is a plain value: no allocation, safe to copy, safe to
 * pass NULL when the caller does not want the text.
 */
#ifndef LR_UTIL_STATUS_H
#define LR_UTIL_STATUS_H

#include <stddef.h>

/* printf-style checking of a function's format and arguments: gnu_printf
 * on Windows, where mingw-w64's stdio is C99's (__USE_MINGW_ANSI_STDIO)
 * and plain "printf" would mean Microsoft's. */
#ifdef _WIN32
#define LR_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#define LR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

typedef enum lr_status {
    LR_OK = 0,
    LR_EINVAL,    /* bad input from a person or a client */
    LR_ENOTFOUND, /* a named thing does not exist */
    LR_EEXIST,    /* it exists already (unique key) */
    LR_EAUTH,     /* unknown or wrong credential */
    LR_ETOOBIG,   /* a size limit was passed */
    LR_ENOMEM,
    LR_EIO,    /* file or socket */
    LR_ESTORE, /* the database failed */
    LR_EBUSY,  /* try again later (a lock, a timeout, a lost connection) */
    LR_ECRYPTO,
    LR_ELIMIT, /* too many attempts by this caller: wait, then try again */
    LR_EFULL,  /* the storage is full: nothing was stored; goes on once there is space */
} lr_status;

typedef struct lr_error {
    lr_status code;
    char message[512];
    char file[256]; /* empty when not about a file */
    long line;      /* 0 when unknown */
    long column;    /* 0 when unknown */
} lr_error;

/* Short English name of a status ("invalid input", ...). Static storage. */
const char *lr_status_name(lr_status s);

/* Stable short code of a status ("auth", "io", ...), stored as a reason
 * the admin UI words in the reader's language. Static storage. */
const char *lr_status_code(lr_status s);

/* Fills err (if not NULL) and returns code, so callers can write
 * `return lr_fail(err, LR_EINVAL, "...", ...)`. printf-style message. */
lr_status lr_fail(lr_error *err, lr_status code, const char *fmt, ...)
    LR_PRINTF(3, 4);

/* Like lr_fail, and records where in an input the problem is. */
lr_status lr_fail_at(lr_error *err, lr_status code, const char *file, long line, long column,
                     const char *fmt, ...) LR_PRINTF(6, 7);

void lr_error_clear(lr_error *err);

/* Writes "file:line:column: message" (parts present only) into out. */
void lr_error_format(const lr_error *err, char *out, size_t outsz);

#endif
