/*
 * metrics_route — GET /metrics, Prometheus' text format (util/metrics.h),
 * served only on loginrecd's metrics_listen address: its counters, the
 * gauges the store counts at each scrape, and whether the store answered.
 */
#include <string.h>

#include "http/routers.h"
#include "store/store.h"
#include "util/log.h"
#include "util/metrics.h"

int metrics_wants(const char *path)
{
    return strcmp(path, "/metrics") == 0;
}

void metrics_dispatch(http_app *app, http_request *rq, http_response *rs)
{
    metrics_gauges g = {0};
    lr_error err;
    lr_store *s;
    if (strcmp(rq->method, "GET") != 0) {
        http_error(rs, 405, "method %s is not allowed on /metrics", rq->method);
        return;
    }
    static const char *const no_params[] = {NULL};
    if (http_undeclared_query(rq, no_params)) {
        http_error(rs, 400, "/metrics takes no query parameter");
        return;
    }
    s = store_pool_take(app->pool);
    lr_error_clear(&err);
    if (store_metrics_read(s, &g, &err) != LR_OK)
        log_warn("/metrics: the store did not answer: %s", err.message);
    store_pool_give(app->pool, s);
    if (metrics_render(&rs->body, &g) != LR_OK) {
        http_error(rs, 500, "out of memory writing the metrics");
        return;
    }
    rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

const http_router http_metrics_routers[] = {{metrics_wants, metrics_dispatch}};
const size_t http_metrics_nrouters = 1;
