/*
 * agent_os — what loginrec-agent needs of its platform, below the logic
 * both builds share (settings, the sent ledger, the stable-size rule, the
 * answers' classification, the backoff). Two implementations:
 * agent_os_posix.c (Linux: inotify, libcurl, libsodium) and agent_os_win.c
 * (Windows: ReadDirectoryChangesW, WinHTTP, CNG). Each compiles to nothing
 * on the other platform.
 *
 * Paths are UTF-8 everywhere above this layer; on Windows they become
 * UTF-16 here, so a folder such as C:\ログ出力 works. Every function that
 * can fail says why in words (err, or why[]).
 */
#ifndef LR_AGENT_AGENT_OS_H
#define LR_AGENT_AGENT_OS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/status.h"

/* Between a folder and a name in the paths the agent makes. */
#ifdef _WIN32
#define AGENT_SEP "\\"
#else
#define AGENT_SEP "/"
#endif

/* Once per process, before any other call. */
void agent_os_init(void);

/* Where the agent keeps what it sent, unless the settings say: systemd's
 * $STATE_DIRECTORY, else /var/lib/loginrec-agent; on Windows
 * %ProgramData%\loginrec. */
void agent_os_state_dir(char *out, size_t outsz);

/* Milliseconds of a monotonic clock. */
int64_t agent_now_ms(void);
/* Sleeps ms milliseconds (a signal or a service stop may end it early). */
void agent_os_sleep_ms(int64_t ms);
/* Ends the current and every later wait at once (a Windows service's
 * stop request; on Linux the signal does it). */
void agent_os_wake(void);

/* -- files ---------------------------------------------------------- */

/* fopen of a UTF-8 path. */
FILE *agent_os_fopen(const char *path, const char *mode);
/* The whole file into b (its maximum bounds it: LR_ETOOBIG past it), with
 * its size and modification time when it was read. */
lr_status agent_os_read_file(const char *path, lr_buf *b, long long *size, int64_t *mtime_ns,
                             lr_error *err);
/* Appends bytes to path (created readable by its owner only) and flushes
 * them to the disk before returning. */
lr_status agent_os_append_sync(const char *path, const char *bytes, size_t n, lr_error *err);
/* Whether path exists. */
int agent_os_exists(const char *path);
/* Renames from to to (to must not exist); 0, or -1 with why. */
int agent_os_rename(const char *from, const char *to, char *why, size_t whysz);
/* Creates the folder (0 when it exists already); -1 with why. */
int agent_os_mkdir(const char *path, char *why, size_t whysz);
/* Whether path is a folder this user can read and write (created first
 * when create and it is missing): 0, or -1 with what is wrong in why
 * ("cannot be opened: ...", "is not a folder", ...). */
int agent_os_check_dir(const char *path, int create, char *why, size_t whysz);
/* Whether path is a file this user can read: 0, or -1 with why. */
int agent_os_check_readable(const char *path, char *why, size_t whysz);

/* The regular files of a folder (not its subfolders), one call each:
 * name, size, modification time in ns; a non-zero return stops. */
typedef int (*agent_os_file_fn)(void *ctx, const char *name, long long size, int64_t mtime_ns);
lr_status agent_os_list(const char *dir, agent_os_file_fn fn, void *ctx, lr_error *err);

/* A folder's change notifications. Without them (a network folder, an
 * overflow) the agent still finds every file by its full rescans. */
typedef struct agent_os_watch agent_os_watch;
/* NULL with err when the folder does not exist. */
agent_os_watch *agent_os_watch_open(const char *dir, lr_error *err);
/* Watches again when the watch was lost (the folder was recreated). */
void agent_os_watch_rearm(agent_os_watch *w);
/* Waits up to timeout_ms for a change; 1 when something changed. */
int agent_os_watch_wait(agent_os_watch *w, int64_t timeout_ms);
void agent_os_watch_close(agent_os_watch *w);

/* A hash of the bytes as 64 hex digits, for the sent ledger (BLAKE2b-256
 * on Linux, SHA-256 on Windows: a ledger stays on its machine); -1 when
 * the platform could not make it (the file is then not sent). */
#define AGENT_HASH_HEX 64
int agent_os_hash(const char *bytes, size_t n, char out[AGENT_HASH_HEX + 1]);

#ifdef _WIN32
#include <wchar.h>
/* UTF-8 to a new UTF-16 string and back (free them); NULL on a bad
 * sequence or no memory. */
wchar_t *agent_os_wide(const char *s);
char *agent_os_utf8(const wchar_t *w);
#endif

/* -- HTTP ----------------------------------------------------------- */

/* What a call came to below HTTP. */
typedef enum agent_net {
    AGENT_NET_ANSWERED = 0, /* an HTTP status came back */
    AGENT_NET_RESOLVE,      /* the server's host name was not found */
    AGENT_NET_RESOLVE_PROXY, /* the proxy's host name was not found */
    AGENT_NET_CONNECT,      /* nobody accepted the connection */
    AGENT_NET_TIMEOUT,      /* no answer in time */
    AGENT_NET_TLS,          /* TLS failed (certificate, handshake) */
    AGENT_NET_OTHER,        /* anything else: the message says it */
} agent_net;

typedef struct agent_http {
    const char *url;
    const char *const *headers; /* "Name: value", NULL-terminated */
    const char *body;           /* NULL: a GET */
    size_t n;
    const char *proxy;          /* host:port, "" for none (never the environment's) */
    const char *proxy_user, *proxy_password; /* Basic, when the user is set */
    int timeout_ms;
} agent_http;

typedef struct agent_answer {
    agent_net net;
    long status;
    lr_buf body;         /* bounded: the caller sets its maximum */
    char www_auth[128];  /* the WWW-Authenticate scheme ("Bearer", "Basic") */
    char message[256];   /* below HTTP: what went wrong */
} agent_answer;

/* One call. The answer's body lands in a->body (initialised by the
 * caller); the rest of a is set here. */
void agent_os_http(const agent_http *req, agent_answer *a);

#endif
