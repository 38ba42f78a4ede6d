/*
 * agent_client — loginrec-agent's calls to loginrecd through the platform's
 * HTTP (agent_os_http: libcurl, WinHTTP) and the configured proxy (with
 * basic authentication when a user is set): the upload of one file, and
 * the "who am I" call of --check. Every answer is sorted into what the
 * agent should do next, with the reason in plain words. Never logs or
 * returns the token or the proxy password; the password goes to the proxy
 * alone (never inside a TLS tunnel to the server).
 */
#ifndef LR_AGENT_AGENT_CLIENT_H
#define LR_AGENT_AGENT_CLIENT_H

#include <stddef.h>

#include "agent/agent_config.h"

typedef enum agent_outcome {
    AGENT_OK = 0,
    AGENT_REFUSED,  /* the server refused the file itself (4xx): move it aside */
    AGENT_RETRY,    /* server or network down, 5xx, 429, timeout: try again later */
    AGENT_SETTINGS, /* wrong token, proxy password, ...: a person must fix the settings */
} agent_outcome;

typedef struct agent_reply {
    agent_outcome outcome;
    int http_status; /* 0: no answer */
    char why[600];   /* plain words; "" when OK */
    /* from the server's answer to an upload */
    long rows, accepted, duplicates, ignored, unlinked;
    char company_name[256]; /* whoami */
} agent_reply;

/* Once per process, before any call. */
void agent_client_init(void);

/* POSTs the file's bytes as text/csv. */
void agent_upload(const agent_config *c, const char *name, const char *bytes, size_t n,
                  agent_reply *r);

/* Asks the server whose credentials these are (GET /api/v1/whoami). */
void agent_whoami(const agent_config *c, agent_reply *r);

#endif
