/*
 * winlogbeat — Winlogbeat / ECS JSON records (see winlogbeat.h). Each
 * object is read with jansson; its fields go through win_record's table.
 */
#include "sources/winlogbeat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"

typedef struct reader {
    const char *what;
    long where; /* the line (NDJSON) or the element (array), from 1 */
    int array;
    win_record_fn fn;
    void *ctx;
    win_stats *stats;
} reader;

static lr_status bad(const reader *rd, lr_error *err, const char *field, const char *why)
{
    return lr_fail_at(err, LR_EINVAL, rd->what, rd->array ? 0 : rd->where, 0, "%s%ld: %s: %s",
                      rd->array ? "record " : "line ", rd->where, field, why);
}

static json_t *path(json_t *o, const char *a, const char *b)
{
    json_t *x = json_object_get(o, a);
    return b ? json_object_get(x, b) : x;
}

/* A number, or a string holding one (shippers write both). */
static int get_int(json_t *v, long long *out)
{
    char *end;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (!json_is_string(v) || json_string_length(v) == 0)
        return 0;
    *out = strtoll(json_string_value(v), &end, 10);
    return *end == '\0';
}

static const char *get_text(json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static lr_status one_record(reader *rd, json_t *o, const char *raw, size_t rawlen, lr_error *err)
{
    win_record r;
    json_t *data, *v;
    const char *ts, *channel, *provider, *host;
    long long id, record_id;
    int off;
    const char *key;
    lr_error why;

    if (!json_is_object(o))
        return bad(rd, err, "record", "expected a JSON object");
    rd->stats->records++;
    win_record_init(&r);
    if (!(ts = get_text(json_object_get(o, "@timestamp"))))
        return bad(rd, err, "@timestamp", "missing (an ISO 8601 time with an offset)");
    if (tf_parse_iso(ts, &r.e.utc, &off, &why) != LR_OK)
        return bad(rd, err, "@timestamp", why.message);
    if (!get_int(path(o, "winlog", "event_id"), &id) || id < 0 || id > 65535)
        return bad(rd, err, "winlog.event_id", "missing or not an event id");
    r.e.event_id = (int)id;
    if (!(channel = get_text(path(o, "winlog", "channel"))))
        return bad(rd, err, "winlog.channel", "missing (Security, System or ForwardedEvents)");
    if (!win_channel_known(channel))
        return bad(rd, err, "winlog.channel",
                   "not a log loginrec reads (Security, System or ForwardedEvents)");
    provider = get_text(path(o, "winlog", "provider_name"));
    if (!provider && strcmp(channel, "Security") == 0)
        provider = WIN_PROVIDER_SECURITY;
    if (!provider)
        return bad(rd, err, "winlog.provider_name", "missing");
    host = get_text(path(o, "winlog", "computer_name"));
    if (!host || !host[0])
        host = get_text(path(o, "host", "name"));
    if (!host || !host[0])
        return bad(rd, err, "winlog.computer_name", "missing (and no host.name)");
    win_record_set_system(&r, channel, provider, host);
    if (!get_int(path(o, "winlog", "record_id"), &record_id) || record_id < 0)
        return bad(rd, err, "winlog.record_id", "missing or not a number");
    r.record_id = record_id;
    if (!win_record_wanted(&r)) {
        rd->stats->ignored_kind++;
        return LR_OK;
    }
    data = path(o, "winlog", "event_data");
    if (data && !json_is_object(data))
        return bad(rd, err, "winlog.event_data", "expected an object");
    json_object_foreach(data, key, v) {
        char field[160];
        if (!json_is_string(v))
            continue;
        if (win_record_set(&r, key, json_string_value(v), json_string_length(v), &why) != LR_OK) {
            snprintf(field, sizeof field, "winlog.event_data.%s", key);
            return bad(rd, err, field, why.message);
        }
    }
    /* the security module's pipeline moves the target user to user.* */
    if (!(r.seen & WR_USER) && (v = path(o, "user", "name")) && json_is_string(v))
        win_record_set(&r, "TargetUserName", json_string_value(v), json_string_length(v), NULL);
    if (!(r.seen & WR_SID) && (v = path(o, "user", "id")) && json_is_string(v))
        win_record_set(&r, "TargetUserSid", json_string_value(v), json_string_length(v), NULL);
    if ((key = win_record_missing(&r))) {
        char field[160];
        snprintf(field, sizeof field, "winlog.event_data.%s", key);
        return bad(rd, err, field, "missing");
    }
    if (r.seen & WR_USER && win_account_is_system(r.user) && r.e.event_id >= 4624) {
        rd->stats->ignored_system++;
        return LR_OK;
    }
    r.e.id = r.record_id;
    rd->stats->wanted++;
    return rd->fn(rd->ctx, &r, raw, rawlen, err);
}

static lr_status parse_array(reader *rd, const char *bytes, size_t n, lr_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(bytes, n, 0, &jerr), *o;
    size_t i;
    lr_status st = LR_OK;
    if (!root)
        return lr_fail_at(err, LR_EINVAL, rd->what, jerr.line, jerr.column,
                          "not a JSON array of records: %s", jerr.text);
    rd->array = 1;
    json_array_foreach(root, i, o) {
        char *raw = json_dumps(o, JSON_COMPACT);
        rd->where = (long)i + 1;
        if (!raw) {
            st = lr_fail(err, LR_ENOMEM, "out of memory");
            break;
        }
        st = one_record(rd, o, raw, strlen(raw), err);
        free(raw);
        if (st != LR_OK)
            break;
    }
    json_decref(root);
    return st;
}

static lr_status parse_lines(reader *rd, const char *bytes, size_t n, lr_error *err)
{
    size_t pos = 0;
    while (pos < n) {
        const char *line = bytes + pos, *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        json_error_t jerr;
        json_t *o;
        lr_status st;
        pos += len + (nl ? 1 : 0);
        rd->where++;
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        if (len == 0)
            continue;
        if (!(o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)))
            return lr_fail_at(err, LR_EINVAL, rd->what, rd->where, jerr.column,
                              "line %ld: not a JSON object: %s", rd->where, jerr.text);
        st = one_record(rd, o, line, len, err);
        json_decref(o);
        if (st != LR_OK)
            return st;
    }
    return LR_OK;
}

lr_status winlogbeat_parse(const char *what, const char *bytes, size_t n, win_record_fn fn,
                           void *ctx, win_stats *stats, lr_error *err)
{
    reader rd = {what, 0, 0, fn, ctx, stats};
    size_t bom = n >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, i = bom;
    memset(stats, 0, sizeof *stats);
    while (i < n && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n'))
        i++;
    if (i < n && bytes[i] == '[')
        return parse_array(&rd, bytes + i, n - i, err);
    return parse_lines(&rd, bytes + bom, n - bom, err);
}
