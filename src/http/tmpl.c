/*
 * tmpl — mustache-like rendering over a jansson context (see tmpl.h).
 */
#include "http/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 16

typedef struct render {
    const char *name;
    const char *start; /* the whole template, for line numbers */
    const tmpl_env *env;
    int partials; /* nesting of {{>...}} */
    lr_buf *out;
    lr_error *err;
    json_t *stack[DEPTH_MAX];
    int depth;
} render;

lr_status tmpl_escape(lr_buf *out, const char *s)
{
    lr_status st = LR_OK;
    while (*s && st == LR_OK) {
        size_t k = strcspn(s, "&<>\"'");
        st = buf_append(out, s, k);
        s += k;
        if (!*s || st != LR_OK)
            break;
        switch (*s++) {
        case '&': st = buf_puts(out, "&amp;"); break;
        case '<': st = buf_puts(out, "&lt;"); break;
        case '>': st = buf_puts(out, "&gt;"); break;
        case '"': st = buf_puts(out, "&quot;"); break;
        default: st = buf_puts(out, "&#39;"); break;
        }
    }
    return st;
}

static long line_of(const render *r, const char *p)
{
    long line = 1;
    for (const char *q = r->start; q < p; q++)
        line += *q == '\n';
    return line;
}

/* A mistake in the template at `at`: "<what>: <why>". */
static lr_status fail(render *r, const char *at, const char *why, const char *what)
{
    return lr_fail_at(r->err, LR_EINVAL, r->name, line_of(r, at), 0, "%s%s", why, what);
}

/* A field of an object, or an element of an array by its number. */
static json_t *child(json_t *v, const char *seg)
{
    char *end;
    long i;
    if (json_is_object(v))
        return json_object_get(v, seg);
    if (!json_is_array(v) || !*seg)
        return NULL;
    i = strtol(seg, &end, 10);
    return *end || i < 0 ? NULL : json_array_get(v, (size_t)i);
}

/* The value of a dotted name ("a.b", "list.0"): innermost context first.
 * NULL when absent. */
static json_t *lookup(render *r, const char *name)
{
    char head[128];
    const char *dot;
    if (strcmp(name, ".") == 0)
        return r->stack[r->depth - 1];
    dot = strchr(name, '.');
    snprintf(head, sizeof head, "%.*s", dot ? (int)(dot - name) : (int)strlen(name), name);
    for (int i = r->depth - 1; i >= 0; i--) {
        json_t *v = json_object_get(r->stack[i], head);
        if (!v)
            continue;
        while (dot && v) {
            const char *next = strchr(dot + 1, '.');
            snprintf(head, sizeof head, "%.*s", next ? (int)(next - dot - 1) : (int)strlen(dot + 1),
                     dot + 1);
            v = child(v, head);
            dot = next;
        }
        return v;
    }
    return NULL;
}

static int truthy(json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    return 1;
}

static lr_status emit_value(render *r, const char *at, const char *name, json_t *v)
{
    char num[64];
    if (!v)
        return fail(r, at, "no value to show: ", name);
    if (json_is_string(v))
        return tmpl_escape(r->out, json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return buf_puts(r->out, num);
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof num, "%g", json_real_value(v));
        return buf_puts(r->out, num);
    }
    if (json_is_boolean(v))
        return buf_puts(r->out, json_is_true(v) ? "true" : "false");
    if (json_is_null(v))
        return LR_OK;
    return fail(r, at, "a list or an object; use {{#...}} to show it: ", name);
}

/* The end of the section opened as {{#name}} / {{^name}} whose body starts
 * at p: the position of its {{/name}} tag, nested sections skipped. */
static const char *section_end(const char *p, const char *name)
{
    int nest = 0;
    size_t n = strlen(name);
    while ((p = strstr(p, "{{"))) {
        const char *q = p + 2;
        if ((*q == '#' || *q == '^') && strncmp(q + 1, name, n) == 0 && strncmp(q + 1 + n, "}}", 2) == 0)
            nest++;
        else if (*q == '/' && strncmp(q + 1, name, n) == 0 && strncmp(q + 1 + n, "}}", 2) == 0) {
            if (nest == 0)
                return p;
            nest--;
        }
        p += 2;
    }
    return NULL;
}

static lr_status run(render *r, const char *p, const char *end);

static lr_status section(render *r, const char *tag, const char *name, const char *body,
                         const char *close, int inverted)
{
    json_t *v = lookup(r, name);
    lr_status st = LR_OK;
    if (inverted)
        return truthy(v) ? LR_OK : run(r, body, close);
    if (!truthy(v))
        return LR_OK;
    if (r->depth >= DEPTH_MAX)
        return fail(r, tag, "sections nested too deep at ", name);
    if (json_is_array(v)) {
        size_t i;
        json_t *el;
        json_array_foreach(v, i, el) {
            r->stack[r->depth++] = el;
            st = run(r, body, close);
            r->depth--;
            if (st != LR_OK)
                break;
        }
        return st;
    }
    {
        json_t *inner = json_is_object(v) ? v : r->stack[r->depth - 1];
        r->stack[r->depth++] = inner;
    }
    st = run(r, body, close);
    r->depth--;
    return st;
}

static lr_status run(render *r, const char *p, const char *end)
{
    lr_status st = LR_OK;
    while (p < end && st == LR_OK) {
        const char *open = strstr(p, "{{"), *shut;
        char name[128];
        size_t n;
        if (!open || open >= end)
            return buf_append(r->out, p, (size_t)(end - p));
        if ((st = buf_append(r->out, p, (size_t)(open - p))) != LR_OK)
            break;
        shut = strstr(open + 2, "}}");
        if (!shut || shut > end)
            return fail(r, open, "'{{' is not closed", "");
        n = (size_t)(shut - open - 2);
        if (n == 0 || n >= sizeof name)
            return fail(r, open, "an empty or too long tag", "");
        memcpy(name, open + 2, n);
        name[n] = '\0';
        p = shut + 2;
        if (name[0] == '#' || name[0] == '^') {
            const char *close = section_end(p, name + 1);
            if (!close || close > end)
                return fail(r, open, "this section is not closed: ", name);
            st = section(r, open, name + 1, p, close, name[0] == '^');
            p = close + strlen(name + 1) + 5; /* past {{/name}} */
        } else if (name[0] == '/') {
            return fail(r, open, "this tag closes nothing: ", name);
        } else if (name[0] == '@') {
            const char *t = r->env->text ? r->env->text(r->env->text_ctx, name + 1) : NULL;
            if (!t)
                return fail(r, open, "no message in the catalogue for ", name + 1);
            st = tmpl_escape(r->out, t);
        } else if (name[0] == '>') {
            const char *t = r->env->partial ? r->env->partial(r->env->partial_ctx, name + 1) : NULL;
            render sub = *r;
            if (!t)
                return fail(r, open, "no template to include: ", name + 1);
            if (r->partials >= 4)
                return fail(r, open, "templates included too deep at ", name + 1);
            sub.name = name + 1;
            sub.start = t;
            sub.partials++;
            st = run(&sub, t, t + strlen(t));
        } else {
            st = emit_value(r, open, name, lookup(r, name));
        }
    }
    return st;
}

lr_status tmpl_render(const char *name, const char *tmpl, json_t *data, const tmpl_env *env,
                      lr_buf *out, lr_error *err)
{
    render r = {name, tmpl, env, 0, out, err, {data}, 1};
    lr_status st = run(&r, tmpl, tmpl + strlen(tmpl));
    if (st == LR_ENOMEM || st == LR_ETOOBIG)
        return lr_fail(err, st, "the page %s is too large", name);
    return st;
}
