/*
 * pc_check — one user name that is two accounts (see pc_check.h).
 */
#include "service/pc_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

/* The rows of the name being read, until the next name comes: each a
 * copy (the store's strings last one row) in one block (account, SID,
 * PC), which its account points at. */
typedef struct group {
    lr_pc_sid_host *v;
    size_t n, cap;
    pc_shared_cb cb;
    void *ctx;
    size_t names;
    int stop, oom;
} group;

static void group_clear(group *g)
{
    for (size_t i = 0; i < g->n; i++)
        free((char *)g->v[i].account);
    g->n = 0;
}

static void flush(group *g)
{
    pc_shared_name s;
    if (g->n == 0 || g->stop)
        return;
    s = (pc_shared_name){g->v[0].account, g->v, g->n};
    g->names++;
    g->stop = g->cb(g->ctx, &s);
    group_clear(g);
}

static int add_row(void *ctx, const lr_pc_sid_host *r)
{
    group *g = ctx;
    size_t la = strlen(r->account) + 1, ls = strlen(r->sid) + 1, lh = strlen(r->host) + 1;
    char *copy;
    if (g->n && strcmp(g->v[0].account, r->account) != 0)
        flush(g);
    if (g->stop)
        return 1;
    if (!vec_room((void **)&g->v, &g->cap, g->n, sizeof *g->v) || !(copy = malloc(la + ls + lh))) {
        g->oom = 1;
        return 1;
    }
    memcpy(copy, r->account, la);
    memcpy(copy + la, r->sid, ls);
    memcpy(copy + la + ls, r->host, lh);
    g->v[g->n++] = (lr_pc_sid_host){copy, copy + la, copy + la + ls, r->last_utc};
    return 0;
}

lr_status pc_shared_names(lr_store *s, const lr_company *c, int64_t now, pc_shared_cb cb, void *ctx,
                          size_t *n, lr_error *err)
{
    group g = {NULL, 0, 0, cb, ctx, 0, 0, 0};
    int64_t since = now - (int64_t)PC_CHECK_DAYS * 86400;
    lr_status st = store_pc_names_of_two_sids(s, c->id, since, add_row, &g, err);
    if (st == LR_OK && g.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory");
    if (st == LR_OK)
        flush(&g);
    group_clear(&g);
    free(g.v);
    *n = g.names;
    return st;
}

void pc_shared_name_text(const pc_shared_name *s, char *out, size_t outsz)
{
    size_t len = 0;
    if (outsz == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < s->n && len < outsz; i++) {
        const lr_pc_sid_host *r = &s->seen[i];
        int same_sid = i > 0 && strcmp(s->seen[i - 1].sid, r->sid) == 0;
        int w = same_sid ? snprintf(out + len, outsz - len, ", %s", r->host)
                         : snprintf(out + len, outsz - len, "%sSID %s on %s", i ? "; " : "",
                                    r->sid, r->host);
        if (w < 0)
            return;
        len += (size_t)w;
    }
}
