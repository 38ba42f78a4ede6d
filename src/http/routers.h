/*
 * routers — the two front doors loginrecd hands the HTTP server: the API
 * (api.c: /api/... and /healthz) and the admin UI (ui.c: everything else).
 * The server (server.c) knows no page; it asks each router in turn whether
 * a path is its own.
 */
#ifndef LR_HTTP_ROUTERS_H
#define LR_HTTP_ROUTERS_H

#include "http/server.h"

/* The API's paths: /api/... and /healthz. */
int api_wants(const char *path);
void api_dispatch(http_app *app, http_request *rq, http_response *rs);
/* The admin UI: every path (ask it last). */
int ui_wants(const char *path);
void ui_dispatch(http_app *app, http_request *rq, http_response *rs);

/* GET /metrics (metrics_route.c): what loginrecd serves on metrics_listen,
 * and only there. */
int metrics_wants(const char *path);
void metrics_dispatch(http_app *app, http_request *rq, http_response *rs);
extern const http_router http_metrics_routers[];
extern const size_t http_metrics_nrouters;

/* The API first, then the admin UI: what loginrecd serves. */
extern const http_router http_routers[];
extern const size_t http_nrouters;

/* Prints every route, "METHOD PATH ACCESS [multipart]" (access: public,
 * token, session), one per line: what the security tests walk. */
void api_routes_print(void);
void ui_routes_print(void);

#endif
