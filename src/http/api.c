/*
 * api — the JSON API and ingest API of loginrecd (DESIGN §5.4).
 *
 *   GET  /healthz                  liveness + database check, no auth
 *   POST /api/v1/ingest            events in: JSON, or a LanScope CSV (api_ingest.c)
 *   GET  /api/v1/whoami            whose credentials these are (api_ingest.c)
 *   GET  /api/v1/punches?from&to[&with=events]   the local ledger (same token); with=events:
 *                                  each punch with the event it was derived from
 *   GET  /api/v1/links.csv         the link CSV (api_links.c)
 *   POST /api/v1/links/import      an edited link CSV back (api_links.c)
 *   GET  /api/v1/divergence        乖離: the report (api_divergence.c)
 *   POST /api/v1/divergence/confirm  what was found about a divergent day
 *
 * Every route is declared once in `routes`, with the query parameters it
 * accepts; anything undeclared is refused with 400.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/api_internal.h"
#include "http/resp_cache.h"
#include "http/routers.h"
#include "service/ledger_export.h"
#include "util/log.h"
#include "util/token.h"

typedef struct route {
    const char *method;
    const char *path;
    const char *access; /* public | token */
    const char *const *params; /* NULL-terminated allowed query parameters */
    api_handler fn;
} route;

int api_status_of(lr_status st)
{
    switch (st) {
    case LR_EINVAL: return 400;
    case LR_EAUTH: return 401;
    case LR_ENOTFOUND: return 404;
    case LR_EEXIST: return 409;
    case LR_ETOOBIG: return 413;
    case LR_EBUSY: return 503;
    case LR_EFULL: return 503;
    case LR_ELIMIT: return 429;
    default: return 500;
    }
}

/* The bearer token's hash, or 0 and a 401 when there is none. */
static int bearer_hash(http_request *rq, http_response *rs, char hash[LR_TOKEN_HASH_LEN + 1])
{
    const char *h = http_header(rq, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
        http_error(rs, 401, "missing 'Authorization: Bearer <company token>'");
        rs->www_authenticate = "Bearer realm=\"loginrec\"";
        return 0;
    }
    h += 7;
    while (*h == ' ')
        h++;
    token_hash(h, hash);
    return 1;
}

static int refuse_token(http_response *rs, const char *what)
{
    http_error(rs, 401, "%s", what);
    rs->www_authenticate = "Bearer realm=\"loginrec\", error=\"invalid_token\"";
    return 0;
}

/* A token no company has: 401. The database failing to answer (a lost
 * connection, a timeout) says nothing of the token: 503, try again. */
static int unknown_or_unavailable(http_response *rs, lr_status st, const char *what)
{
    if (st == LR_ENOTFOUND)
        return refuse_token(rs, what);
    http_error(rs, 503, "the database is not available; try again");
    return 0;
}

/* Finds the company of the request's bearer token; fills a 401 otherwise. */
int api_authenticate(lr_store *s, http_request *rq, http_response *rs, lr_company *c)
{
    char hash[LR_TOKEN_HASH_LEN + 1];
    lr_status st;
    if (!bearer_hash(rq, rs, hash))
        return 0;
    if ((st = store_company_by_token(s, hash, c)) != LR_OK)
        return unknown_or_unavailable(rs, st, "unknown ingest token");
    log_set_context(NULL, c->code);
    return 1;
}

int api_authenticate_sender(lr_store *s, http_request *rq, http_response *rs, lr_company *c)
{
    const char *code = http_header(rq, "X-Loginrec-Company");
    char hash[LR_TOKEN_HASH_LEN + 1];
    lr_status st;
    if (!code)
        return api_authenticate(s, rq, rs, c);
    if (!bearer_hash(rq, rs, hash))
        return 0;
    if ((st = store_company_by_lanscope_token(s, code, hash, c)) != LR_OK)
        return unknown_or_unavailable(rs, st,
                                      "the company code or the LanScope access token is wrong");
    log_set_context(NULL, c->code);
    return 1;
}

void api_reply_json(http_response *rs, int status, json_t *o)
{
    char *txt = json_dumps(o, JSON_COMPACT);
    rs->status = status;
    rs->content_type = "application/json; charset=utf-8";
    buf_reset(&rs->body);
    if (!txt || buf_puts(&rs->body, txt) != LR_OK || buf_puts(&rs->body, "\n") != LR_OK)
        http_error(rs, 500, "out of memory writing the reply");
    free(txt);
    json_decref(o);
}

void api_reply_failure(http_response *rs, const lr_error *err)
{
    api_reply_failure_as(rs, api_status_of(err->code), err);
    /* try again later: a full disk takes someone to free it */
    if (err->code == LR_EBUSY || err->code == LR_EFULL)
        rs->retry_after = err->code == LR_EFULL ? 60 : 5;
}

int api_query_flag(const http_request *rq, http_response *rs, const char *name, int *out)
{
    const char *v = http_query(rq, name);
    *out = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    if (v && !*out && strcmp(v, "0") != 0 && strcmp(v, "false") != 0) {
        http_error(rs, 400, "%s is '%s'; expected 1 or 0", name, v);
        return 0;
    }
    return 1;
}

void api_reply_failure_as(http_response *rs, int status, const lr_error *err)
{
    json_t *o = json_pack("{s:s}", "error", err->message[0] ? err->message : lr_status_name(err->code));
    if (err->file[0])
        json_object_set_new(o, "file", json_string(err->file));
    if (err->line > 0) {
        json_object_set_new(o, "line", json_integer(err->line));
        json_object_set_new(o, "column", json_integer(err->column));
    }
    api_reply_json(rs, status, o);
}

void api_punches_queued(http_app *app, const rederive_stats *stats)
{
    if (app->punches_queued && rederive_queued(stats))
        app->punches_queued(app->punches_queued_ctx);
}

static void h_health(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    int v = store_schema_version(s);
    if (v <= 0) {
        http_error(rs, 503, "database not ready");
        return;
    }
    api_reply_json(rs, 200, json_pack("{s:s, s:i, s:s}", "status", "ok", "schema", v, "version",
                                  LR_VERSION));
}

static const char *const no_params[] = {NULL};
static const char *const punches_params[] = {"from", "to", "with", NULL};
static const char *const export_params[] = {"kind", "encoding", NULL};
static const char *const import_params[] = {"dry_run", "lang", NULL};
static const char *const ingest_params[] = {"partial", NULL};
static const char *const divergence_params[] = {"from", "to", "status", "division", "min",
                                                "format", "encoding", NULL};

static void h_punches(http_app *app, lr_store *s, http_request *rq, http_response *rs)
{
    lr_company c;
    lr_error err;
    char key[512];
    const char *with;
    int keyed;
    if (!api_authenticate(s, rq, rs, &c))
        return;
    /* the generation read with the company: a write acknowledged before this
     * request bumped it, so a kept answer of it has that write */
    with = http_query(rq, "with");
    if (with && strcmp(with, "events") != 0) {
        http_error(rs, 400, "'with' takes one value, events (each punch with the event it was "
                            "derived from), not '%s'", with);
        return;
    }
    keyed = resp_cache_key(rq, punches_params, NULL, key, sizeof key);
    if (keyed && resp_cache_get(app->cache, c.id, c.generation, key, rs))
        return;
    lr_error_clear(&err);
    buf_reset(&rs->body);
    if (ledger_export(s, &c, http_query(rq, "from"), http_query(rq, "to"),
                      with ? LEDGER_JSON_EVENTS : LEDGER_JSON, &rs->body, &err) != LR_OK) {
        api_reply_failure(rs, &err);
        return;
    }
    rs->status = 200;
    rs->content_type = "application/json; charset=utf-8";
    rs->cache_control = "private, no-cache"; /* a client may keep it and ask with If-None-Match */
    if (keyed)
        resp_cache_put(app->cache, c.id, c.generation, key, rs);
}

static const route routes[] = {
    {"GET", "/healthz", "public", no_params, h_health},
    {"POST", "/api/v1/ingest", "token", ingest_params, api_ingest},
    {"GET", "/api/v1/whoami", "token", no_params, api_whoami},
    {"GET", "/api/v1/punches", "token", punches_params, h_punches},
    {"GET", "/api/v1/links.csv", "token", export_params, api_links_export},
    {"POST", "/api/v1/links/import", "token", import_params, api_links_import},
    {"GET", "/api/v1/divergence", "token", divergence_params, api_divergence},
    {"POST", "/api/v1/divergence/confirm", "token", no_params, api_divergence_confirm},
};


void api_routes_print(void)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        printf("%s %s %s\n", routes[i].method, routes[i].path, routes[i].access);
}

int api_wants(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0;
}

void api_dispatch(http_app *app, http_request *rq, http_response *rs)
{
    int path_known = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const route *r = &routes[i];
        const char *bad;
        lr_store *s;
        if (strcmp(r->path, rq->path) != 0)
            continue;
        path_known = 1;
        if (strcmp(r->method, rq->method) != 0)
            continue;
        if ((bad = http_undeclared_query(rq, r->params))) {
            http_error(rs, 400, "unknown query parameter '%s'", bad);
            return;
        }
        s = store_pool_take(app->pool);
        r->fn(app, s, rq, rs);
        store_pool_give(app->pool, s);
        return;
    }
    if (path_known)
        http_error(rs, 405, "method %s is not allowed on %s", rq->method, rq->path);
    else
        http_error(rs, 404, "no such endpoint: %s", rq->path);
}
