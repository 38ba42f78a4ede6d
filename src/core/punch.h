/*
 * punch — diffing a work day's newly derived punches against the ones the
 * ledger already holds, so that only the difference is written and queued.
 * Pure; thread-safe.
 *
 * Matching: a punch of the same kind and time is unchanged. What is left is
 * paired by kind, in time order: such a pair is a correction (the old punch
 * is replaced by the new one). Old punches left over are retracted; new ones
 * left over are added.
 */
#ifndef LR_CORE_PUNCH_H
#define LR_CORE_PUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"

typedef struct punch_stored {
    int64_t id; /* ledger row id */
    punch_kind kind;
    int64_t utc;
} punch_stored;

typedef enum punch_action {
    PUNCH_KEEP = 0,    /* old == new; nothing to do */
    PUNCH_ADD = 1,     /* new punch, nothing replaced */
    PUNCH_REPLACE = 2, /* new punch replacing old_id */
    PUNCH_RETRACT = 3, /* old_id no longer derived */
} punch_action;

typedef struct punch_change {
    punch_action action;
    int64_t old_id; /* KEEP, REPLACE, RETRACT */
    punch_kind kind;
    int64_t utc; /* the new time for ADD/REPLACE, the old one otherwise */
    int64_t event_id; /* ADD/REPLACE: the event that made the new punch (day_punch) */
} punch_change;

/* Writes at most (nold + nnew) changes into out (caller-sized) and returns
 * how many; KEEP entries are included so callers can count them. */
size_t punch_diff(const punch_stored *old, size_t nold, const day_punch *fresh, size_t nnew,
                  punch_change *out);

#endif
