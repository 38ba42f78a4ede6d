/*
 * server — libmicrohttpd glue (see server.h).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <sodium.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/metrics.h"

struct http_server {
    struct MHD_Daemon *d;
    http_app *app;
    int port;
    struct sockaddr_storage addr; /* where a probe reaches it (a wildcard made loopback) */
};

typedef struct conn_state {
    http_request rq;
    int too_big;
    char request_id[40]; /* X-Request-Id: the client's (a proxy's), else ours */
} conn_state;

/* The request's id: a well-formed X-Request-Id a proxy or client sent
 * (1-36 letters, digits, '-', '_', '.'), else 16 random hex characters. */
static void request_id(struct MHD_Connection *c, char *out, size_t outsz)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    size_t n = h ? strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") : 0;
    unsigned char r[8];
    if (h && n > 0 && n <= 36 && h[n] == '\0' && n < outsz) {
        memcpy(out, h, n + 1);
        return;
    }
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(out, outsz, r, sizeof r);
}

const char *http_header(const http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct param_check {
    const char *const *allowed;
    const char *bad;
} param_check;

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    param_check *pc = cls;
    (void)kind;
    (void)value;
    for (const char *const *a = pc->allowed; *a; a++)
        if (strcmp(*a, key) == 0)
            return MHD_YES;
    pc->bad = key;
    return MHD_NO;
}

const char *http_undeclared_query(const http_request *rq, const char *const *allowed)
{
    param_check pc = {allowed, NULL};
    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    return pc.bad;
}

const char *http_cookie(const http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

void http_client_ip(const http_request *rq, char *out, size_t outsz)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, outsz, "-");
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
                  (socklen_t)outsz);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
                  (socklen_t)outsz);
}

void http_set_cookie(const http_app *app, http_response *rs, const char *name, const char *value,
                     long max_age)
{
    for (int i = 0; i < 3; i++) {
        if (rs->cookies[i][0])
            continue;
        snprintf(rs->cookies[i], sizeof rs->cookies[i],
                 "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", name, value, max_age,
                 app->secure_cookies ? "; Secure" : "");
        return;
    }
}

void http_error(http_response *rs, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rs->status = status;
    rs->content_type = "application/json; charset=utf-8";
    buf_reset(&rs->body);
    /* messages are ours, but may quote input: escape for JSON */
    buf_puts(&rs->body, "{\"error\":");
    buf_json_string(&rs->body, msg);
    buf_puts(&rs->body, "}\n");
}

static enum MHD_Result send_reply(struct MHD_Connection *c, http_response *rs, const char *id)
{
    /* the body's memory goes to libmicrohttpd, which frees it once sent: no
     * copy of it (perf showed a read answered from the cache spending a
     * quarter of its time in memmove) */
    struct MHD_Response *r = MHD_create_response_from_buffer(
        rs->body.len, rs->body.len ? rs->body.data : (void *)"", rs->body.len ? MHD_RESPMEM_MUST_FREE
                                                                         : MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ok;
    if (!r)
        return MHD_NO;
    if (rs->body.len)
        buf_init(&rs->body, 0); /* detached: MHD owns it now */
    MHD_add_response_header(r, "Content-Type",
                            rs->content_type ? rs->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Request-Id", id);
    MHD_add_response_header(r, "Cache-Control", rs->cache_control ? rs->cache_control : "no-store");
    if (rs->etag[0]) {
        MHD_add_response_header(r, "ETag", rs->etag);
        MHD_add_response_header(r, "X-Cache", rs->cache_hit ? "hit" : "miss");
    }
    if (rs->www_authenticate)
        MHD_add_response_header(r, "WWW-Authenticate", rs->www_authenticate);
    if (rs->retry_after > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", rs->retry_after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    if (rs->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", rs->disposition);
    if (rs->location[0])
        MHD_add_response_header(r, "Location", rs->location);
    for (int i = 0; i < 3; i++)
        if (rs->cookies[i][0])
            MHD_add_response_header(r, "Set-Cookie", rs->cookies[i]);
    if (rs->html) {
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                                "base-uri 'none'; object-src 'none'");
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
        MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    }
    ok = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Whether If-None-Match (a list of entity tags, or *) names etag; the
 * comparison is the weak one RFC 9110 asks of If-None-Match. */
static int etag_matches(const char *inm, const char *etag)
{
    size_t n = strlen(etag);
    while (inm && *inm) {
        while (*inm == ' ' || *inm == '\t' || *inm == ',')
            inm++;
        if (*inm == '*')
            return 1;
        if (strncmp(inm, "W/", 2) == 0)
            inm += 2;
        if (strncmp(inm, etag, n) == 0 && (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' ' ||
                                           inm[n] == '\t'))
            return 1;
        inm = strchr(inm, ',');
    }
    return 0;
}

static _Thread_local int named; /* this thread is named "http" already */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    http_server *srv = cls;
    conn_state *cs = *con_cls;
    http_response rs;
    enum MHD_Result ok;

    if (!cs) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        cs = calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        buf_init(&cs->rq.body, HTTP_BODY_MAX);
        cs->rq.method = method;
        cs->rq.path = url;
        cs->rq.conn = c;
        if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX)
            cs->too_big = 1;
        request_id(c, cs->request_id, sizeof cs->request_id);
        *con_cls = cs;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cs->too_big && buf_append(&cs->rq.body, upload, *upload_size) != LR_OK)
            cs->too_big = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    memset(&rs, 0, sizeof rs);
    buf_init(&rs.body, HTTP_REPLY_MAX);
    rs.status = 200;
    /* every line logged while answering names the request (and, once
     * authenticated, its company), and libmicrohttpd's threads are "http" */
    if (!named) {
        pthread_setname_np(pthread_self(), "http");
        named = 1;
    }
    log_set_context(cs->request_id, "");
    if (cs->too_big)
        http_error(&rs, 413, "request body larger than %u bytes", HTTP_BODY_MAX);
    else {
        size_t i = 0;
        while (i < srv->app->nrouters && !srv->app->routers[i].wants(url))
            i++;
        if (i < srv->app->nrouters)
            srv->app->routers[i].dispatch(srv->app, &cs->rq, &rs);
        else
            http_error(&rs, 404, "no such path");
    }
    if (rs.status == 200 && rs.etag[0] &&
        etag_matches(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match"), rs.etag)) {
        rs.status = 304; /* the client has this answer */
        buf_reset(&rs.body);
    }
    log_info("%s %s %d %zu bytes in, %zu out", method, url, rs.status, cs->rq.body.len,
             rs.body.len);
    metrics_http(url, rs.status);
    log_clear_context();
    ok = send_reply(c, &rs, cs->request_id);
    buf_free(&rs.body);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    conn_state *cs = *con_cls;
    if (cs) {
        buf_free(&cs->rq.body);
        free(cs);
        *con_cls = NULL;
    }
}

static lr_status parse_listen(const char *listen, struct sockaddr_storage *ss, int *v6,
                              lr_error *err)
{
    char host[256];
    const char *colon;
    long port;
    char *end;
    memset(ss, 0, sizeof *ss);
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof host)
            return lr_fail(err, LR_EINVAL, "--listen '%s': expected [IPv6]:PORT", listen);
        memcpy(host, listen + 1, (size_t)(close - listen - 1));
        host[close - listen - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host)
            return lr_fail(err, LR_EINVAL, "--listen '%s': expected HOST:PORT", listen);
        memcpy(host, listen, (size_t)(colon - listen));
        host[colon - listen] = '\0';
    }
    port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || end == colon + 1)
        return lr_fail(err, LR_EINVAL, "--listen '%s': port must be 0-65535", listen);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        *v6 = 0;
    } else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        *v6 = 1;
    } else {
        return lr_fail(err, LR_EINVAL, "--listen '%s': '%s' is not an IP address", listen, host);
    }
    return LR_OK;
}

lr_status http_server_start(const char *listen, int threads, http_app *app, http_server **out,
                            lr_error *err)
{
    struct sockaddr_storage ss;
    int v6 = 0;
    http_server *srv;
    const union MHD_DaemonInfo *info;
    lr_status st = parse_listen(listen, &ss, &v6, err);

    *out = NULL;
    if (st != LR_OK)
        return st;
    srv = calloc(1, sizeof *srv);
    if (!srv)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    srv->app = app;
    srv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
                                  (app->poll_loop ? MHD_USE_POLL : MHD_USE_EPOLL) |
                                  (v6 ? MHD_USE_IPv6 : 0),
                              0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
                              (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
                              (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
                              MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_END);
    if (!srv->d) {
        free(srv);
        return lr_fail(err, LR_EIO, "cannot listen on %s (in use, or not an address of this machine?)",
                       listen);
    }
    info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    srv->addr = ss;
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&srv->addr;
        a->sin6_port = htons((uint16_t)srv->port);
        if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr))
            a->sin6_addr = in6addr_loopback;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&srv->addr;
        a->sin_port = htons((uint16_t)srv->port);
        if (a->sin_addr.s_addr == htonl(INADDR_ANY))
            a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    *out = srv;
    return LR_OK;
}

/* Waits until fd is ready for events or the deadline (ms since the epoch
 * of CLOCK_MONOTONIC) passes: 1 ready, 0 not. */
static int probe_wait(int fd, short events, long long deadline_ms)
{
    struct pollfd p = {fd, events, 0};
    struct timespec now;
    long long left;
    clock_gettime(CLOCK_MONOTONIC, &now);
    left = deadline_ms - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
    return left > 0 && poll(&p, 1, (int)left) == 1 && !(p.revents & POLLNVAL);
}

lr_status http_server_probe(const http_server *srv, int timeout_ms, lr_error *err)
{
    static const char ask[] = "GET /healthz HTTP/1.0\r\nHost: loginrecd\r\n\r\n";
    char got[64];
    size_t have = 0;
    struct timespec now;
    long long deadline;
    socklen_t len = srv->addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                    : sizeof(struct sockaddr_in);
    int fd = socket(srv->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    lr_status st = LR_OK;

    clock_gettime(CLOCK_MONOTONIC, &now);
    deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + timeout_ms;
    if (fd < 0)
        return lr_fail(err, LR_EIO, "probe: socket: %s", strerror(errno));
    if (connect(fd, (const struct sockaddr *)&srv->addr, len) != 0 &&
        (errno != EINPROGRESS || !probe_wait(fd, POLLOUT, deadline))) {
        st = lr_fail(err, LR_EIO, "probe: cannot connect to port %d", srv->port);
        goto out;
    }
    if (send(fd, ask, sizeof ask - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof ask - 1)) {
        st = lr_fail(err, LR_EIO, "probe: the request could not be sent");
        goto out;
    }
    while (have < 12) { /* "HTTP/1.x NNN" */
        ssize_t n;
        if (!probe_wait(fd, POLLIN, deadline)) {
            st = lr_fail(err, LR_EBUSY, "probe: no answer from /healthz within %d ms",
                         timeout_ms);
            goto out;
        }
        n = recv(fd, got + have, sizeof got - 1 - have, 0);
        if (n <= 0) {
            st = lr_fail(err, LR_EIO, "probe: /healthz closed the connection unanswered");
            goto out;
        }
        have += (size_t)n;
    }
    got[have] = '\0';
    if (strncmp(got, "HTTP/1.", 7) != 0 || strncmp(got + 9, "200", 3) != 0)
        st = lr_fail(err, LR_EIO, "probe: /healthz answered %.12s", got);
out:
    close(fd);
    return st;
}

int http_server_port(const http_server *srv)
{
    return srv->port;
}

void http_server_stop(http_server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->d);
    free(srv);
}
