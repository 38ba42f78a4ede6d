/*
 * form — application/x-www-form-urlencoded bodies (the admin UI's forms)
 * into name/value pairs: '+' is a space, %XX decoded, each value valid
 * UTF-8 without control characters other than tab and line breaks. Bounded:
 * at most FORM_FIELDS_MAX fields of FORM_VALUE_MAX bytes. Pure.
 */
#ifndef LR_UTIL_FORM_H
#define LR_UTIL_FORM_H

#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

#define FORM_FIELDS_MAX 64
#define FORM_VALUE_MAX (16u * 1024)

typedef struct form_field {
    char *name, *value;
} form_field;

typedef struct form {
    form_field f[FORM_FIELDS_MAX];
    size_t n;
    char *store;                    /* the parsed body the fields point into */
    char *owned[FORM_FIELDS_MAX];   /* fields added one by one (form_add) */
} form;

/* Decodes %XX escapes of s[0..n) into out (room for n + 1; may be s), and
 * '+' as a space when plus_is_space (forms; not headers). Returns the
 * length written (NUL-terminated), or -1 on a bad escape. */
long form_unescape(const char *s, size_t n, int plus_is_space, char *out);

/* Parses body[0..len). On LR_OK free with form_free. */
lr_status form_parse(const char *body, size_t len, form *out, lr_error *err);
void form_free(form *f);

/* Adds a field (copied); a form to fill this way starts zeroed. */
lr_status form_add(form *f, const char *name, const char *value);

/* The value of the first field called name, or NULL. */
const char *form_get(const form *f, const char *name);

/* The first field whose name is not in allowed (NULL-terminated), or NULL. */
const char *form_undeclared(const form *f, const char *const *allowed);

/* Appends the fields with a value as a query string ("a=1&b=%E6%97%A5"),
 * every byte but A-Z a-z 0-9 - . _ ~ percent-encoded, after what out
 * holds ("/logs?"). */
lr_status form_encode(const form *f, lr_buf *out);

#endif
