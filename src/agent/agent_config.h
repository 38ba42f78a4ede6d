/*
 * agent_config — loginrec-agent's settings: an INI file (--config FILE)
 * and command-line flags, flags winning, then checked with a message per
 * problem in plain words (what is wrong and what to write instead).
 *
 *   [agent]
 *   company = ACM                  ; 企業コード, 3 or 6 letters and digits
 *   token = 0123...                ; アクセストークン, 32 letters and digits
 *   watch_dir = /srv/lanscope/out  ; the manager's OUTPUTDIR
 *   server = https://loginrec.example.jp
 *   proxy = proxy.example.jp:8080  ; optional
 *   proxy_user = ...               ; optional, with proxy_password
 *   proxy_password = ...
 *   state_dir = /var/lib/loginrec-agent   ; Windows: %ProgramData%\loginrec
 *   source = lanscope              ; what the folder holds: lanscope (*.csv,
 *                                  ; the default), evtx (*.evtx), winlogbeat
 *                                  ; (*.ndjson, *.json), journald (*.json),
 *                                  ; wtmp (wtmp*, with host = the PC's name)
 *   host = pc-07                   ; wtmp only
 *   follow = /var/log/wtmp         ; instead of watch_dir: send the records
 *                                  ; appended to this file (source = wtmp)
 */
#ifndef LR_AGENT_AGENT_CONFIG_H
#define LR_AGENT_AGENT_CONFIG_H

#include <stddef.h>

#include "util/status.h"

#define AGENT_PATH_MAX 1024

typedef struct agent_config {
    char company[16];
    char token[64];
    char watch_dir[AGENT_PATH_MAX];
    char server[512]; /* base URL, no trailing slash */
    char proxy[256];  /* host:port, "" for none */
    char proxy_user[128];
    char proxy_password[128];
    char state_dir[AGENT_PATH_MAX];
    char source[16]; /* lanscope | evtx | winlogbeat | journald | wtmp */
    char host[256];  /* the PC of a wtmp folder */
    char follow[AGENT_PATH_MAX]; /* a growing wtmp file, instead of watch_dir */
    int rescan_sec;    /* full rescan of the folder (inotify can miss) */
    int stable_sec;    /* a file's size must hold this long before it is sent */
    int retry_max_sec; /* backoff cap while the server or proxy is down */
    int timeout_sec;   /* one upload */
} agent_config;

/* Defaults: server http://127.0.0.1:8080, state_dir agent_os_state_dir's
 * ($STATE_DIRECTORY as systemd sets it, else /var/lib/loginrec-agent; on
 * Windows %ProgramData%\loginrec), rescan 180 s, stable 5 s, retry cap
 * 300 s, timeout 120 s. */
void agent_config_defaults(agent_config *c);

/* Reads settings from an INI file over c. Unknown keys and malformed lines
 * are errors with the file and line. */
lr_status agent_config_load(agent_config *c, const char *path, lr_error *err);

/* Sets one setting by its name ("company", "watch_dir" or "watch-dir",
 * ...); LR_ENOTFOUND for an unknown name. */
lr_status agent_config_set(agent_config *c, const char *key, const char *value, lr_error *err);

/* The source's file names: non-zero when the watch folder's file `name`
 * is one to send (never hidden files). */
int agent_source_wants(const char *source, const char *name);

/* Checks every setting; writes each problem as one line into out (NUL-
 * terminated). Returns the number of problems. Creates the state folder
 * when it is missing. */
int agent_config_check(const agent_config *c, char *out, size_t outsz);

#endif
