/*
 * agent_state — what loginrec-agent has sent, kept in its state folder so
 * a restart sends nothing twice: sent.tsv holds one line per delivered file
 * (content hash, size, name), appended and fsync'ed after the server
 * confirmed it. A file is "sent" when its name, size and hash are all on a
 * line; the same name with new content is a new file.
 *
 * A crash between the server's answer and the append sends the file once
 * more after the restart; the server drops every event of it as a
 * duplicate, so each event is still stored once.
 */
#ifndef LR_AGENT_AGENT_STATE_H
#define LR_AGENT_AGENT_STATE_H

#include <stddef.h>

#include "agent/agent_os.h"
#include "util/status.h"

typedef struct agent_sent {
    char hash[AGENT_HASH_HEX + 1];
    long long size;
    char *name;
} agent_sent;

typedef struct agent_state {
    char path[1100]; /* <state_dir>/sent.tsv */
    agent_sent *v;
    size_t n, cap;
} agent_state;

/* Loads (or starts) the ledger of state_dir. */
lr_status agent_state_open(agent_state *st, const char *state_dir, lr_error *err);
void agent_state_close(agent_state *st);

int agent_state_was_sent(const agent_state *st, const char *name, long long size,
                         const char *hash);
/* Appends and syncs a line for the file. */
lr_status agent_state_mark_sent(agent_state *st, const char *name, long long size,
                                const char *hash, lr_error *err);

#endif
