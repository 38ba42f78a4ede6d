/*
 * form — urlencoded form bodies (see form.h).
 */
#include "util/form.h"

#include <stdlib.h>
#include <string.h>

#include "util/encoding.h"
#include "util/text.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long form_unescape(const char *s, size_t n, int plus_is_space, char *out)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+' && plus_is_space) {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return -1;
            out[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return (long)j;
}

static int clean(const char *s, size_t n)
{
    size_t bad;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
            return 0;
    }
    return enc_utf8_valid(s, n, &bad);
}

lr_status form_parse(const char *body, size_t len, form *out, lr_error *err)
{
    char *p, *end;
    memset(out, 0, sizeof *out);
    if (!(out->store = malloc(len + 1)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    memcpy(out->store, body, len);
    out->store[len] = '\0';
    p = out->store;
    end = p + len;
    while (p < end) {
        char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
        char *stop = amp ? amp : end;
        long nn, nv;
        if (stop == p) {
            p++;
            continue;
        }
        if (out->n == FORM_FIELDS_MAX) {
            form_free(out);
            return lr_fail(err, LR_ETOOBIG, "more than %d form fields", FORM_FIELDS_MAX);
        }
        eq = memchr(p, '=', (size_t)(stop - p));
        nn = form_unescape(p, (size_t)((eq ? eq : stop) - p), 1, p);
        nv = eq ? form_unescape(eq + 1, (size_t)(stop - eq - 1), 1, eq + 1) : 0;
        if (nn <= 0 || nv < 0 || !clean(p, (size_t)nn) || (eq && !clean(eq + 1, (size_t)nv))) {
            form_free(out);
            return lr_fail(err, LR_EINVAL, "a form field is malformed (bad escape, control "
                                           "character or not UTF-8)");
        }
        if ((size_t)nv > FORM_VALUE_MAX) {
            /* the message quotes the name, which lives in what form_free releases */
            lr_fail(err, LR_ETOOBIG, "the form field '%.40s' is longer than %u bytes", p,
                    FORM_VALUE_MAX);
            form_free(out);
            return LR_ETOOBIG;
        }
        out->f[out->n].name = p;
        out->f[out->n].value = eq ? eq + 1 : stop; /* "" when there was no '=' */
        if (!eq)
            *stop = '\0';
        out->n++;
        p = stop + 1;
    }
    return LR_OK;
}

lr_status form_add(form *f, const char *name, const char *value)
{
    size_t nn = strlen(name), nv = strlen(value);
    char *block;
    if (f->n == FORM_FIELDS_MAX || nv > FORM_VALUE_MAX)
        return LR_ETOOBIG;
    if (!(block = malloc(nn + nv + 2)))
        return LR_ENOMEM;
    memcpy(block, name, nn + 1);
    memcpy(block + nn + 1, value, nv + 1);
    f->owned[f->n] = block;
    f->f[f->n].name = block;
    f->f[f->n].value = block + nn + 1;
    f->n++;
    return LR_OK;
}

void form_free(form *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->owned[i]);
    free(f->store);
    memset(f, 0, sizeof *f);
}

const char *form_get(const form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->f[i].name, name) == 0)
            return f->f[i].value;
    return NULL;
}

const char *form_undeclared(const form *f, const char *const *allowed)
{
    for (size_t i = 0; i < f->n; i++) {
        const char *const *a = allowed;
        while (*a && strcmp(*a, f->f[i].name) != 0)
            a++;
        if (!*a)
            return f->f[i].name;
    }
    return NULL;
}

lr_status form_encode(const form *f, lr_buf *out)
{
    int first = 1;
    for (size_t i = 0; i < f->n; i++) {
        const char *parts[2] = {f->f[i].name, f->f[i].value};
        if (!f->f[i].value[0])
            continue;
        if (!first && buf_puts(out, "&") != LR_OK)
            return LR_ENOMEM;
        first = 0;
        for (int k = 0; k < 2; k++)
            if ((k && buf_puts(out, "=") != LR_OK) || text_percent_encode(parts[k], out) != LR_OK)
                return LR_ENOMEM;
    }
    return LR_OK;
}
