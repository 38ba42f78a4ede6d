/*
 * agent_watch — folder scanning, inotify and the stable-size rule (see
 * agent_watch.h).
 */
#include "agent/agent_watch.h"

#include "agent/agent_config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/vec.h"

#define WATCH_MASK                                                                                 \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM |            \
     IN_DELETE_SELF | IN_MOVE_SELF)

int64_t agent_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lr_status agent_watch_open(agent_watch *w, const char *dir, const char *source, lr_error *err)
{
    memset(w, 0, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    snprintf(w->source, sizeof w->source, "%s", source);
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    w->wd = w->ifd >= 0 ? inotify_add_watch(w->ifd, dir, WATCH_MASK) : -1;
    if (w->ifd >= 0 && w->wd < 0 && errno == ENOENT) {
        close(w->ifd);
        w->ifd = -1;
        return lr_fail(err, LR_EIO, "the watch folder %s does not exist", dir);
    }
    w->dirty = 1;
    return LR_OK;
}

void agent_watch_close(agent_watch *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].name);
    free(w->v);
    if (w->ifd >= 0)
        close(w->ifd);
    memset(w, 0, sizeof *w);
    w->ifd = -1;
}

static agent_file *find(agent_watch *w, const char *name)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i].name, name) == 0)
            return &w->v[i];
    return NULL;
}

static agent_file *add(agent_watch *w, const char *name)
{
    agent_file *f;
    if (!vec_room((void **)&w->v, &w->cap, w->n, sizeof *w->v))
        return NULL;
    f = &w->v[w->n];
    memset(f, 0, sizeof *f);
    if (!(f->name = strdup(name)))
        return NULL;
    w->n++;
    return f;
}

void agent_watch_touch(agent_file *f, long long size, int64_t mtime_ns, int64_t now_ms)
{
    f->size = size;
    f->mtime_ns = mtime_ns;
    f->changed_at = now_ms;
    f->done = 0;
}

lr_status agent_watch_scan(agent_watch *w, int64_t now_ms, lr_error *err)
{
    DIR *d;
    struct dirent *de;
    size_t j = 0;

    w->dirty = 0;
    if (w->ifd >= 0 && w->wd < 0)
        w->wd = inotify_add_watch(w->ifd, w->dir, WATCH_MASK); /* the folder came back */
    if (!(d = opendir(w->dir)))
        return lr_fail(err, LR_EIO, "cannot read the watch folder %s: %s", w->dir,
                       strerror(errno));
    for (size_t i = 0; i < w->n; i++)
        w->v[i].seen = 0;
    while ((de = readdir(d))) {
        struct stat sb;
        char path[2048];
        agent_file *f;
        int64_t mtime;
        if (!agent_source_wants(w->source, de->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", w->dir, de->d_name);
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
        if (!(f = find(w, de->d_name))) {
            if (!(f = add(w, de->d_name))) {
                closedir(d);
                return lr_fail(err, LR_ENOMEM, "out of memory");
            }
            agent_watch_touch(f, (long long)sb.st_size, mtime, now_ms);
        } else if (f->size != (long long)sb.st_size || f->mtime_ns != mtime) {
            agent_watch_touch(f, (long long)sb.st_size, mtime, now_ms);
        }
        f->seen = 1;
    }
    closedir(d);
    for (size_t i = 0; i < w->n; i++) { /* forget files that are gone */
        if (w->v[i].seen)
            w->v[j++] = w->v[i];
        else
            free(w->v[i].name);
    }
    w->n = j;
    return LR_OK;
}

agent_file *agent_watch_ready(agent_watch *w, int64_t now_ms, int64_t stable_ms,
                              int64_t *wake_at)
{
    agent_file *best = NULL;
    *wake_at = INT64_MAX;
    for (size_t i = 0; i < w->n; i++) {
        agent_file *f = &w->v[i];
        if (f->done)
            continue;
        if (now_ms - f->changed_at < stable_ms) {
            if (f->changed_at + stable_ms < *wake_at)
                *wake_at = f->changed_at + stable_ms;
            continue;
        }
        if (!best || strcmp(f->name, best->name) < 0)
            best = f;
    }
    return best;
}

void agent_watch_wait(agent_watch *w, int64_t timeout_ms)
{
    struct pollfd p = {w->ifd, POLLIN, 0};
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t k;
    if (timeout_ms < 0)
        timeout_ms = 0;
    if (timeout_ms > 60000)
        timeout_ms = 60000;
    if (w->ifd < 0) {
        struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
        return;
    }
    if (poll(&p, 1, (int)timeout_ms) <= 0)
        return;
    while ((k = read(w->ifd, buf, sizeof buf)) > 0) {
        for (char *q = buf; q < buf + k;) {
            const struct inotify_event *ev = (const struct inotify_event *)q;
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
                w->wd = -1; /* watch again at the next scan */
            q += sizeof *ev + ev->len;
        }
        w->dirty = 1;
    }
}
