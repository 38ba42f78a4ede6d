/*
 * agent_watch — folder scanning, its notifications and the stable-size rule (see
 * agent_watch.h).
 */
#include "agent/agent_watch.h"

#include "agent/agent_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

lr_status agent_watch_open(agent_watch *w, const char *dir, const char *source, lr_error *err)
{
    memset(w, 0, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    snprintf(w->source, sizeof w->source, "%s", source);
    if (!(w->os = agent_os_watch_open(dir, err)))
        return err->code;
    w->dirty = 1;
    return LR_OK;
}

void agent_watch_close(agent_watch *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].name);
    free(w->v);
    agent_os_watch_close(w->os);
    memset(w, 0, sizeof *w);
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

typedef struct scan {
    agent_watch *w;
    int64_t now_ms;
    int oom;
} scan;

static int scan_file(void *ctx, const char *name, long long size, int64_t mtime)
{
    scan *sc = ctx;
    agent_file *f;
    if (!agent_source_wants(sc->w->source, name))
        return 0;
    if (!(f = find(sc->w, name))) {
        if (!(f = add(sc->w, name))) {
            sc->oom = 1;
            return 1;
        }
        agent_watch_touch(f, size, mtime, sc->now_ms);
    } else if (f->size != size || f->mtime_ns != mtime) {
        agent_watch_touch(f, size, mtime, sc->now_ms);
    }
    f->seen = 1;
    return 0;
}

lr_status agent_watch_scan(agent_watch *w, int64_t now_ms, lr_error *err)
{
    scan sc = {w, now_ms, 0};
    size_t j = 0;
    lr_status st;

    w->dirty = 0;
    agent_os_watch_rearm(w->os);
    for (size_t i = 0; i < w->n; i++)
        w->v[i].seen = 0;
    if ((st = agent_os_list(w->dir, scan_file, &sc, err)) != LR_OK)
        return st;
    if (sc.oom)
        return lr_fail(err, LR_ENOMEM, "out of memory");
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
    if (timeout_ms < 0)
        timeout_ms = 0;
    if (timeout_ms > 60000)
        timeout_ms = 60000;
    if (agent_os_watch_wait(w->os, timeout_ms))
        w->dirty = 1;
}
