/*
 * agent_run — loginrec-agent's two jobs: --check (settings, then the
 * server through the proxy, in plain words) and the foreground loop that
 * sends each complete file of the watch folder once.
 *
 * The loop takes complete files in name order. A file the server accepts
 * is recorded as sent; one it refuses is moved to <watch_dir>/rejected/
 * with the reason in NAME.error.txt next to it, and the loop goes on with
 * the rest. When the server or the proxy is down, or the settings are
 * refused, the file stays where it is and the loop waits (1 s, doubling up
 * to retry_max_sec) before trying again: nothing is lost or skipped.
 * One log line per file: name, rows, accepted, duplicates, rejected.
 */
#ifndef LR_AGENT_AGENT_RUN_H
#define LR_AGENT_AGENT_RUN_H

#include <signal.h>

#include "agent/agent_config.h"

/* Prints what is wrong, or that all is well; 0 only when all is well. */
int agent_check(const agent_config *c);

/* Runs until *stop becomes non-zero; returns the exit code. */
int agent_run(const agent_config *c, volatile sig_atomic_t *stop);

/* agent_run for a service: the settings are read from config_path, and
 * while they have problems (a fresh install) those are logged and the
 * file read again every minute, instead of the service failing. */
int agent_run_service(const char *config_path, volatile sig_atomic_t *stop);

#endif
