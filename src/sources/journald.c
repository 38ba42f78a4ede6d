/*
 * journald — `journalctl -o json` lines into login records (see
 * journald.h).
 */
#include "sources/journald.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_SESSION_START "8d45620c1a4348dbb17410da57c60c66"
#define ID_SESSION_STOP "3354939424b4456d9802ca8333ed424a"
#define ID_SHUTDOWN "98268866d1d54a499c4e98921d93bc40"
#define HOSTS_MAX 64

/* Where each host's boot stands: its boot id and its last line. */
typedef struct host_boot {
    char host[LR_HOST_MAX + 1];
    char boot[40];
    int64_t last_utc;
    long last_line;
} host_boot;

typedef struct reader {
    const char *what;
    long line;
    wtmp_fn fn;
    void *ctx;
    journald_stats *stats;
    host_boot hosts[HOSTS_MAX];
    size_t nhosts;
} reader;

static lr_status bad(const reader *rd, lr_error *err, const char *field, const char *why)
{
    return lr_fail_at(err, LR_EINVAL, rd->what, rd->line, 0, "line %ld: %s: %s", rd->line, field,
                      why);
}

static const char *text(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void copy(char *dst, size_t dstsz, const char *src)
{
    snprintf(dst, dstsz, "%s", src ? src : "");
}

static lr_status emit(reader *rd, unix_kind kind, const char *host, int64_t utc, long id,
                      const char *line, const char *user, lr_error *err)
{
    wtmp_record w;
    memset(&w, 0, sizeof w);
    copy(w.line, sizeof w.line, line);
    copy(w.user, sizeof w.user, user);
    copy(w.host, sizeof w.host, host);
    w.r = (unix_record){id, utc, kind, w.host, w.line, w.user, w.from};
    if (kind == UNIX_SIGN)
        rd->stats->signs++;
    else
        rd->stats->sessions++;
    return rd->fn(rd->ctx, &w, err);
}

/* "New session 3 of user tarouk." -> tarouk */
static void user_of_message(const char *msg, char *out, size_t outsz)
{
    const char *p = msg ? strstr(msg, " of user ") : NULL;
    size_t n;
    out[0] = '\0';
    if (!p)
        return;
    p += 9;
    n = strcspn(p, ".");
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static lr_status one_line(reader *rd, json_t *o, lr_error *err)
{
    const char *ts = text(o, "__REALTIME_TIMESTAMP"), *host = text(o, "_HOSTNAME");
    const char *id = text(o, "MESSAGE_ID"), *boot = text(o, "_BOOT_ID");
    char *end, user[WTMP_USER_MAX + 1], line[WTMP_LINE_MAX + 1];
    long long us;
    int64_t utc;
    host_boot *h = NULL;
    lr_status st = LR_OK;

    if (!json_is_object(o))
        return bad(rd, err, "line", "expected a JSON object (journalctl -o json)");
    rd->stats->lines++;
    if (!ts)
        return bad(rd, err, "__REALTIME_TIMESTAMP", "missing (journalctl -o json writes it)");
    us = strtoll(ts, &end, 10);
    if (*end || us < 631152000000000LL || us >= 4102444800000000LL)
        return bad(rd, err, "__REALTIME_TIMESTAMP",
                   "expected microseconds since 1970 between 1990 and 2100");
    utc = (int64_t)(us / 1000000);
    if (!host || !host[0])
        return bad(rd, err, "_HOSTNAME", "missing");
    for (size_t i = 0; i < rd->nhosts; i++)
        if (strcmp(rd->hosts[i].host, host) == 0)
            h = &rd->hosts[i];
    if (!h) {
        if (rd->nhosts == HOSTS_MAX)
            return bad(rd, err, "_HOSTNAME", "more than 64 PCs in one file: send one journal a PC");
        h = &rd->hosts[rd->nhosts++];
        memset(h, 0, sizeof *h);
        copy(h->host, sizeof h->host, host);
    }
    /* a new boot: the line before it was the last sign of life */
    if (boot && h->boot[0] && strcmp(h->boot, boot) != 0) {
        if ((st = emit(rd, UNIX_SIGN, h->host, h->last_utc, h->last_line, "~", "", err)) != LR_OK ||
            (st = emit(rd, UNIX_BOOT, h->host, utc, rd->line, "~", "", err)) != LR_OK)
            return st;
    }
    if (boot)
        copy(h->boot, sizeof h->boot, boot);
    h->last_utc = utc;
    h->last_line = rd->line;
    if (!id)
        return LR_OK;
    if (strcmp(id, ID_SHUTDOWN) == 0)
        return emit(rd, UNIX_SHUTDOWN, h->host, utc, rd->line, "~", "", err);
    if (strcmp(id, ID_SESSION_START) != 0 && strcmp(id, ID_SESSION_STOP) != 0)
        return LR_OK;
    if (!text(o, "SESSION_ID") || !text(o, "SESSION_ID")[0])
        return bad(rd, err, "SESSION_ID", "missing in a logind session message");
    snprintf(line, sizeof line, "session-%.23s", text(o, "SESSION_ID"));
    copy(user, sizeof user, text(o, "USER_ID"));
    if (!user[0])
        user_of_message(text(o, "MESSAGE"), user, sizeof user);
    if (strcmp(id, ID_SESSION_STOP) == 0)
        return emit(rd, UNIX_LOGOUT, h->host, utc, rd->line, line, user, err);
    if (!user[0])
        return bad(rd, err, "USER_ID", "missing in a new session's message (and MESSAGE names no user)");
    return emit(rd, UNIX_LOGIN, h->host, utc, rd->line, line, user, err);
}

lr_status journald_parse(const char *what, const char *bytes, size_t n, wtmp_fn fn, void *ctx,
                         journald_stats *stats, lr_error *err)
{
    reader *rd = calloc(1, sizeof *rd);
    size_t pos = 0;
    lr_status st = LR_OK;
    memset(stats, 0, sizeof *stats);
    if (!rd)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    *rd = (reader){.what = what, .fn = fn, .ctx = ctx, .stats = stats};
    while (st == LR_OK && pos < n) {
        const char *line = bytes + pos, *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        json_error_t jerr;
        json_t *o;
        pos += len + (nl ? 1 : 0);
        rd->line++;
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        if (len == 0)
            continue;
        if (!(o = json_loadb(line, len, 0, &jerr))) {
            st = lr_fail_at(err, LR_EINVAL, what, rd->line, jerr.column,
                            "line %ld: not JSON (journalctl -o json writes one object a line): %s",
                            rd->line, jerr.text);
            break;
        }
        st = one_line(rd, o, err);
        json_decref(o);
    }
    free(rd);
    return st;
}
