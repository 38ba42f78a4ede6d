/*
 * agent_config — settings from INI and flags, and their check (see
 * agent_config.h).
 */
#include "agent/agent_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/agent_os.h"
#include "util/company_code.h"
#include "util/ini.h"
#include "util/text.h"
#include "util/token.h"

void agent_config_defaults(agent_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->server, sizeof c->server, "http://127.0.0.1:8080");
    agent_os_state_dir(c->state_dir, sizeof c->state_dir);
    c->rescan_sec = 180;
    c->stable_sec = 5;
    c->retry_max_sec = 300;
    c->timeout_sec = 120;
    snprintf(c->source, sizeof c->source, "lanscope");
}

typedef struct setting {
    const char *name;
    size_t off;
    size_t size; /* 0: an int of seconds */
} setting;

#define STR(field) offsetof(agent_config, field), sizeof(((agent_config *)0)->field)
#define SECS(field) offsetof(agent_config, field), 0

static const setting settings[] = {
    {"company", STR(company)},
    {"token", STR(token)},
    {"watch_dir", STR(watch_dir)},
    {"server", STR(server)},
    {"proxy", STR(proxy)},
    {"proxy_user", STR(proxy_user)},
    {"proxy_password", STR(proxy_password)},
    {"state_dir", STR(state_dir)},
    {"source", STR(source)},
    {"host", STR(host)},
    {"follow", STR(follow)},
    {"rescan_seconds", SECS(rescan_sec)},
    {"stable_seconds", SECS(stable_sec)},
    {"retry_max_seconds", SECS(retry_max_sec)},
    {"timeout_seconds", SECS(timeout_sec)},
};

lr_status agent_config_set(agent_config *c, const char *key, const char *value, lr_error *err)
{
    char name[32];
    size_t i;
    snprintf(name, sizeof name, "%s", key);
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (strcmp(name, settings[i].name) == 0)
            break;
    if (i == sizeof settings / sizeof settings[0])
        return lr_fail(err, LR_ENOTFOUND, "unknown setting '%s'", key);
    if (settings[i].size == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (!*value || *end || v < 1 || v > 86400)
            return lr_fail(err, LR_EINVAL, "%s must be a number of seconds from 1 to 86400, not '%s'",
                           key, value);
        *(int *)((char *)c + settings[i].off) = (int)v;
        return LR_OK;
    }
    if (strlen(value) >= settings[i].size)
        return lr_fail(err, LR_EINVAL, "%s is longer than %zu characters", key,
                       settings[i].size - 1);
    memcpy((char *)c + settings[i].off, value, strlen(value) + 1);
    return LR_OK;
}

static lr_status set_one(void *ctx, const char *name, const char *value, long line,
                         lr_error *why)
{
    (void)line;
    return agent_config_set(ctx, name, value, why);
}

lr_status agent_config_load(agent_config *c, const char *path, lr_error *err)
{
    FILE *f = agent_os_fopen(path, "r");
    lr_status st;
    if (!f)
        return lr_fail(err, LR_EIO, "cannot read the settings file %s: %s", path, strerror(errno));
    st = ini_read(f, path, "agent", set_one, c, err);
    fclose(f);
    return st;
}

typedef struct problems {
    char *out;
    size_t size, len;
    int n;
} problems;

static void problem(problems *pr, const char *fmt, ...) LR_PRINTF(2, 3);

static void problem(problems *pr, const char *fmt, ...)
{
    va_list ap;
    int k;
    pr->n++;
    if (pr->len + 2 >= pr->size)
        return;
    va_start(ap, fmt);
    k = vsnprintf(pr->out + pr->len, pr->size - pr->len - 1, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    pr->len += (size_t)k < pr->size - pr->len - 1 ? (size_t)k : pr->size - pr->len - 2;
    pr->out[pr->len++] = '\n';
    pr->out[pr->len] = '\0';
}

static void check_proxy(const agent_config *c, problems *pr)
{
    const char *colon = strrchr(c->proxy, ':'), *at = strrchr(c->proxy, '@');
    /* as a problem says it: never a user:password written into it */
    const char *shown = at ? at + 1 : c->proxy;
    char *end;
    long port;
    if (!c->proxy[0]) {
        if (c->proxy_user[0] || c->proxy_password[0])
            problem(pr, "a proxy user or password is set but no proxy (--proxy host:port)");
        return;
    }
    if (at)
        problem(pr, "the proxy '%s' must be host:port, without a user or password in it (set "
                    "proxy_user and proxy_password)",
                shown);
    else if (strstr(c->proxy, "://"))
        problem(pr, "the proxy '%s' must be host:port without a scheme (e.g. proxy.example.jp:8080)",
                c->proxy);
    else if (!colon || colon == c->proxy || (port = strtol(colon + 1, &end, 10)) < 1 ||
             port > 65535 || *end)
        problem(pr, "the proxy '%s' must be host:port (e.g. proxy.example.jp:8080)", c->proxy);
    if (!c->proxy_user[0] != !c->proxy_password[0])
        problem(pr, "a proxy with authentication needs both --proxy-user and --proxy-password");
}

static void check_dir(const char *what, const char *path, int create, problems *pr)
{
    char why[300];
    if (!path[0])
        problem(pr, "the %s is not set", what);
    else if (agent_os_check_dir(path, create, why, sizeof why) != 0)
        problem(pr, "the %s %s %s", what, path, why);
}

static int ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcasecmp(name + n - k, suffix) == 0;
}

int agent_source_wants(const char *source, const char *name)
{
    if (name[0] == '.')
        return 0;
    if (strcmp(source, "evtx") == 0)
        return ends_with(name, ".evtx");
    if (strcmp(source, "winlogbeat") == 0)
        return ends_with(name, ".ndjson") || ends_with(name, ".json");
    if (strcmp(source, "journald") == 0)
        return ends_with(name, ".json");
    if (strcmp(source, "wtmp") == 0)
        return strncmp(name, "wtmp", 4) == 0;
    return ends_with(name, ".csv"); /* the LanScope manager writes *.csv */
}

int agent_config_check(const agent_config *c, char *out, size_t outsz)
{
    problems pr = {out, outsz, 0, 0};
    lr_error err;
    char why[300];
    out[0] = '\0';
    if (!c->company[0])
        problem(&pr, "the company code is not set (--company: the first 3 or 6 characters of "
                     "your KING OF TIME login ID)");
    else if (company_code_check(c->company, &err) != LR_OK)
        problem(&pr, "%s (the first 3 or 6 characters of your KING OF TIME login ID)",
                err.message);
    if (!c->token[0])
        problem(&pr, "the access token is not set (--token: 32 letters and digits, from "
                     "'loginrec company token CODE --lanscope')");
    else if (!token_well_formed(c->token, LR_LANSCOPE_TOKEN_LEN))
        problem(&pr, "the access token must be %d letters and digits; this one has %zu "
                     "characters%s",
                LR_LANSCOPE_TOKEN_LEN, strlen(c->token),
                strlen(c->token) == LR_LANSCOPE_TOKEN_LEN ? " and something else in it" : "");
    if (strncmp(c->server, "http://", 7) != 0 && strncmp(c->server, "https://", 8) != 0)
        problem(&pr, "the server '%s' must be a URL starting with https:// (or http://)",
                c->server);
    check_proxy(c, &pr);
    if (strcmp(c->source, "lanscope") != 0 && strcmp(c->source, "evtx") != 0 &&
        strcmp(c->source, "winlogbeat") != 0 && strcmp(c->source, "journald") != 0 &&
        strcmp(c->source, "wtmp") != 0)
        problem(&pr, "the source '%s' is not one loginrec reads: lanscope, evtx, winlogbeat, "
                     "journald or wtmp",
                c->source);
    else if (strcmp(c->source, "wtmp") == 0 && !c->host[0])
        problem(&pr, "a wtmp folder needs the PC's name (--host): a wtmp file does not say it");
    if (c->follow[0] && strcmp(c->source, "wtmp") != 0)
        problem(&pr, "follow sends a growing wtmp file: set source = wtmp (and host)");
    else if (c->follow[0] && agent_os_check_readable(c->follow, why, sizeof why) != 0)
        problem(&pr, "the file to follow %s cannot be read: %s", c->follow, why);
    if (!c->follow[0])
        check_dir("watch folder", c->watch_dir, 0, &pr);
    check_dir("state folder", c->state_dir, 1, &pr);
    return pr.n;
}
