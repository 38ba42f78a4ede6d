/*
 * tmpl — the admin UI's tiny template language, rendered from a JSON
 * context (jansson). Every value is HTML-escaped: there is no way to write
 * raw HTML from data, so a PC user name like <script> is shown, not run.
 *
 *   {{name}} {{a.b}}        a value (string, number, true/false); a name that
 *                           is not in the context is an error, not ""
 *   {{.}}                   the current element (inside a list of strings)
 *   {{#name}}...{{/name}}   a list: once per element (the element's fields
 *                           first, then the outer context's); an object: once
 *                           inside it; true / non-empty: once; else skipped
 *   {{^name}}...{{/name}}   once when name is missing, false, null, "" or []
 *   {{@key}}                the text of key in the message catalogue of the
 *                           page's language (env->text)
 *   {{>name}}               another template (env->partial), with the same
 *                           context: the page's head and foot
 *
 * Pure: no I/O. Errors name the template, line and what was wrong.
 */
#ifndef LR_HTTP_TMPL_H
#define LR_HTTP_TMPL_H

#include <jansson.h>

#include "util/buf.h"
#include "util/status.h"

typedef struct tmpl_env {
    /* The message of key, or NULL when the catalogue has none. */
    const char *(*text)(void *ctx, const char *key);
    void *text_ctx;
    /* The template called name, or NULL. */
    const char *(*partial)(void *ctx, const char *name);
    void *partial_ctx;
} tmpl_env;

lr_status tmpl_render(const char *name, const char *tmpl, json_t *data, const tmpl_env *env,
                      lr_buf *out, lr_error *err);

/* Appends s with & < > " ' escaped. */
lr_status tmpl_escape(lr_buf *out, const char *s);

#endif
