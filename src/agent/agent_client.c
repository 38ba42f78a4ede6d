/*
 * agent_client — uploads and --check calls, and how their answers are
 * sorted (see agent_client.h).
 */
#include "agent/agent_client.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/agent_os.h"
#include "util/text.h"

#define REPLY_MAX (64u * 1024)

void agent_client_init(void)
{
    agent_os_init();
}

/* What the server said about the refusal: "line 3, column 23: why". */
static void server_reason(const agent_answer *a, char *out, size_t outsz)
{
    json_t *o = json_loadb(buf_str(&a->body), a->body.len, 0, NULL);
    const char *msg = o ? json_string_value(json_object_get(o, "error")) : NULL;
    json_int_t line = o ? json_integer_value(json_object_get(o, "line")) : 0;
    json_int_t col = o ? json_integer_value(json_object_get(o, "column")) : 0;
    if (!msg)
        snprintf(out, outsz, "the server gave no reason");
    else if (line > 0)
        snprintf(out, outsz, "line %lld, column %lld: %s", (long long)line, (long long)col, msg);
    else
        snprintf(out, outsz, "%s", msg);
    json_decref(o);
}

/* Whether the answer is loginrecd's own JSON (not a proxy's page). */
static int from_loginrecd(const agent_answer *a)
{
    json_t *o = json_loadb(buf_str(&a->body), a->body.len, 0, NULL);
    int ours = json_is_object(o);
    json_decref(o);
    return ours;
}

static long count_of(json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

static void read_counts(const agent_answer *a, agent_reply *r)
{
    json_t *o = json_loadb(buf_str(&a->body), a->body.len, 0, NULL);
    json_t *f = json_object_get(o, "file");
    const char *name = json_string_value(json_object_get(o, "name"));
    r->rows = count_of(f, "rows");
    r->accepted = count_of(o, "accepted");
    r->duplicates = count_of(o, "duplicates");
    r->unlinked = count_of(o, "unlinked");
    r->ignored = count_of(f, "ignored_system") + count_of(f, "ignored_kind");
    snprintf(r->company_name, sizeof r->company_name, "%s", name ? name : "");
    json_decref(o);
}

static void set(agent_reply *r, agent_outcome oc, const char *fmt, ...)
    LR_PRINTF(3, 4);

static void set(agent_reply *r, agent_outcome oc, const char *fmt, ...)
{
    va_list ap;
    r->outcome = oc;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

/* Sorts a call's result into an outcome with its reason. */
static void classify(const agent_config *c, const agent_answer *a, agent_reply *r)
{
    const int proxied = c->proxy[0] != '\0';
    const long status = a->status;
    agent_net net = a->net;
    r->http_status = (int)status;
    if (status >= 300)
        net = AGENT_NET_ANSWERED; /* the answer's status is known even if the connection broke
                                     after it (tinyproxy resets a refused request's upload) */
    switch (net) {
    case AGENT_NET_ANSWERED:
        break;
    case AGENT_NET_RESOLVE_PROXY:
        set(r, AGENT_RETRY, "the proxy host in '%s' could not be found (DNS)", c->proxy);
        return;
    case AGENT_NET_RESOLVE:
        set(r, AGENT_RETRY, "the server's host name in %s could not be found (DNS)", c->server);
        return;
    case AGENT_NET_CONNECT:
        if (proxied)
            set(r, AGENT_RETRY, "could not connect to the proxy %s: is it running? (%s)", c->proxy,
                a->message);
        else
            set(r, AGENT_RETRY, "could not connect to the server %s: is loginrecd running? (%s)",
                c->server, a->message);
        return;
    case AGENT_NET_TIMEOUT:
        set(r, AGENT_RETRY, "no answer from %s within %d seconds", proxied ? c->proxy : c->server,
            c->timeout_sec);
        return;
    case AGENT_NET_TLS:
        set(r, AGENT_SETTINGS, "TLS with %s failed: %s", c->server, a->message);
        return;
    default:
        set(r, AGENT_RETRY, "the connection to %s failed: %s", proxied ? c->proxy : c->server,
            a->message);
        return;
    }
    if (status >= 200 && status < 300) {
        r->outcome = AGENT_OK;
        r->why[0] = '\0';
        read_counts(a, r);
        return;
    }
    if (status == 407 || (status == 401 && proxied && strcasecmp(a->www_auth, "Bearer") != 0)) {
        /* some proxies (tinyproxy) answer wrong credentials with 401 */
        if (c->proxy_user[0])
            set(r, AGENT_SETTINGS, "the proxy %s refused the user name or password (HTTP %ld)",
                c->proxy, status);
        else
            set(r, AGENT_SETTINGS,
                "the proxy %s asks for a user name and password (--proxy-user, --proxy-password)",
                c->proxy);
        return;
    }
    if (status == 401) {
        set(r, AGENT_SETTINGS,
            "the server refused the company code %s or the access token: compare them with the "
            "token 'loginrec company token %s --lanscope' issued",
            c->company, c->company);
        return;
    }
    if (status == 404 || status == 405) {
        set(r, AGENT_SETTINGS, "%s answered HTTP %ld: is that the address of loginrecd?", c->server,
            status);
        return;
    }
    if (status == 408 || status == 429 || status >= 500) {
        char reason[400];
        if (proxied && !from_loginrecd(a))
            set(r, AGENT_RETRY, "the proxy %s answered HTTP %ld: it could not reach the server %s",
                c->proxy, status, c->server);
        else if (server_reason(a, reason, sizeof reason), from_loginrecd(a))
            set(r, AGENT_RETRY, "the server answered HTTP %ld: %s", status, reason);
        else
            set(r, AGENT_RETRY, "the server answered HTTP %ld", status);
        return;
    }
    {
        char reason[500];
        server_reason(a, reason, sizeof reason);
        set(r, AGENT_REFUSED, "refused (HTTP %ld): %s", status, reason);
    }
}

/* One request; body NULL for a GET. */
static void call(const agent_config *c, const char *path, const char *name, const char *body,
                 size_t n, agent_reply *r)
{
    static agent_answer a; /* one call at a time in the agent */
    char url[700], hdr[7][400];
    const char *headers[8];
    size_t ulen = strlen(c->server), k = 0;
    agent_http req = {url, headers, body, n, c->proxy, c->proxy_user, c->proxy_password,
                      c->timeout_sec * 1000};

    memset(r, 0, sizeof *r);
    buf_free(&a.body);
    memset(&a, 0, sizeof a);
    buf_init(&a.body, REPLY_MAX);
    while (ulen > 0 && c->server[ulen - 1] == '/')
        ulen--;
    snprintf(url, sizeof url, "%.*s%s", (int)ulen, c->server, path);
    snprintf(hdr[0], sizeof hdr[0], "Authorization: Bearer %s", c->token);
    snprintf(hdr[1], sizeof hdr[1], "X-Loginrec-Company: %s", c->company);
    snprintf(hdr[2], sizeof hdr[2], "X-Loginrec-Agent-Version: loginrec-agent/%s", LR_VERSION);
    for (int i = 0; i < 3; i++)
        headers[k++] = hdr[i];
    if (body) {
        int lanscope = strcmp(c->source, "lanscope") == 0;
        lr_buf esc;
        buf_init(&esc, 300);
        if (text_percent_encode(name, &esc) != LR_OK)
            buf_reset(&esc);
        snprintf(hdr[3], sizeof hdr[3], "X-Loginrec-File: %s", esc.len ? buf_str(&esc) : "upload");
        buf_free(&esc);
        snprintf(hdr[4], sizeof hdr[4], "X-Loginrec-Source: %s", c->source);
        snprintf(hdr[5], sizeof hdr[5], "X-Loginrec-Host: %s", c->host);
        snprintf(hdr[6], sizeof hdr[6], "Content-Type: %s",
                 lanscope ? "text/csv"
                 : strcmp(c->source, "evtx") == 0 || strcmp(c->source, "wtmp") == 0
                     ? "application/octet-stream"
                     : "application/x-ndjson");
        headers[k++] = hdr[3];
        headers[k++] = hdr[6];
        headers[k++] = hdr[4];
        if (c->host[0])
            headers[k++] = hdr[5];
    }
    headers[k] = NULL;
    agent_os_http(&req, &a);
    classify(c, &a, r);
    memset(hdr[0], 0, sizeof hdr[0]);
}

void agent_upload(const agent_config *c, const char *name, const char *bytes, size_t n,
                  agent_reply *r)
{
    call(c, "/api/v1/ingest", name, bytes ? bytes : "", n, r);
    if (r->outcome == AGENT_RETRY && r->http_status == 0 && c->proxy[0]) {
        /* Some proxies drop the connection instead of answering a request
         * with a body they refuse (tinyproxy on a wrong password, or when
         * the server is down): ask again without one to learn why. */
        agent_reply probe;
        call(c, "/api/v1/whoami", NULL, NULL, 0, &probe);
        if (probe.outcome != AGENT_OK) {
            r->outcome = probe.outcome;
            r->http_status = probe.http_status;
            memcpy(r->why, probe.why, sizeof r->why);
        }
    }
}

void agent_whoami(const agent_config *c, agent_reply *r)
{
    call(c, "/api/v1/whoami", NULL, NULL, 0, r);
}
