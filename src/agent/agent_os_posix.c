/*
 * agent_os_posix — the agent's platform on Linux (see agent_os.h): inotify
 * for the folder, libcurl for HTTP, libsodium's BLAKE2b for the ledger.
 */
#ifndef _WIN32
#include "agent/agent_os.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net/curl_call.h"

void agent_os_init(void)
{
    net_init();
}

void agent_os_state_dir(char *out, size_t outsz)
{
    const char *sd = getenv("STATE_DIRECTORY");
    snprintf(out, outsz, "%s", sd && *sd ? sd : "/var/lib/loginrec-agent");
}

int64_t agent_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void agent_os_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    if (ms > 0)
        nanosleep(&ts, NULL); /* a signal ends it early, as the caller wants */
}

void agent_os_wake(void)
{
}

FILE *agent_os_fopen(const char *path, const char *mode)
{
    return fopen(path, mode);
}

static int64_t mtime_of(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

lr_status agent_os_read_file(const char *path, lr_buf *b, long long *size, int64_t *mtime_ns,
                             lr_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char chunk[65536];
    ssize_t k;
    struct stat sb;
    lr_status st = LR_OK;

    if (fd < 0)
        return lr_fail(err, LR_EIO, "cannot open %s: %s", path, strerror(errno));
    while ((k = read(fd, chunk, sizeof chunk)) > 0)
        if ((st = buf_append(b, chunk, (size_t)k)) != LR_OK)
            break;
    if (st == LR_OK && k < 0)
        st = lr_fail(err, LR_EIO, "cannot read %s: %s", path, strerror(errno));
    else if (st != LR_OK)
        st = lr_fail(err, LR_ETOOBIG, "too big");
    if (st == LR_OK && fstat(fd, &sb) != 0)
        st = lr_fail(err, LR_EIO, "cannot stat %s: %s", path, strerror(errno));
    if (st == LR_OK) {
        *size = (long long)sb.st_size;
        *mtime_ns = mtime_of(&sb);
    }
    close(fd);
    return st;
}

lr_status agent_os_append_sync(const char *path, const char *bytes, size_t n, lr_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ssize_t w;
    if (fd < 0)
        return lr_fail(err, LR_EIO, "cannot write %s: %s", path, strerror(errno));
    w = write(fd, bytes, n);
    if (w != (ssize_t)n || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return lr_fail(err, LR_EIO, "cannot write %s: %s", path, strerror(e));
    }
    close(fd);
    return LR_OK;
}

int agent_os_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

int agent_os_rename(const char *from, const char *to, char *why, size_t whysz)
{
    if (rename(from, to) == 0)
        return 0;
    snprintf(why, whysz, "%s", strerror(errno));
    return -1;
}

int agent_os_mkdir(const char *path, char *why, size_t whysz)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    snprintf(why, whysz, "%s", strerror(errno));
    return -1;
}

int agent_os_check_dir(const char *path, int create, char *why, size_t whysz)
{
    struct stat sb;
    if (stat(path, &sb) != 0 && create && errno == ENOENT && mkdir(path, 0700) == 0)
        return 0;
    if (stat(path, &sb) != 0)
        snprintf(why, whysz, "cannot be opened: %s", strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        snprintf(why, whysz, "is not a folder");
    else if (access(path, R_OK | W_OK | X_OK) != 0)
        snprintf(why, whysz, "cannot be read and written by this user");
    else
        return 0;
    return -1;
}

int agent_os_check_readable(const char *path, char *why, size_t whysz)
{
    if (access(path, R_OK) == 0)
        return 0;
    snprintf(why, whysz, "%s", strerror(errno));
    return -1;
}

lr_status agent_os_list(const char *dir, agent_os_file_fn fn, void *ctx, lr_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d)
        return lr_fail(err, LR_EIO, "cannot read the watch folder %s: %s", dir, strerror(errno));
    while ((de = readdir(d))) {
        struct stat sb;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (fn(ctx, de->d_name, (long long)sb.st_size, mtime_of(&sb)))
            break;
    }
    closedir(d);
    return LR_OK;
}

#define WATCH_MASK                                                                                 \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM |            \
     IN_DELETE_SELF | IN_MOVE_SELF)

struct agent_os_watch {
    char dir[1024];
    int ifd; /* inotify descriptor, -1 without */
    int wd;  /* its watch on dir, -1 when lost */
};

agent_os_watch *agent_os_watch_open(const char *dir, lr_error *err)
{
    agent_os_watch *w = calloc(1, sizeof *w);
    if (!w) {
        lr_fail(err, LR_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    w->wd = w->ifd >= 0 ? inotify_add_watch(w->ifd, dir, WATCH_MASK) : -1;
    if (w->ifd >= 0 && w->wd < 0 && errno == ENOENT) {
        close(w->ifd);
        free(w);
        lr_fail(err, LR_EIO, "the watch folder %s does not exist", dir);
        return NULL;
    }
    return w;
}

void agent_os_watch_rearm(agent_os_watch *w)
{
    if (w->ifd >= 0 && w->wd < 0)
        w->wd = inotify_add_watch(w->ifd, w->dir, WATCH_MASK); /* the folder came back */
}

int agent_os_watch_wait(agent_os_watch *w, int64_t timeout_ms)
{
    struct pollfd p = {w->ifd, POLLIN, 0};
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t k;
    int changed = 0;
    if (w->ifd < 0) {
        agent_os_sleep_ms(timeout_ms);
        return 0;
    }
    if (poll(&p, 1, (int)timeout_ms) <= 0)
        return 0;
    while ((k = read(w->ifd, buf, sizeof buf)) > 0) {
        for (char *q = buf; q < buf + k;) {
            const struct inotify_event *ev = (const struct inotify_event *)q;
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
                w->wd = -1; /* watch again at the next scan */
            q += sizeof *ev + ev->len;
        }
        changed = 1;
    }
    return changed;
}

void agent_os_watch_close(agent_os_watch *w)
{
    if (!w)
        return;
    if (w->ifd >= 0)
        close(w->ifd);
    free(w);
}

int agent_os_hash(const char *bytes, size_t n, char out[AGENT_HASH_HEX + 1])
{
    unsigned char h[32];
    if (crypto_generichash(h, sizeof h, (const unsigned char *)bytes, n, NULL, 0) != 0)
        return -1;
    sodium_bin2hex(out, AGENT_HASH_HEX + 1, h, sizeof h);
    return 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    agent_answer *a = ctx;
    size_t k = size * n;
    static const char name[] = "WWW-Authenticate:";
    if (k > sizeof name && strncasecmp(p, name, sizeof name - 1) == 0) {
        const char *v = p + sizeof name - 1;
        size_t m = 0;
        while (*v == ' ')
            v++;
        while (m + 1 < sizeof a->www_auth && v < p + k && *v != ' ' && *v != '\r')
            a->www_auth[m++] = *v++;
        a->www_auth[m] = '\0';
    }
    return k;
}

static agent_net net_of(CURLcode cc)
{
    switch (net_outcome_of(cc)) {
    case NET_ANSWERED:
        return AGENT_NET_ANSWERED;
    case NET_RESOLVE_PROXY:
        return AGENT_NET_RESOLVE_PROXY;
    case NET_RESOLVE:
        return AGENT_NET_RESOLVE;
    case NET_CONNECT:
        return AGENT_NET_CONNECT;
    case NET_TIMEOUT:
        return AGENT_NET_TIMEOUT;
    case NET_TLS:
        return AGENT_NET_TLS;
    default:
        return AGENT_NET_OTHER;
    }
}

void agent_os_http(const agent_http *req, agent_answer *a)
{
    char proxy[300], err[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = NULL;
    CURL *e = curl_easy_init();
    net_opts o = {e, CURLE_OK};
    CURLcode cc;

    a->status = 0;
    a->www_auth[0] = a->message[0] = '\0';
    if (!e) {
        a->net = AGENT_NET_OTHER;
        snprintf(a->message, sizeof a->message, "out of memory");
        return;
    }
    for (const char *const *p = req->headers; *p; p++)
        h = curl_slist_append(h, *p);
    h = curl_slist_append(h, "Expect:");
    if (req->body) {
        net_opt(&o, CURLOPT_POSTFIELDS, req->body);
        net_opt(&o, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->n);
    }
    net_common(&o, req->url, h, (long)req->timeout_ms, 10000L, &a->body);
    net_opt(&o, CURLOPT_ERRORBUFFER, err);
    net_opt(&o, CURLOPT_HEADERFUNCTION, on_header);
    net_opt(&o, CURLOPT_HEADERDATA, a);
    if (req->proxy[0]) {
        snprintf(proxy, sizeof proxy, "http://%s", req->proxy);
        net_opt(&o, CURLOPT_PROXY, proxy);
        net_opt(&o, CURLOPT_NOPROXY, ""); /* the setting wins over no_proxy */
        if (req->proxy_user[0]) {
            net_opt(&o, CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC);
            net_opt(&o, CURLOPT_PROXYUSERNAME, req->proxy_user);
            net_opt(&o, CURLOPT_PROXYPASSWORD, req->proxy_password);
        }
    } else {
        net_opt(&o, CURLOPT_PROXY, ""); /* no proxy from the environment either */
    }
    if (o.first != CURLE_OK) {
        a->net = AGENT_NET_OTHER;
        snprintf(a->message, sizeof a->message, "cannot set the call up: %s",
                 curl_easy_strerror(o.first));
    } else {
        cc = curl_easy_perform(e);
        if (curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &a->status) != CURLE_OK)
            a->status = 0;
        a->net = net_of(cc);
        snprintf(a->message, sizeof a->message, "%s", err[0] ? err : curl_easy_strerror(cc));
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
}
#endif
