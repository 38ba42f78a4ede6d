/*
 * unix_session — Linux sessions from login records (see unix_session.h).
 */
#include "core/unix_session.h"

#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

int unix_from_is_remote(const char *from)
{
    return from[0] != '\0' && from[0] != ':';
}

static int by_host_time(const void *pa, const void *pb, void *ctx)
{
    const unix_record *r = ctx, *a = &r[*(const size_t *)pa], *b = &r[*(const size_t *)pb];
    int c = strcmp(a->host, b->host);
    if (c)
        return c;
    if (a->utc != b->utc)
        return a->utc < b->utc ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static void end_session(unix_session *s, int64_t utc, int64_t id, unsigned flags)
{
    s->end = utc;
    s->end_id = id;
    s->flags |= flags;
}

lr_status unix_sessions_derive(const unix_record *records, size_t n, unix_session **out,
                               size_t *nout)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order), cap = 0, count = 0;
    unix_session *v = NULL;
    *out = NULL;
    *nout = 0;
    if (!order)
        return LR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof *order, by_host_time, (void *)records);
    for (size_t a = 0, b; a < n; a = b) {
        const char *host = records[order[a]].host;
        size_t first = count; /* the host's sessions are [first, count) */
        int64_t last = 0;
        int have_last = 0;
        for (b = a; b < n && strcmp(records[order[b]].host, host) == 0; b++) {
            const unix_record *r = &records[order[b]];
            for (size_t i = first; i < count; i++) {
                unix_session *s = &v[i];
                if (s->end)
                    continue;
                if ((r->kind == UNIX_LOGIN || r->kind == UNIX_LOGOUT) && strcmp(s->line, r->line) == 0)
                    end_session(s, r->utc, r->id, 0);
                else if (r->kind == UNIX_SHUTDOWN)
                    end_session(s, r->utc, r->id, 0);
                else if (r->kind == UNIX_BOOT)
                    end_session(s, have_last ? last : r->utc, r->id, UNIX_FLAG_ENDED_BY_BOOT);
            }
            if (r->kind == UNIX_LOGIN && r->user[0]) {
                if (!vec_room((void **)&v, &cap, count, sizeof *v)) {
                    free(order);
                    free(v);
                    return LR_ENOMEM;
                }
                v[count++] = (unix_session){r->host, r->line, r->user, r->utc, 0, r->id, 0,
                                            unix_from_is_remote(r->from) ? UNIX_FLAG_REMOTE : 0u};
            }
            last = r->utc;
            have_last = 1;
        }
    }
    free(order);
    *out = v;
    *nout = count;
    return LR_OK;
}
