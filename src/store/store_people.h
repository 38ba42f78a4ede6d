/*
 * store_people — who punches: divisions (所属, with their 日付変更時間),
 * employees (打刻先アカウント) and their links to PC user names
 * (サービスアカウント) per integration. Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_PEOPLE_H
#define LR_STORE_STORE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "util/status.h"

typedef struct lr_store lr_store;

typedef struct lr_division {
    int64_t id;
    int64_t company_id;
    char code[64];
    char name[256];
    int day_change_min; /* 日付変更時間 */
    int div_start_min, div_end_min; /* 乖離 limits; 0: the company's (store_divergence.h) */
} lr_division;

typedef struct lr_employee {
    int64_t id;
    int64_t company_id;
    char code[64]; /* 打刻先アカウント */
    char last_name[128];
    char first_name[128];
    int64_t division_id; /* 0: none */
    int day_change_min;  /* of the division; 0 without one */
    int deleted;
    char kot_key[64]; /* KING OF TIME's stable id; "" until synced */
} lr_employee;

typedef struct lr_link {
    int64_t employee_id;
    link_kind kind;
    char account[LR_ACCOUNT_MAX + 1];
} lr_link;

typedef int (*store_employee_cb)(void *ctx, const lr_employee *e);
typedef int (*store_division_cb)(void *ctx, const lr_division *d);
typedef int (*store_link_cb)(void *ctx, const lr_link *l);

lr_status store_division_upsert(lr_store *s, lr_division *d, lr_error *err);
lr_status store_division_get(lr_store *s, int64_t company_id, const char *code, lr_division *out,
                             lr_error *err);
lr_status store_divisions_list(lr_store *s, int64_t company_id, store_division_cb cb, void *ctx,
                               lr_error *err);
lr_status store_employee_insert(lr_store *s, lr_employee *e, lr_error *err);
lr_status store_employee_get(lr_store *s, int64_t company_id, const char *code, lr_employee *out,
                             lr_error *err);
lr_status store_employee_by_id(lr_store *s, int64_t id, lr_employee *out, lr_error *err);
/* store_employee_by_id for ids[0..n) into out[0..n) at once; LR_ENOTFOUND
 * when one is not there. */
lr_status store_employees_by_ids(lr_store *s, const int64_t *ids, size_t n, lr_employee *out,
                                 lr_error *err);
/* Rewrites code, names, division, kot_key and deleted of employee e->id. */
lr_status store_employee_update(lr_store *s, const lr_employee *e, lr_error *err);
/* Every employee of the company, deleted ones too, by code. */
lr_status store_employees_list(lr_store *s, int64_t company_id, store_employee_cb cb, void *ctx,
                               lr_error *err);
/* Sets employee's account for kind. *prev_account gets the account it
 * replaces ("" if none). LR_EEXIST when another employee has it. */
lr_status store_link_set(lr_store *s, int64_t company_id, const lr_link *l, char *prev_account,
                         size_t prevsz, lr_error *err);
/* The employees (not deleted) linked to each of accounts[0..n) for a
 * source's kind (LINK_NONE: any kind), read at once: each to cb with the
 * account's index and the employee's day-change time. */
typedef struct store_account_key {
    link_kind kind;
    const char *account;
} store_account_key;
typedef void (*store_resolved_cb)(void *ctx, size_t i, int64_t employee_id, int day_change_min);
lr_status store_links_resolve_all(lr_store *s, int64_t company_id, const store_account_key *keys,
                                  size_t n, store_resolved_cb cb, void *ctx, lr_error *err);
/* The links of employees ids[0..n) at once, each to cb with its
 * employee's index. */
typedef void (*store_link_of_cb)(void *ctx, size_t i, const lr_link *l);
lr_status store_links_of_employees(lr_store *s, const int64_t *ids, size_t n, store_link_of_cb cb,
                                   void *ctx, lr_error *err);
lr_status store_links_of_employee(lr_store *s, int64_t employee_id, lr_link *out, size_t max,
                                  size_t *n, lr_error *err);
/* Every link of the company (of employees deleted or not), by kind. */
lr_status store_links_list(lr_store *s, int64_t company_id, store_link_cb cb, void *ctx,
                           lr_error *err);
/* Removes the employee's link of kind, if any. */
lr_status store_link_delete(lr_store *s, int64_t company_id, link_kind kind, int64_t employee_id,
                            lr_error *err);
/* Every division of the company, by code, in one array the caller frees
 * (NULL when there is none). */
lr_status store_divisions_all(lr_store *s, int64_t company_id, lr_division **out, size_t *n,
                              lr_error *err);

#endif
