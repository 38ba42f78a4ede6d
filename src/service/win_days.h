/*
 * win_days — an account's Windows sessions as the day engine's events.
 * Reads the account's stored records and the own records of the hosts it
 * used (boots, shutdowns, sleeps), decides the sessions (core/win_session)
 * and gives each session's start as a logon and its end as a logoff. With
 * 休憩打刻する on, an idle span (lock, screensaver, sleep) of at least the
 * company's idle-break minutes cuts the session in two, so the day engine
 * sees the gap and punches a break. Runs inside rederive (service/).
 */
#ifndef LR_SERVICE_WIN_DAYS_H
#define LR_SERVICE_WIN_DAYS_H

#include "service/pc_days.h"

/* Appends the day events of account's sessions in [from, to). */
lr_status win_days_add(lr_store *s, const lr_company *c, const char *account, int64_t from,
                       int64_t to, const pc_days_out *out, lr_error *err);

#endif
