/*
 * evtx_child — .evtx decoding in a child process (see evtx_child.h).
 */
#include "sources/evtx_child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FRAME_MAX (64u * 1024 * 1024)

extern char **environ;

static int write_frame(FILE *out, char type, const void *a, size_t alen, const void *b,
                       size_t blen)
{
    uint32_t len = (uint32_t)(alen + blen);
    unsigned char hdr[5] = {(unsigned char)type, (unsigned char)len, (unsigned char)(len >> 8),
                            (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
    return fwrite(hdr, 1, 5, out) == 5 && fwrite(a, 1, alen, out) == alen &&
           (blen == 0 || fwrite(b, 1, blen, out) == blen);
}

int evtx_child_write_record(FILE *out, const win_record *r, const char *raw, size_t rawlen)
{
    return write_frame(out, 'R', r, sizeof *r, raw, rawlen);
}

int evtx_child_write_end(FILE *out, const evtx_stats *st, lr_status status, const lr_error *err)
{
    unsigned char buf[sizeof *st + 4 + sizeof *err];
    int32_t s = (int32_t)status;
    memcpy(buf, st, sizeof *st);
    memcpy(buf + sizeof *st, &s, 4);
    memcpy(buf + sizeof *st + 4, err, sizeof *err);
    return write_frame(out, 'E', buf, sizeof buf, NULL, 0) && fflush(out) == 0;
}

/* The helper: LOGINREC_EVTX_HELPER, else loginrec-evtx beside this program
 * (the build), else in ../libexec/loginrec from it (installed). */
static int helper_path(char *out, size_t outsz)
{
    const char *env = getenv("LOGINREC_EVTX_HELPER");
    char self[PATH_MAX];
    ssize_t n;
    char *slash;
    if (env && *env) {
        snprintf(out, outsz, "%s", env);
        return 1;
    }
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 0;
    self[n] = '\0';
    if (!(slash = strrchr(self, '/')))
        return 0;
    *slash = '\0';
    snprintf(out, outsz, "%s/loginrec-evtx", self);
    if (access(out, X_OK) != 0) /* installed: BINDIR/../libexec/loginrec (make install) */
        snprintf(out, outsz, "%s/../libexec/loginrec/loginrec-evtx", self);
    return 1;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

static int read_all(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        p += r;
        n -= (size_t)r;
    }
    return 1;
}

/* Reads the helper's frames, handing records to fn: LR_OK and *ended when
 * the end frame came (its status in *status), else what went wrong. */
static lr_status read_frames(int fd, const char *what, win_record_fn fn, void *ctx,
                             evtx_stats *stats, lr_status *status, int *ended, lr_error *err)
{
    unsigned char hdr[5];
    char *payload = NULL;
    size_t cap = 0;
    lr_status st = LR_OK;
    *ended = 0;
    while (st == LR_OK && !*ended && read_all(fd, hdr, 5)) {
        uint32_t len = (uint32_t)hdr[1] | (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3] << 16 |
                       (uint32_t)hdr[4] << 24;
        if (len > FRAME_MAX)
            break;
        if (len + 1 > cap) {
            char *p = realloc(payload, len + 1);
            if (!p) {
                st = lr_fail(err, LR_ENOMEM, "out of memory");
                break;
            }
            payload = p;
            cap = len + 1;
        }
        if (!read_all(fd, payload, len))
            break;
        payload[len] = '\0';
        if (hdr[0] == 'R' && len >= sizeof(win_record)) {
            win_record r, sent;
            memcpy(&sent, payload, sizeof sent); /* its pointers point into the helper */
            win_record_copy(&r, &sent);
            r.provider[sizeof r.provider - 1] = r.host[sizeof r.host - 1] = '\0';
            r.user[sizeof r.user - 1] = r.sid[sizeof r.sid - 1] = r.channel[sizeof r.channel - 1] = '\0';
            r.logon_process[sizeof r.logon_process - 1] = r.process[sizeof r.process - 1] = '\0';
            st = fn(ctx, &r, payload + sizeof r, len - sizeof r, err);
        } else if (hdr[0] == 'E' && len == sizeof *stats + 4 + sizeof(lr_error)) {
            int32_t s;
            memcpy(stats, payload, sizeof *stats);
            memcpy(&s, payload + sizeof *stats, 4);
            *status = (lr_status)s;
            if (s != LR_OK && err) {
                memcpy(err, payload + sizeof *stats + 4, sizeof *err);
                err->message[sizeof err->message - 1] = err->file[sizeof err->file - 1] = '\0';
            }
            *ended = 1;
        } else {
            break;
        }
    }
    free(payload);
    (void)what;
    return st;
}

/* The helper's environment: this process's without loginrec's own
 * variables. The helper reads untrusted files; the secrets key
 * (LOGINREC_KEY) and a database URL with its password (LOGINREC_DB),
 * which loginrecd.conf's key and db become, stay out of it. The caller
 * frees the array (not its strings). */
static char **env_without_ours(void)
{
    size_t n = 0, k = 0;
    char **envp;
    while (environ[n])
        n++;
    if (!(envp = malloc((n + 1) * sizeof *envp)))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LOGINREC_", 9) != 0)
            envp[k++] = environ[i];
    envp[k] = NULL;
    return envp;
}

lr_status evtx_parse_isolated(const char *what, const unsigned char *bytes, size_t n, int partial,
                              win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err)
{
    char helper[PATH_MAX + 32];
    char *argv[4], **envp;
    int rc;
    int in[2] = {-1, -1}, out[2] = {-1, -1}, ended = 0, wstatus = 0;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    lr_status st, status = LR_EIO;
    void (*old_pipe)(int);

    memset(stats, 0, sizeof *stats);
    if (!helper_path(helper, sizeof helper))
        return lr_fail(err, LR_EIO, "cannot find the .evtx helper loginrec-evtx");
    /* close-on-exec: another thread's helper must not inherit these */
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
        st = lr_fail(err, LR_EIO, "cannot start the .evtx helper: %s", strerror(errno));
        goto close;
    }
    argv[0] = helper;
    argv[1] = (char *)(partial ? "--partial" : "--whole");
    argv[2] = (char *)what;
    argv[3] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    if (!(envp = env_without_ours())) {
        posix_spawn_file_actions_destroy(&fa);
        st = lr_fail(err, LR_ENOMEM, "out of memory");
        goto close;
    }
    rc = posix_spawn(&pid, helper, &fa, NULL, argv, envp);
    free(envp);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&fa);
        st = lr_fail(err, LR_EIO, "cannot start the .evtx helper %s: %s", helper, strerror(errno));
        goto close;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    in[0] = out[1] = -1;
    /* the helper reads the whole file before it writes: write, then read */
    old_pipe = signal(SIGPIPE, SIG_IGN);
    write_all(in[1], bytes, n);
    signal(SIGPIPE, old_pipe);
    close(in[1]);
    in[1] = -1;
    st = read_frames(out[0], what, fn, ctx, stats, &status, &ended, err);
    close(out[0]);
    out[0] = -1;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (st != LR_OK)
        return st;
    if (!ended) {
        if (WIFSIGNALED(wstatus))
            return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                              "libevtx failed on this file (its reader was stopped by signal %d%s): "
                              "the file is damaged beyond what can be read; nothing was taken. "
                              "Copy the log again from the PC",
                              WTERMSIG(wstatus),
                              WTERMSIG(wstatus) == SIGXCPU || WTERMSIG(wstatus) == SIGKILL
                                  ? ", past its time or memory limit"
                                  : "");
        return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                          "libevtx failed on this file (its reader ended with status %d): the "
                          "file is damaged beyond what can be read; nothing was taken",
                          WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
    }
    return status;
close:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    return st;
}
