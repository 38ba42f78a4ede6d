/*
 * agent_run — --check and the send loop (see agent_run.h).
 */
#include "agent/agent_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_client.h"
#include "agent/agent_follow.h"
#include "agent/agent_os.h"
#include "agent/agent_state.h"
#include "agent/agent_watch.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timefmt.h"

#define FILE_MAX (64u * 1024 * 1024) /* what loginrecd accepts in one request */
#define WTMP_RECORD_BYTES 384           /* glibc's struct utmpx on 64-bit Linux */
#define FOLLOW_CHUNK (384u * 10000)     /* records a follow upload carries at most */

int agent_check(const agent_config *c)
{
    char problems[4096];
    agent_reply r;
    int n = agent_config_check(c, problems, sizeof problems);
    if (n > 0) {
        fprintf(stderr, "loginrec-agent: %d problem%s in the settings:\n%s", n, n > 1 ? "s" : "",
                problems);
        return 1;
    }
    agent_whoami(c, &r);
    if (r.outcome != AGENT_OK) {
        fprintf(stderr, "loginrec-agent: %s\n", r.why);
        return 1;
    }
    printf("ok: %s accepts company %s (%s)%s%s; watching %s\n", c->server, c->company,
           r.company_name, c->proxy[0] ? " through the proxy " : "", c->proxy, c->watch_dir);
    return 0;
}

/* The whole file; LR_ETOOBIG past FILE_MAX. */
static lr_status read_file(const char *path, lr_buf *b, long long *size, int64_t *mtime_ns,
                           lr_error *err)
{
    lr_status st = agent_os_read_file(path, b, size, mtime_ns, err);
    if (st == LR_ETOOBIG)
        st = lr_fail(err, LR_ETOOBIG, "the file is larger than %u MiB, more than loginrecd "
                                      "takes in one upload; split it",
                     FILE_MAX >> 20);
    return st;
}

/* Moves the file to <watch_dir>/rejected/ (a free name there) and writes
 * the reason next to it. */
static void move_aside(const agent_config *c, const char *name, const char *why)
{
    char dir[AGENT_PATH_MAX + 16], from[AGENT_PATH_MAX + 300], to[AGENT_PATH_MAX + 340];
    char note[AGENT_PATH_MAX + 360], when[32], problem[256];
    FILE *f;

    snprintf(dir, sizeof dir, "%s" AGENT_SEP "rejected", c->watch_dir);
    if (agent_os_mkdir(dir, problem, sizeof problem) != 0) {
        log_error("cannot create %s: %s; %s stays where it is", dir, problem, name);
        return;
    }
    snprintf(from, sizeof from, "%s" AGENT_SEP "%s", c->watch_dir, name);
    snprintf(to, sizeof to, "%s" AGENT_SEP "%s", dir, name);
    for (int i = 1; agent_os_exists(to) && i < 1000; i++)
        snprintf(to, sizeof to, "%s" AGENT_SEP "%s.%d", dir, name, i);
    if (agent_os_rename(from, to, problem, sizeof problem) != 0) {
        log_error("cannot move %s to %s: %s", from, to, problem);
        return;
    }
    snprintf(note, sizeof note, "%s.error.txt", to);
    tf_format_iso(clock_now(), 0, when); /* as the log lines say the time */
    if ((f = agent_os_fopen(note, "w"))) {
        fprintf(f, "%s\n%s refused %s at %s.\nFix the file and put it back in %s to send it "
                   "again.\n",
                why, c->server, name, when, c->watch_dir);
        fclose(f);
    }
}

typedef struct loop {
    const agent_config *c;
    agent_state state;
    agent_watch watch;
    lr_buf bytes;
    int64_t retry_at, backoff_ms;
} loop;

/* Handles one complete file. Returns 0 to go on with the next, -1 to wait
 * (server down, settings refused: the file stays). */
static int handle(loop *L, agent_file *f, int64_t now)
{
    const agent_config *c = L->c;
    char path[AGENT_PATH_MAX + 300], hash[AGENT_HASH_HEX + 1];
    long long size;
    int64_t mtime_ns;
    agent_reply r;
    lr_error err;

    if (strpbrk(f->name, "\t\n")) {
        log_warn("%s: a tab or line break in the name; rename the file to send it", f->name);
        f->done = 1;
        return 0;
    }
    snprintf(path, sizeof path, "%s" AGENT_SEP "%s", c->watch_dir, f->name);
    buf_reset(&L->bytes);
    if (read_file(path, &L->bytes, &size, &mtime_ns, &err) != LR_OK) {
        if (err.code == LR_ETOOBIG) {
            log_error("rejected %s: rows=- accepted=0 duplicates=0 rejected=all: %s", f->name,
                      err.message);
            move_aside(c, f->name, err.message);
            f->done = 1;
            return 0;
        }
        /* held by another program (a virus scanner, a backup), or gone:
         * tried again after the stable time, said once */
        if (!f->warned)
            log_warn("%s: %s; trying again", f->name, err.message);
        f->warned = 1;
        agent_watch_touch(f, f->size, f->mtime_ns, now);
        return 0;
    }
    if (size != f->size || (long long)L->bytes.len != f->size) {
        /* still being written: wait until it holds still */
        agent_watch_touch(f, size, mtime_ns, now);
        return 0;
    }
    if (agent_os_hash(L->bytes.data, L->bytes.len, hash) != 0) {
        /* without its hash the ledger cannot tell it from a file sent
         * before: not sent, tried again after the stable time */
        log_error("%s: its hash could not be made; trying again", f->name);
        agent_watch_touch(f, f->size, f->mtime_ns, now);
        return 0;
    }
    if (agent_state_was_sent(&L->state, f->name, f->size, hash)) {
        f->done = 1;
        return 0;
    }
    agent_upload(c, f->name, L->bytes.data, L->bytes.len, &r);
    switch (r.outcome) {
    case AGENT_OK:
        if (agent_state_mark_sent(&L->state, f->name, f->size, hash, &err) != LR_OK)
            log_error("%s was sent but could not be recorded (%s); it will be sent again, and "
                      "the server will count its events as duplicates",
                      f->name, err.message);
        log_info("sent %s: rows=%ld accepted=%ld duplicates=%ld rejected=0 ignored=%ld "
                 "unlinked=%ld",
                 f->name, r.rows, r.accepted, r.duplicates, r.ignored, r.unlinked);
        f->done = 1;
        L->backoff_ms = 0;
        return 0;
    case AGENT_REFUSED:
        log_error("rejected %s: rows=- accepted=0 duplicates=0 rejected=all: %s; moved to "
                  "%s" AGENT_SEP "rejected" AGENT_SEP,
                  f->name, r.why, c->watch_dir);
        move_aside(c, f->name, r.why);
        f->done = 1;
        L->backoff_ms = 0;
        return 0;
    case AGENT_RETRY:
    case AGENT_SETTINGS:
        break;
    }
    L->backoff_ms = L->backoff_ms ? L->backoff_ms * 2 : 1000;
    if (L->backoff_ms > (int64_t)c->retry_max_sec * 1000)
        L->backoff_ms = (int64_t)c->retry_max_sec * 1000;
    L->retry_at = now + L->backoff_ms;
    log_msg(r.outcome == AGENT_SETTINGS ? LR_LOG_ERROR : LR_LOG_WARN,
            "%s not sent: %s; trying again in %lld s", f->name, r.why,
            (long long)(L->backoff_ms + 999) / 1000);
    return -1;
}

/* follow = FILE: sends what is appended to a growing wtmp file, chunk by
 * chunk, each recorded once the server confirmed it. Linux only: a wtmp
 * file is Linux's. */
static int follow_run(const agent_config *c, volatile sig_atomic_t *stop)
{
#ifdef _WIN32
    (void)stop;
    log_error("follow = %s: following a wtmp file is for Linux; on Windows watch a folder",
              c->follow);
    return 2;
#else
    agent_follow f;
    agent_chunk ch;
    agent_reply r;
    lr_error err;
    lr_buf bytes;
    int64_t backoff_ms = 0;

    if (agent_follow_open(&f, c->follow, c->state_dir, WTMP_RECORD_BYTES, &err) != LR_OK) {
        log_error("%s", err.message);
        return 1;
    }
    buf_init(&bytes, FILE_MAX);
    log_info("loginrec-agent %s: following %s (%s) for company %s, sending to %s from byte %lld",
             LR_VERSION, c->follow, c->host, c->company, c->server, f.offset);
    while (!*stop) {
        lr_status st = agent_follow_next(&f, &bytes, FOLLOW_CHUNK, &ch, &err);
        int64_t wait_ms = (int64_t)c->stable_sec * 1000;
        if (st == LR_OK && bytes.len > 0) {
            agent_upload(c, ch.name, bytes.data, bytes.len, &r);
            if (r.outcome == AGENT_OK) {
                if (agent_follow_done(&f, &ch, &err) != LR_OK)
                    log_error("%s", err.message);
                log_info("sent %s bytes %lld-%lld: accepted=%ld duplicates=%ld", ch.name, ch.from,
                         ch.to, r.accepted, r.duplicates);
                backoff_ms = 0;
                continue; /* more may be waiting */
            }
            if (r.outcome == AGENT_REFUSED) {
                /* a record the server cannot read would stop the follower
                 * for good: say it and skip past it */
                log_error("rejected %s bytes %lld-%lld: %s; skipped", ch.name, ch.from, ch.to,
                          r.why);
                if (agent_follow_done(&f, &ch, &err) != LR_OK)
                    log_error("%s", err.message);
                continue;
            }
            backoff_ms = backoff_ms ? backoff_ms * 2 : 1000;
            if (backoff_ms > (int64_t)c->retry_max_sec * 1000)
                backoff_ms = (int64_t)c->retry_max_sec * 1000;
            log_warn("%s not sent: %s; trying again in %lld s", ch.name, r.why,
                     (long long)(backoff_ms + 999) / 1000);
            wait_ms = backoff_ms;
        } else if (st != LR_OK && st != LR_ENOTFOUND) {
            log_error("%s", err.message);
        }
        for (int64_t t = 0; t < wait_ms && !*stop; t += 100)
            agent_os_sleep_ms(100);
    }
    log_info("loginrec-agent: stopping");
    buf_free(&bytes);
    return 0;
#endif
}

/* agent_run on settings already checked. */
static int run_checked(const agent_config *c, volatile sig_atomic_t *stop)
{
    loop L;
    lr_error err;
    int64_t next_rescan = 0;

    if (c->follow[0])
        return follow_run(c, stop);
    memset(&L, 0, sizeof L);
    L.c = c;
    if (agent_state_open(&L.state, c->state_dir, &err) != LR_OK) {
        log_error("%s", err.message);
        return 1;
    }
    if (agent_watch_open(&L.watch, c->watch_dir, c->source, &err) != LR_OK) {
        log_error("%s", err.message);
        agent_state_close(&L.state);
        return 1;
    }
    buf_init(&L.bytes, FILE_MAX);
    log_info("loginrec-agent %s: watching %s for company %s, sending to %s%s%s (%zu files sent "
             "before)",
             LR_VERSION, c->watch_dir, c->company, c->server, c->proxy[0] ? " through " : "",
             c->proxy, L.state.n);
    while (!*stop) {
        int64_t now = agent_now_ms(), wake = INT64_MAX, timeout;
        agent_file *f;
        if (L.watch.dirty || now >= next_rescan) {
            if (agent_watch_scan(&L.watch, now, &err) != LR_OK)
                log_error("%s", err.message);
            if (now >= next_rescan)
                next_rescan = now + (int64_t)c->rescan_sec * 1000;
        }
        while (!*stop && now >= L.retry_at &&
               (f = agent_watch_ready(&L.watch, now, (int64_t)c->stable_sec * 1000, &wake)))
            if (handle(&L, f, now) < 0)
                break;
        if (now < L.retry_at || *stop)
            agent_watch_ready(&L.watch, now, (int64_t)c->stable_sec * 1000, &wake);
        timeout = next_rescan - now;
        if (wake - now < timeout)
            timeout = wake - now;
        if (L.retry_at > now && L.retry_at - now < timeout)
            timeout = L.retry_at - now;
        if (!*stop)
            agent_watch_wait(&L.watch, timeout < 10 ? 10 : timeout);
    }
    log_info("loginrec-agent: stopping");
    buf_free(&L.bytes);
    agent_watch_close(&L.watch);
    agent_state_close(&L.state);
    return 0;
}

int agent_run(const agent_config *c, volatile sig_atomic_t *stop)
{
    char problems[4096];
    if (agent_config_check(c, problems, sizeof problems) > 0) {
        fprintf(stderr, "loginrec-agent: the settings have problems:\n%s", problems);
        return 2;
    }
    return run_checked(c, stop);
}

int agent_run_service(const char *config_path, volatile sig_atomic_t *stop)
{
    while (!*stop) {
        agent_config c;
        lr_error err;
        char problems[4096];
        agent_config_defaults(&c);
        if (agent_config_load(&c, config_path, &err) != LR_OK) {
            char msg[1200];
            lr_error_format(&err, msg, sizeof msg);
            log_error("%s; read again in a minute", msg);
        } else if (agent_config_check(&c, problems, sizeof problems) > 0) {
            /* one line: the problems one after the other */
            for (char *p = strchr(problems, '\n'); p; p = strchr(p, '\n'))
                *p = p[1] ? '|' : '\0';
            log_error("the settings in %s have problems (read again in a minute): %s",
                      config_path, problems);
        } else {
            return run_checked(&c, stop);
        }
        for (int i = 0; i < 600 && !*stop; i++)
            agent_os_sleep_ms(100);
    }
    return 0;
}
