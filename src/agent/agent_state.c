/*
 * agent_state — the sent-files ledger (see agent_state.h).
 */
#include "agent/agent_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

static lr_status remember(agent_state *st, const char *hash, long long size, const char *name)
{
    agent_sent *s;
    if (!vec_room((void **)&st->v, &st->cap, st->n, sizeof *st->v))
        return LR_ENOMEM;
    s = &st->v[st->n];
    snprintf(s->hash, sizeof s->hash, "%s", hash);
    s->size = size;
    if (!(s->name = strdup(name)))
        return LR_ENOMEM;
    st->n++;
    return LR_OK;
}

lr_status agent_state_open(agent_state *st, const char *state_dir, lr_error *err)
{
    FILE *f;
    char line[2048];
    long lineno = 0;

    memset(st, 0, sizeof *st);
    snprintf(st->path, sizeof st->path, "%s" AGENT_SEP "sent.tsv", state_dir);
    if (!(f = agent_os_fopen(st->path, "r"))) {
        if (errno == ENOENT)
            return LR_OK;
        return lr_fail(err, LR_EIO, "cannot read %s: %s", st->path, strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        char *size, *name, *end;
        long long sz;
        lineno++;
        if (!strchr(line, '\n'))
            break; /* a last line cut short by a crash: that file was not confirmed */
        line[strcspn(line, "\n")] = '\0';
        size = strchr(line, '\t');
        name = size ? strchr(size + 1, '\t') : NULL;
        if (!name || size - line != AGENT_HASH_HEX) {
            fclose(f);
            agent_state_close(st);
            return lr_fail_at(err, LR_EINVAL, st->path, lineno, 1,
                              "expected 'hash<TAB>size<TAB>name'");
        }
        *size++ = '\0';
        *name++ = '\0';
        sz = strtoll(size, &end, 10);
        if (*end || remember(st, line, sz, name) != LR_OK) {
            fclose(f);
            agent_state_close(st);
            return lr_fail_at(err, LR_EINVAL, st->path, lineno, AGENT_HASH_HEX + 2,
                              "expected a size");
        }
    }
    fclose(f);
    return LR_OK;
}

void agent_state_close(agent_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->v[i].name);
    free(st->v);
    st->v = NULL;
    st->n = st->cap = 0;
}

int agent_state_was_sent(const agent_state *st, const char *name, long long size,
                         const char *hash)
{
    for (size_t i = st->n; i-- > 0;)
        if (st->v[i].size == size && strcmp(st->v[i].hash, hash) == 0 &&
            strcmp(st->v[i].name, name) == 0)
            return 1;
    return 0;
}

lr_status agent_state_mark_sent(agent_state *st, const char *name, long long size,
                                const char *hash, lr_error *err)
{
    char line[1200];
    int k = snprintf(line, sizeof line, "%s\t%lld\t%s\n", hash, size, name);
    lr_status w;

    if (k < 0 || (size_t)k >= sizeof line || strpbrk(name, "\t\n"))
        return lr_fail(err, LR_EINVAL, "cannot record the file name '%s'", name);
    if ((w = agent_os_append_sync(st->path, line, (size_t)k, err)) != LR_OK)
        return w;
    if (remember(st, hash, size, name) != LR_OK)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    return LR_OK;
}
