/*
 * store — the instance id, the division list and the handle pool (see store.h).
 */
#include "store/store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sql_internal.h"
#include "util/vec.h"

int store_is_pg(const char *where)
{
    return strncmp(where, "postgres://", 11) == 0 || strncmp(where, "postgresql://", 13) == 0;
}

static char instance_id[128];
static pthread_once_t instance_once = PTHREAD_ONCE_INIT;

static void make_instance_id(void)
{
    char host[64] = "";
    unsigned char r[4];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "?");
    host[sizeof host - 1] = '\0';
    randombytes_buf(r, sizeof r);
    snprintf(instance_id, sizeof instance_id, "%s:%ld:%02x%02x%02x%02x", host, (long)getpid(), r[0],
             r[1], r[2], r[3]);
}

const char *store_instance_id(void)
{
    pthread_once(&instance_once, make_instance_id);
    return instance_id;
}

typedef struct div_list {
    lr_division *v;
    size_t n, cap;
    int oom;
} div_list;

static int keep_division(void *ctx, const lr_division *d)
{
    div_list *l = ctx;
    if (!vec_room((void **)&l->v, &l->cap, l->n, sizeof *l->v)) {
        l->oom = 1;
        return 1;
    }
    l->v[l->n++] = *d;
    return 0;
}

lr_status store_divisions_all(lr_store *s, int64_t company_id, lr_division **out, size_t *n,
                              lr_error *err)
{
    div_list l = {NULL, 0, 0, 0};
    lr_status st = store_divisions_list(s, company_id, keep_division, &l, err);
    if (st == LR_OK && l.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory reading divisions");
    if (st != LR_OK) {
        free(l.v);
        l.v = NULL;
        l.n = 0;
    }
    *out = l.v;
    *n = l.n;
    return st;
}

typedef struct company_list {
    lr_company *v;
    size_t n, cap;
    int oom;
} company_list;

static int keep_company(void *ctx, const lr_company *c)
{
    company_list *l = ctx;
    if (!vec_room((void **)&l->v, &l->cap, l->n, sizeof *l->v)) {
        l->oom = 1;
        return 1;
    }
    l->v[l->n++] = *c;
    return 0;
}

lr_status store_companies_all(lr_store *s, lr_company **out, size_t *n, lr_error *err)
{
    company_list l = {NULL, 0, 0, 0};
    lr_status st = store_companies_list(s, keep_company, &l, err);
    if (st == LR_OK && l.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory reading companies");
    if (st != LR_OK) {
        free(l.v);
        l.v = NULL;
        l.n = 0;
    }
    *out = l.v;
    *n = l.n;
    return st;
}

void store_close(lr_store *s)
{
    if (s)
        sq_close(s);
}

struct lr_store_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size, nfree;
    lr_store **all;
    lr_store **free_list;
};

lr_status store_pool_open(const char *where, int size, lr_store_pool **out, lr_error *err)
{
    lr_store_pool *p = calloc(1, sizeof *p);
    lr_status st = LR_OK;

    *out = NULL;
    if (!p)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    p->all = calloc((size_t)size, sizeof *p->all);
    p->free_list = calloc((size_t)size, sizeof *p->free_list);
    if (!p->all || !p->free_list) {
        free(p->all);
        free(p->free_list);
        free(p);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    for (int i = 0; i < size; i++) {
        st = store_open(where, &p->all[i], err);
        if (st != LR_OK)
            break;
        p->free_list[p->nfree++] = p->all[i];
        p->size++;
    }
    if (st != LR_OK) {
        store_pool_close(p);
        return st;
    }
    *out = p;
    return LR_OK;
}

lr_store *store_pool_take(lr_store_pool *p)
{
    lr_store *s;
    pthread_mutex_lock(&p->lock);
    while (p->nfree == 0)
        pthread_cond_wait(&p->freed, &p->lock);
    s = p->free_list[--p->nfree];
    pthread_mutex_unlock(&p->lock);
    return s;
}

void store_pool_give(lr_store_pool *p, lr_store *s)
{
    store_rollback(s); /* a handle goes back with no transaction open */
    pthread_mutex_lock(&p->lock);
    p->free_list[p->nfree++] = s;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void store_pool_close(lr_store_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++)
        store_close(p->all[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p->all);
    free(p->free_list);
    free(p);
}
