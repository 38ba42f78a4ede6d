/*
 * agent_watch — the watched folder as loginrec-agent sees it: the files
 * of its source in it (LanScope's *.csv, *.evtx, ...: agent_source_wants;
 * not in subfolders, not hidden), each with the size and
 * time it had when last looked at, and which of them are complete.
 *
 * A file is complete once its size and modification time have not changed
 * for the stable time, so a file the manager is still writing is never
 * sent. The platform's notifications (agent_os: inotify,
 * ReadDirectoryChangesW) wake the agent as soon as something changes; a
 * full rescan at start and every few minutes catches whatever they missed
 * (network folders, an overflowing event queue, a recreated folder).
 */
#ifndef LR_AGENT_AGENT_WATCH_H
#define LR_AGENT_AGENT_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "agent/agent_os.h"
#include "util/status.h"

typedef struct agent_file {
    char *name;
    long long size;
    int64_t mtime_ns;
    int64_t changed_at; /* monotonic ms when size or mtime last changed */
    int done;           /* handled at this size and mtime (sent, or already sent) */
    int warned;         /* could not be read, and that was said */
    int seen;           /* present at the last scan */
} agent_file;

typedef struct agent_watch {
    char dir[1024];
    char source[16]; /* which files are ours (agent_source_wants) */
    agent_os_watch *os; /* the folder's change notifications */
    int dirty;          /* a change was reported since the last scan */
    agent_file *v;
    size_t n, cap;
} agent_watch;

lr_status agent_watch_open(agent_watch *w, const char *dir, const char *source, lr_error *err);
void agent_watch_close(agent_watch *w);

/* Looks at every file of the folder: adds new ones, notes changes, drops
 * the ones that are gone. */
lr_status agent_watch_scan(agent_watch *w, int64_t now_ms, lr_error *err);

/* The complete file not yet done with the smallest name, or NULL; *wake_at
 * gets when the next incomplete file may become complete (INT64_MAX when
 * none). */
agent_file *agent_watch_ready(agent_watch *w, int64_t now_ms, int64_t stable_ms,
                              int64_t *wake_at);

/* Marks f as changed at now (its size moved while it was being read). */
void agent_watch_touch(agent_file *f, long long size, int64_t mtime_ns, int64_t now_ms);

/* Sleeps until the folder changes, the agent is told to stop (a signal on
 * Linux; agent_os_wake on Windows: Ctrl+C, a service stop) or timeout_ms
 * pass. */
void agent_watch_wait(agent_watch *w, int64_t timeout_ms);

#endif
