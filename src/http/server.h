/*
 * server — loginrecd's HTTP front: libmicrohttpd with a fixed thread pool,
 * request bodies gathered into bounded buffers (413 past the limit), and a
 * route table (router in api.c) that maps method + path to a handler.
 *
 * Each handler gets a request (method, path, headers/query through the
 * connection, whole body) and fills a response (status, type, body). A
 * handler takes a store handle from the pool for its duration, so handlers
 * never share a database connection. Thread-safe.
 */
#ifndef LR_HTTP_SERVER_H
#define LR_HTTP_SERVER_H

#include <stddef.h>

#include "store/secrets.h"
#include "store/store.h"
#include "util/buf.h"

#define HTTP_BODY_MAX (64u * 1024 * 1024)
#define HTTP_REPLY_MAX (256u * 1024 * 1024)

typedef struct http_server http_server;

typedef struct http_request {
    const char *method;
    const char *path;
    void *conn; /* struct MHD_Connection *, for http_header / http_query */
    lr_buf body;
} http_request;

typedef struct http_response {
    int status;
    const char *content_type;
    const char *www_authenticate; /* NULL or the header value */
    char disposition[300];        /* Content-Disposition, "" for none */
    char location[512];           /* Location (redirects), "" for none */
    char cookies[3][400];         /* Set-Cookie values, "" for none */
    int html;                     /* an admin UI page: send the browser-security headers */
    const char *cache_control;    /* NULL: no-store */
    char etag[36];                /* "" or the ETag (resp_cache.c): If-None-Match gets 304 */
    int cache_hit;                /* answered from the response cache: X-Cache: hit (else miss) */
    int retry_after;              /* seconds, sent as Retry-After (0: none) */
    lr_buf body;
} http_response;

typedef struct http_app http_app;
typedef void (*http_handler)(http_app *app, http_request *rq, http_response *rs);

/* A front door: the paths it wants, and how it answers them. */
typedef struct http_router {
    int (*wants)(const char *path);
    http_handler dispatch;
} http_router;

struct http_app {
    /* asked in order; the first that wants a path answers it (none: 404) */
    const http_router *routers;
    size_t nrouters;
    lr_store_pool *pool;
    /* Called (if set) after a request queued punches for delivery, so the
     * KoT worker starts at once instead of at its next poll. */
    void (*punches_queued)(void *ctx);
    void *punches_queued_ctx;
    int secure_cookies; /* served over TLS (behind a TLS proxy): cookies get Secure */
    const lr_secrets *secrets; /* seals credentials set in the admin UI; NULL without a key */
    /* 0: epoll, the default: at 256 connections its p99 is a seventh of
     * poll's (bench/load.sh). 1: poll, which closes at once a client that
     * half-closes (shutdown(SHUT_WR)) after a keep-alive answer or in the
     * middle of a body, where libmicrohttpd 0.9.75's epoll loop keeps the
     * connection until the idle timeout. The HTTP fuzz target sends every
     * input that way. */
    int poll_loop;
    /* answers kept for repeated GETs (resp_cache.h); NULL keeps none */
    struct resp_cache *cache;
    /* concurrent ingest requests written under one commit
     * (service/ingest_group.h); NULL: each alone */
    struct ingest_group *ingest_group;
    /* ingest refuses (503, storage full) while the disk holding this path
     * (the SQLite database's folder) has less than min_free_bytes free, so
     * delivery, pages and the audit keep room; NULL or 0: never */
    const char *free_path;
    int64_t min_free_bytes;
};

/* Header / query value, or NULL. Valid during the request. */
const char *http_header(const http_request *rq, const char *name);
const char *http_query(const http_request *rq, const char *name);

/* The first query parameter not in allowed (NULL-terminated), or NULL:
 * every route refuses what it does not declare. */
const char *http_undeclared_query(const http_request *rq, const char *const *allowed);

/* A cookie's value, or NULL. Valid during the request. */
const char *http_cookie(const http_request *rq, const char *name);
/* The client's address as text ("127.0.0.1", "::1"). */
void http_client_ip(const http_request *rq, char *out, size_t outsz);
/* Adds a Set-Cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the
 * app says so); max_age 0 deletes the cookie. */
void http_set_cookie(const http_app *app, http_response *rs, const char *name, const char *value,
                     long max_age);

/* Fills rs with a JSON error {"error": message} and status. */
void http_error(http_response *rs, int status, const char *fmt, ...)
    LR_PRINTF(3, 4);

/* Parses "HOST:PORT" / "[::1]:PORT" and starts serving with `threads`
 * worker threads. */
lr_status http_server_start(const char *listen, int threads, http_app *app, http_server **out,
                            lr_error *err);
/* The port actually bound (useful with port 0). */
int http_server_port(const http_server *srv);
/* Asks the server its own GET /healthz over a socket, as a client would
 * (a wildcard address through loopback): LR_OK when it answers 200 within
 * timeout_ms, else why not. What loginrecd's watchdog asks before each
 * ping: a stuck listener, stuck workers or a database that does not answer
 * all fail it. */
lr_status http_server_probe(const http_server *srv, int timeout_ms, lr_error *err);
void http_server_stop(http_server *srv);

#endif
