/*
 * event_parse — JSON ingest parsing and validation (see event_parse.h).
 */
#include "core/event_parse.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"
#include "util/timefmt.h"

static const char *const sources[] = {"generic", "smarton", "lanscope", "malion", "windows", "linux"};

int event_source_kind(const char *source)
{
    for (int i = 0; i <= LINK_KIND_LAST; i++)
        if (strcmp(source, sources[i]) == 0)
            return i == 0 ? LINK_NONE : i; /* index matches link_kind */
    return -1;
}

const char *link_kind_name(link_kind k)
{
    return (k >= LINK_SMARTON && k <= LINK_KIND_LAST) ? sources[k] : NULL;
}

link_kind link_kind_parse(const char *s)
{
    int k = event_source_kind(s);
    return k > 0 ? (link_kind)k : LINK_NONE;
}

void event_account_normalise(char *a)
{
    char *cut = NULL;
    for (char *p = a; *p; p++) {
        if (*p == '\\')
            cut = p + 1;
        else if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA5) /* ¥ U+00A5 */
            cut = p + 2;
        else if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBF &&
                 (unsigned char)p[2] == 0xA5) /* ￥ U+FFE5 */
            cut = p + 3;
    }
    if (cut)
        memmove(a, cut, strlen(cut) + 1);
}

/* Copies string field `key` of o into dst (size dstsz). Returns 0 on
 * success, writes the reason into why otherwise. Absent optional fields
 * leave dst empty. */
static int take_string(json_t *o, const char *key, int required, char *dst, size_t dstsz,
                       char *why, size_t whysz)
{
    json_t *v = json_object_get(o, key);
    const char *s;
    size_t n;
    dst[0] = '\0';
    if (!v || json_is_null(v)) {
        if (required) {
            snprintf(why, whysz, "'%s' is missing", key);
            return -1;
        }
        return 0;
    }
    if (!json_is_string(v)) {
        snprintf(why, whysz, "'%s' must be a string", key);
        return -1;
    }
    s = json_string_value(v);
    n = json_string_length(v);
    if (n != strlen(s) || text_has_control(s)) {
        snprintf(why, whysz, "'%s' contains control characters", key);
        return -1;
    }
    if (n >= dstsz) {
        snprintf(why, whysz, "'%s' is longer than %zu bytes", key, dstsz - 1);
        return -1;
    }
    memcpy(dst, s, n + 1);
    return 0;
}

static int valid_other_op(const char *op)
{
    if (!*op)
        return 0;
    for (const char *p = op; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
              *p == '.'))
            return 0;
    return 1;
}

/* Validates one element; 0 and a filled event, or -1 and a reason. */
static int parse_one(json_t *o, lr_event *e, char *why, size_t whysz)
{
    static const char *const allowed[] = {"source", "account", "host", "op", "time", "version"};
    const char *key;
    json_t *val;
    char tbuf[64];
    lr_error err;

    if (!json_is_object(o)) {
        snprintf(why, whysz, "each event must be a JSON object");
        return -1;
    }
    json_object_foreach(o, key, val) {
        int ok = 0;
        for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok) {
            snprintf(why, whysz, "unknown field '%.64s' (allowed: source, account, host, op, time, version)",
                     key);
            return -1;
        }
    }
    memset(e, 0, sizeof *e);
    if (take_string(o, "source", 1, e->source, sizeof e->source, why, whysz) ||
        take_string(o, "account", 1, e->account, sizeof e->account, why, whysz) ||
        take_string(o, "host", 0, e->host, sizeof e->host, why, whysz) ||
        take_string(o, "op", 1, e->op, sizeof e->op, why, whysz) ||
        take_string(o, "time", 1, tbuf, sizeof tbuf, why, whysz) ||
        take_string(o, "version", 0, e->version, sizeof e->version, why, whysz))
        return -1;
    if (event_source_kind(e->source) < 0) {
        snprintf(why, whysz, "'source' is '%.32s'; expected lanscope, malion, smarton, windows, linux or generic",
                 e->source);
        return -1;
    }
    event_account_normalise(e->account);
    if (!e->account[0]) {
        snprintf(why, whysz, "'account' is empty");
        return -1;
    }
    if (strcmp(e->op, "logon") != 0 && strcmp(e->op, "logoff") != 0) {
        if (strcasecmp(e->op, "logon") == 0 || strcasecmp(e->op, "logoff") == 0) {
            char lower[LR_OP_MAX + 1];
            size_t i;
            for (i = 0; e->op[i]; i++)
                lower[i] = (char)(e->op[i] | 0x20);
            lower[i] = '\0';
            snprintf(why, whysz, "'op' is '%s'; operations are lower case: did you mean '%s'?", e->op,
                     lower);
            return -1;
        }
        if (!valid_other_op(e->op)) {
            snprintf(why, whysz,
                     "'op' is '%.32s'; expected logon, logoff, or another lower-case name "
                     "(stored, not punched)",
                     e->op);
            return -1;
        }
    }
    if (tf_parse_iso(tbuf, &e->utc, &e->offset_sec, &err) != LR_OK) {
        snprintf(why, whysz, "'time' %s", err.message);
        return -1;
    }
    e->raw = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (!e->raw) {
        snprintf(why, whysz, "out of memory");
        return -1;
    }
    return 0;
}

lr_status event_batch_parse_json(const char *body, size_t len, size_t max_events, const char *name,
                                 lr_event_batch *out, lr_error *err)
{
    json_error_t jerr;
    json_t *root;
    size_t n;
    lr_status st = LR_OK;

    memset(out, 0, sizeof *out);
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return lr_fail_at(err, LR_EINVAL, name, jerr.line, jerr.column, "malformed JSON: %s",
                          jerr.text);
    if (!json_is_array(root)) {
        json_decref(root);
        return lr_fail_at(err, LR_EINVAL, name, 1, 1, "expected a JSON array of events");
    }
    n = json_array_size(root);
    if (n > max_events) {
        json_decref(root);
        return lr_fail(err, LR_ETOOBIG, "%zu events in one request; at most %zu are accepted", n,
                       max_events);
    }
    if (n > 0) {
        out->events = calloc(n, sizeof *out->events);
        out->index = calloc(n, sizeof *out->index);
        out->rejects = calloc(n, sizeof *out->rejects);
        if (!out->events || !out->index || !out->rejects) {
            st = lr_fail(err, LR_ENOMEM, "out of memory parsing %zu events", n);
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        lr_reject *r = &out->rejects[out->nrejects];
        if (parse_one(json_array_get(root, i), &out->events[out->nevents], r->error,
                      sizeof r->error) == 0) {
            out->index[out->nevents++] = i;
        } else {
            r->index = i + 1;
            out->nrejects++;
        }
    }
done:
    json_decref(root);
    if (st != LR_OK)
        event_batch_free(out);
    return st;
}

void event_batch_free(lr_event_batch *b)
{
    for (size_t i = 0; i < b->nevents; i++)
        free(b->events[i].raw);
    free(b->events);
    free(b->index);
    free(b->rejects);
    memset(b, 0, sizeof *b);
}
