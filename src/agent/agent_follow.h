/*
 * agent_follow — a file that grows by whole records (follow =
 * /var/log/wtmp): what was appended since the server last confirmed,
 * record-aligned, kept as (inode, offset) in the state folder
 * (follow.state: written to a temporary file, fsync'ed, renamed), so a
 * restart resumes there and nothing is sent twice.
 *
 * Rotation: when the path's inode changes, the old file is finished first
 * (found beside it by its inode, as wtmp.1), then the new one is read from
 * 0. A file that shrank under the same inode was truncated: it is read
 * again from 0. A rotated file that is gone loses what was not sent; the
 * loss is said in the log.
 */
#ifndef LR_AGENT_AGENT_FOLLOW_H
#define LR_AGENT_AGENT_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "agent/agent_config.h"
#include "util/buf.h"
#include "util/status.h"

typedef struct agent_follow {
    char path[AGENT_PATH_MAX];
    char state_path[AGENT_PATH_MAX + 32];
    size_t record; /* bytes a record (384 for wtmp) */
    unsigned long long ino;
    long long offset;
} agent_follow;

/* A chunk to send: the records of file ino from `from` to `to`. */
typedef struct agent_chunk {
    char name[300]; /* what the upload is called ("wtmp", "wtmp.1") */
    unsigned long long ino;
    long long from, to;
} agent_chunk;

/* Opens the follower of path, resuming from the state folder. */
lr_status agent_follow_open(agent_follow *f, const char *path, const char *state_dir,
                            size_t record, lr_error *err);

/* What to send next into out (at most max bytes of whole records):
 * LR_OK and *ch when there is something, LR_ENOTFOUND when nothing is new. */
lr_status agent_follow_next(agent_follow *f, lr_buf *out, size_t max, agent_chunk *ch,
                            lr_error *err);

/* The server confirmed ch: records it (fsync'ed). */
lr_status agent_follow_done(agent_follow *f, const agent_chunk *ch, lr_error *err);

#endif
