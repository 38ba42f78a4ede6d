/*
 * malion — the MaLionCloud WebAPI client (see malion.h).
 */
#include "sources/malion.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/curl_call.h"
#include "util/buf.h"

#define ANSWER_MAX (16u * 1024 * 1024)
#define PATH_AUTH "/api/v1/auth"
#define PATH_LOGS "/api/v1/operation-logs"

struct malion_client {
    CURL *curl;
    char base[300];
    char auth[600]; /* "Authorization: Bearer <access token>" */
    long timeout_ms;
};

lr_status malion_check_host(const char *host, lr_error *err)
{
    size_t n = strlen(host), i;
    if (n == 0 || n > 253)
        return lr_fail(err, LR_EINVAL, "the host name must be 1-253 characters "
                                       "(e.g. malioncloud1234.intercom.co.jp)");
    if (strstr(host, "://"))
        return lr_fail(err, LR_EINVAL,
                       "the host name '%.100s' must not have a scheme: write only the host, "
                       "e.g. malioncloud1234.intercom.co.jp",
                       host);
    for (i = 0; i < n && host[i] != ':'; i++) {
        char c = host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return lr_fail(err, LR_EINVAL,
                           "the host name '%.100s' has '%c' in it: only letters, digits, '-' "
                           "and '.' (no path, no spaces)",
                           host, c);
    }
    if (i == 0 || host[0] == '.' || host[0] == '-' || strstr(host, ".."))
        return lr_fail(err, LR_EINVAL, "'%.100s' is not a host name", host);
    if (i < n) {
        char *end;
        long port = strtol(host + i + 1, &end, 10);
        if (port < 1 || port > 65535 || *end)
            return lr_fail(err, LR_EINVAL, "the port in '%.100s' must be 1-65535", host);
    }
    return LR_OK;
}

static int loopback(const char *host)
{
    static const char *const names[] = {"127.0.0.1", "localhost"};
    for (size_t i = 0; i < 2; i++) {
        size_t l = strlen(names[i]);
        if (strncasecmp(host, names[i], l) == 0 && (host[l] == ':' || !host[l]))
            return 1;
    }
    return 0;
}

lr_status malion_client_new(const char *host, long timeout_ms, malion_client **out,
                            lr_error *err)
{
    malion_client *m;
    lr_status st = malion_check_host(host, err);
    if (st != LR_OK)
        return st;
    net_init();
    if (!(m = calloc(1, sizeof *m)) || !(m->curl = curl_easy_init())) {
        free(m);
        return lr_fail(err, LR_ENOMEM, "cannot start an HTTP client");
    }
    snprintf(m->base, sizeof m->base, "%s://%s", loopback(host) ? "http" : "https", host);
    m->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
    *out = m;
    return LR_OK;
}

void malion_client_free(malion_client *m)
{
    if (!m)
        return;
    curl_easy_cleanup(m->curl);
    memset(m->auth, 0, sizeof m->auth);
    free(m);
}

/* One call; *status 0 when no answer came (then err and *why say why). */
static lr_status call(malion_client *m, const char *path, const char *json, lr_buf *body,
                      long *status, malion_failure *why, lr_error *err)
{
    char url[1200], cerr[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = NULL;
    net_opts o = {m->curl, CURLE_OK};
    CURLcode rc;

    snprintf(url, sizeof url, "%s%s", m->base, path);
    curl_easy_reset(m->curl);
    h = curl_slist_append(h, "Accept: application/json");
    if (json)
        h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
    else if (m->auth[0])
        h = curl_slist_append(h, m->auth);
    net_common(&o, url, h, m->timeout_ms, m->timeout_ms < 10000 ? m->timeout_ms : 10000L, body);
    net_opt(&o, CURLOPT_ERRORBUFFER, cerr);
    if (json)
        net_opt(&o, CURLOPT_POSTFIELDS, json);
    rc = o.first != CURLE_OK ? o.first : curl_easy_perform(m->curl);
    curl_slist_free_all(h);
    *status = 0;
    if (rc == CURLE_OK) {
        if (curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, status) != CURLE_OK)
            *status = 0;
        return LR_OK;
    }
    if (o.first != CURLE_OK) {
        *why = MALION_UNREACHABLE;
        return lr_fail(err, LR_EIO, "cannot set the call to %s up: %s", m->base,
                       curl_easy_strerror(rc));
    }
    switch (net_outcome_of(rc)) {
    case NET_TLS:
        *why = MALION_TLS;
        return lr_fail(err, LR_EIO, "TLS with %s failed: %s (is the host name right?)", m->base,
                       cerr[0] ? cerr : curl_easy_strerror(rc));
    case NET_RESOLVE:
        *why = MALION_UNREACHABLE;
        return lr_fail(err, LR_EIO, "the host %s could not be found (DNS): check the host name",
                       m->base + (strncmp(m->base, "https", 5) == 0 ? 8 : 7));
    case NET_TIMEOUT:
        *why = MALION_UNREACHABLE;
        return lr_fail(err, LR_EIO, "%s did not answer within %ld ms", m->base, m->timeout_ms);
    case NET_TOO_BIG:
        *why = MALION_UNREACHABLE;
        return lr_fail(err, LR_EIO, "%s answered more than this client reads at once", m->base);
    default:
        *why = MALION_UNREACHABLE;
        return lr_fail(err, LR_EIO, "%s is unreachable: %s", m->base,
                       cerr[0] ? cerr : curl_easy_strerror(rc));
    }
}

/* The "error" code of a JSON answer, or "". */
static void answer_error(const lr_buf *b, char *out, size_t outsz)
{
    json_t *o = json_loadb(b->data ? b->data : "", b->len, 0, NULL);
    const char *e = json_string_value(json_object_get(o, "error"));
    snprintf(out, outsz, "%s", e ? e : "");
    json_decref(o);
}

lr_status malion_authenticate(malion_client *m, const char *admin_code, const char *secret_code,
                              malion_failure *why, lr_error *err)
{
    json_t *req = json_pack("{s:s, s:s}", "admin_code", admin_code, "secret_code", secret_code);
    char *json = req ? json_dumps(req, JSON_COMPACT) : NULL;
    lr_buf body;
    long status;
    lr_status st;

    json_decref(req);
    *why = MALION_FINE;
    m->auth[0] = '\0';
    if (!json)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    buf_init(&body, ANSWER_MAX);
    st = call(m, PATH_AUTH, json, &body, &status, why, err);
    memset(json, 0, strlen(json)); /* it held the secret code */
    free(json);
    if (st == LR_OK) {
        json_t *o = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
        const char *tok = json_string_value(json_object_get(o, "access_token"));
        if (status == 401 || status == 403) {
            *why = MALION_CREDENTIALS;
            st = lr_fail(err, LR_EAUTH,
                         "MaLion refused the admin code or the secret code (HTTP %ld): check "
                         "them in MaLion's API settings",
                         status);
        } else if (status >= 500 || status == 429) {
            *why = MALION_SERVER;
            st = lr_fail(err, LR_EIO, "MaLion answered HTTP %ld while signing in; trying later",
                         status);
        } else if (status != 200 || !tok || !*tok || strlen(tok) > 500 || strpbrk(tok, "\r\n")) {
            *why = MALION_BAD_ANSWER;
            st = lr_fail(err, LR_EIO,
                         "MaLion's sign-in answer (HTTP %ld) had no access token: is %s a "
                         "MaLionCloud host?",
                         status, m->base);
        } else {
            snprintf(m->auth, sizeof m->auth, "Authorization: Bearer %s", tok);
        }
        json_decref(o);
    }
    buf_free(&body);
    return st;
}

static void copy_str(json_t *o, const char *key, char *out, size_t outsz)
{
    const char *s = json_string_value(json_object_get(o, key));
    snprintf(out, outsz, "%s", s ? s : "");
}

void malion_page_free(malion_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->logs[i].raw);
    free(p->logs);
    memset(p, 0, sizeof *p);
}

lr_status malion_parse_page(const char *body, size_t len, malion_page *out, lr_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je), *logs, *more, *cur;
    size_t n;

    memset(out, 0, sizeof *out);
    if (!root)
        return lr_fail(err, LR_EINVAL, "MaLion's answer is not JSON (line %d: %s)", je.line,
                       je.text);
    logs = json_object_get(root, "logs");
    more = json_object_get(root, "has_more");
    cur = json_object_get(root, "next_cursor");
    if (!json_is_array(logs) || !json_is_boolean(more) || !json_is_string(cur) ||
        json_string_length(cur) >= sizeof out->next_cursor) {
        json_decref(root);
        return lr_fail(err, LR_EINVAL,
                       "MaLion's answer lacks logs, has_more or next_cursor (or has them of "
                       "the wrong type)");
    }
    n = json_array_size(logs);
    if (n > MALION_PAGE_MAX || (n > 0 && !(out->logs = calloc(n, sizeof *out->logs)))) {
        json_decref(root);
        return lr_fail(err, n > MALION_PAGE_MAX ? LR_EINVAL : LR_ENOMEM,
                       "MaLion's page has %zu logs (at most %d are read)", n, MALION_PAGE_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(logs, i), *a = json_object_get(l, "terminal_agent");
        malion_log *g = &out->logs[out->n];
        json_t *id = json_object_get(l, "id");
        if (!json_is_object(l) || !json_is_object(a) || !json_is_string(id) ||
            !json_is_string(json_object_get(l, "time")) ||
            !json_is_string(json_object_get(l, "operation")) ||
            !json_is_string(json_object_get(l, "user"))) {
            malion_page_free(out);
            json_decref(root);
            return lr_fail(err, LR_EINVAL,
                           "MaLion's log %zu of the page lacks id, time, operation, user or "
                           "terminal_agent",
                           i + 1);
        }
        copy_str(l, "id", g->id, sizeof g->id);
        copy_str(l, "time", g->time, sizeof g->time);
        copy_str(l, "operation", g->operation, sizeof g->operation);
        copy_str(l, "user", g->user, sizeof g->user);
        copy_str(a, "id", g->agent_id, sizeof g->agent_id);
        copy_str(a, "name", g->agent_name, sizeof g->agent_name);
        copy_str(a, "version", g->agent_version, sizeof g->agent_version);
        copy_str(a, "attendance_code", g->attendance_code, sizeof g->attendance_code);
        if (!(g->raw = json_dumps(l, JSON_COMPACT | JSON_SORT_KEYS))) {
            malion_page_free(out);
            json_decref(root);
            return lr_fail(err, LR_ENOMEM, "out of memory");
        }
        out->n++;
    }
    snprintf(out->next_cursor, sizeof out->next_cursor, "%s", json_string_value(cur));
    out->has_more = json_is_true(more);
    json_decref(root);
    return LR_OK;
}

lr_status malion_fetch(malion_client *m, const char *cursor, int limit, malion_page *out,
                       malion_failure *why, lr_error *err)
{
    char path[400], *esc;
    lr_buf body;
    long status;
    lr_status st;

    memset(out, 0, sizeof *out);
    *why = MALION_FINE;
    if (!m->auth[0]) {
        *why = MALION_EXPIRED;
        return lr_fail(err, LR_EAUTH, "not signed in to MaLion");
    }
    esc = curl_easy_escape(m->curl, cursor, 0);
    snprintf(path, sizeof path, PATH_LOGS "?cursor=%s&limit=%d", esc ? esc : "",
             limit > 0 && limit <= MALION_PAGE_MAX ? limit : 100);
    curl_free(esc);
    buf_init(&body, ANSWER_MAX);
    st = call(m, path, NULL, &body, &status, why, err);
    if (st == LR_OK) {
        char code[64];
        answer_error(&body, code, sizeof code);
        if (status == 401 || status == 403) {
            *why = strcmp(code, "token_expired") == 0 || strcmp(code, "invalid_token") == 0
                       ? MALION_EXPIRED
                       : MALION_CREDENTIALS;
            st = lr_fail(err, LR_EAUTH, "MaLion refused the access token (%s)",
                         code[0] ? code : "HTTP 401");
        } else if (status >= 500 || status == 429) {
            *why = MALION_SERVER;
            st = lr_fail(err, LR_EIO, "MaLion answered HTTP %ld; trying later", status);
        } else if (status != 200) {
            *why = MALION_BAD_ANSWER;
            st = lr_fail(err, LR_EIO, "MaLion answered HTTP %ld to the log request", status);
        } else if ((st = malion_parse_page(body.data ? body.data : "", body.len, out, err)) !=
                   LR_OK) {
            *why = MALION_BAD_ANSWER;
            st = LR_EIO;
        }
    }
    buf_free(&body);
    return st;
}

const char *malion_op(const char *operation)
{
    if (strcmp(operation, "ログオン") == 0)
        return "logon";
    if (strcmp(operation, "ログオフ") == 0)
        return "logoff";
    return "other";
}
