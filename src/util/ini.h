/*
 * ini — the settings files of loginrec's programs (the agent's
 * agent.ini, loginrecd.conf): "name = value" lines under one [section],
 * blank lines and lines starting with # or ; ignored. The reader only
 * splits lines and says where a line is wrong; what a name means and
 * which values it takes is the caller's (its set function).
 */
#ifndef LR_UTIL_INI_H
#define LR_UTIL_INI_H

#include <stdio.h>

#include "util/status.h"

/* Takes one setting, found on line: LR_OK, or a status with why filled
 * (why's message says what was expected; the reader adds the file, line
 * and column). */
typedef lr_status (*ini_set_fn)(void *ctx, const char *name, const char *value, long line,
                                lr_error *why);

/* Reads f (opened by the caller, path only for messages) to its end,
 * passing each setting to set. Settings go under [section]; any other
 * section is refused, and so are lines without '=', lines longer than 2
 * KiB, and names or values longer than the reader keeps (63 and 1,023
 * bytes). Stops at the first problem, with err's file, line and column
 * (of the value's first character, for one set refused). */
lr_status ini_read(FILE *f, const char *path, const char *section, ini_set_fn set, void *ctx,
                   lr_error *err);

#endif
