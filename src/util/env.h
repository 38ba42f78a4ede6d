/*
 * env — numbers from the environment (timeouts, page sizes): the one way a
 * setting such as LOGINREC_KOT_TIMEOUT_MS is read. Thread-safe as long as
 * nobody changes the environment meanwhile.
 */
#ifndef LR_UTIL_ENV_H
#define LR_UTIL_ENV_H

/* The variable as a whole number in [lo, hi]; dflt when it is unset,
 * empty, not a number or out of range. */
long env_long(const char *name, long dflt, long lo, long hi);

#endif
