/*
 * api_internal — what the API's handler files (api.c, api_links.c) share:
 * the handler signature, authentication and the JSON replies. Not for use
 * outside src/http/.
 */
#ifndef LR_HTTP_API_INTERNAL_H
#define LR_HTTP_API_INTERNAL_H

#include <jansson.h>

#include "http/server.h"
#include "service/rederive.h"

typedef void (*api_handler)(http_app *app, lr_store *s, http_request *rq, http_response *rs);

/* HTTP status for a failure of that kind (400, 401, 404, 409, 413, 503, 500). */
int api_status_of(lr_status st);

/* Finds the company of the request's bearer token; fills a 401 and returns
 * 0 otherwise. */
int api_authenticate(lr_store *s, http_request *rq, http_response *rs, lr_company *c);

/* The same for senders of events: with an X-Loginrec-Company header the
 * bearer is that company's LanScope access token (loginrec-agent), without
 * one the company's ingest token. */
int api_authenticate_sender(lr_store *s, http_request *rq, http_response *rs, lr_company *c);

/* Sends o (reference taken) as the JSON reply. */
void api_reply_json(http_response *rs, int status, json_t *o);
/* {"error": message, "file", "line", "column"} with the status of
 * err->code, or the given status. */
void api_reply_failure(http_response *rs, const lr_error *err);
/* A yes/no query parameter: absent or 0/false is 0, 1/true is 1 (*out);
 * anything else answers 400 naming the parameter and returns 0. */
int api_query_flag(const http_request *rq, http_response *rs, const char *name, int *out);

void api_reply_failure_as(http_response *rs, int status, const lr_error *err);

/* Wakes the KoT worker (if the app has one) when stats queued punches. */
void api_punches_queued(http_app *app, const rederive_stats *stats);

/* api_ingest.c */
void api_ingest(http_app *app, lr_store *s, http_request *rq, http_response *rs);
void api_whoami(http_app *app, lr_store *s, http_request *rq, http_response *rs);

/* api_links.c */
void api_links_export(http_app *app, lr_store *s, http_request *rq, http_response *rs);
void api_links_import(http_app *app, lr_store *s, http_request *rq, http_response *rs);

/* api_divergence.c */
void api_divergence(http_app *app, lr_store *s, http_request *rq, http_response *rs);
void api_divergence_confirm(http_app *app, lr_store *s, http_request *rq, http_response *rs);

#endif
