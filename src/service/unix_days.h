/*
 * unix_days — an account's Linux sessions as the day engine's events:
 * reads the account's logins and the own records of the PCs it used,
 * decides the sessions (core/unix_session) and gives each session's start
 * as a logon and its end as a logoff (pc_days).
 * Runs inside rederive (service/).
 */
#ifndef LR_SERVICE_UNIX_DAYS_H
#define LR_SERVICE_UNIX_DAYS_H

#include "service/pc_days.h"

/* Appends the day events of account's sessions in [from, to). */
lr_status unix_days_add(lr_store *s, const lr_company *c, const char *account, int64_t from,
                        int64_t to, const pc_days_out *out, lr_error *err);

#endif
