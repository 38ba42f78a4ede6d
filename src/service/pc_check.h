/*
 * pc_check — what a PC's own Windows log shows is wrong with the links:
 * one user name that is two or more local accounts (rule 7 of the Windows
 * sessions: the same name under different SIDs on different PCs, the
 * manuals' FAQ 5.2.1 trouble). Their events are flagged shared_account;
 * this names the PCs, for `loginrec check` and 連携状況.
 */
#ifndef LR_SERVICE_PC_CHECK_H
#define LR_SERVICE_PC_CHECK_H

#include "store/store.h"

#define PC_CHECK_DAYS 90 /* how far back the records are read */

/* One name: each of its SIDs with a PC it was seen on (by SID, then PC). */
typedef struct pc_shared_name {
    const char *account;
    const lr_pc_sid_host *seen;
    size_t n;
} pc_shared_name;

typedef int (*pc_shared_cb)(void *ctx, const pc_shared_name *s);

/* Calls cb for each name of company c with two or more SIDs in the
 * PC_CHECK_DAYS days before now; *n gets how many names. */
lr_status pc_shared_names(lr_store *s, const lr_company *c, int64_t now, pc_shared_cb cb, void *ctx,
                          size_t *n, lr_error *err);

/* The name's PCs in words, in English ("SID S-1-5-21-…-1001 on PC-01;
 * SID S-1-5-21-…-1002 on PC-02, PC-03"). */
void pc_shared_name_text(const pc_shared_name *s, char *out, size_t outsz);

#endif
