/*
 * clock — the one wall clock of loginrec. Every rule that depends on the
 * time of day (KING OF TIME's restricted hours, the sync schedule, leases,
 * "today") and every instant loginrec writes down reads it here.
 *
 * It is the system's real time plus LOGINREC_TIME_OFFSET_S (whole seconds,
 * may be negative, at most ten years either way), read once per process.
 * The offset exists so that a test can run "at 09:00 JST" at any real hour:
 * loginrecd, loginrec and the simulators in tests/sim all add the same
 * variable. A value that is not such a number is ignored with a warning.
 * Measuring durations is not its job: use CLOCK_MONOTONIC for those.
 * Thread-safe.
 */
#ifndef LR_UTIL_CLOCK_H
#define LR_UTIL_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch. */
int64_t clock_now(void);
/* Milliseconds since the epoch. */
int64_t clock_now_ms(void);
/* Microseconds since the epoch. */
int64_t clock_now_us(void);
/* The offset in force, in seconds (0 unless LOGINREC_TIME_OFFSET_S says). */
int64_t clock_offset_s(void);

#endif
