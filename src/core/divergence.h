/*
 * divergence — where the attendance record and the PC disagree (乖離), per
 * employee and work day (issue 23). Pure: no I/O, no clock. The PC side is
 * the day engine's output (core/day.h: a work day's first session start
 * and last session end, by its day rules, 日付変更時間 included); the
 * record side is what KING OF TIME holds for that work day, punched any
 * way (IC card, smartphone, ours) and edited by hand.
 *
 * Rules:
 *  - PC start = the day's clock-in from the PC, PC end = its clock-out.
 *    Recorded 出勤 = the day's first clock-in in the record, 退勤 = its
 *    last clock-out.
 *  - start_diff = recorded start - PC start, end_diff = PC end - recorded
 *    end, in whole minutes (toward zero). Positive: the PC shows more work
 *    than the record. A difference needs both of its sides.
 *  - over_start when start_diff > the start limit, over_end when end_diff >
 *    the end limit, over_both when both. Otherwise under (過少) when the PC
 *    is shorter than the record beyond a limit on either side: over wins,
 *    since work the record misses is what the law asks about.
 *  - PC use and no record at all: pc_only (休日・未打刻の疑い); a record and
 *    no PC use: record_only (PC未使用).
 *  - Limits are minutes, 1..240 (default 30 each), per company, overridable
 *    per division: the caller picks them.
 */
#ifndef LR_CORE_DIVERGENCE_H
#define LR_CORE_DIVERGENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"
#include "util/status.h"

typedef enum div_kind {
    DIV_NONE = 0,
    DIV_OVER_START,
    DIV_OVER_END,
    DIV_OVER_BOTH,
    DIV_UNDER,
    DIV_PC_ONLY,
    DIV_RECORD_ONLY,
} div_kind;

typedef struct div_limits {
    int start_min, end_min; /* 1..240 */
} div_limits;

#define DIV_LIMITS_DEFAULT {30, 30}
#define DIV_LIMIT_MIN 1
#define DIV_LIMIT_MAX 240

/* A punch of the record, on the work day KING OF TIME files it under. */
typedef struct div_record {
    int64_t day; /* work day, days since 1970-01-01 */
    punch_kind kind;
    int64_t utc;
} div_record;

/* One work day, compared. A time of 0 is absent. */
typedef struct div_day {
    int64_t day;
    int64_t pc_start, pc_end;
    int64_t rec_start, rec_end;
    int has_start_diff, has_end_diff;
    int start_diff_min, end_diff_min;
    div_kind kind;
} div_day;

/* Whether lim is within DIV_LIMIT_MIN..MAX on both sides. */
int div_limits_valid(const div_limits *lim);

/* Judges one day whose four times are set (diffs and kind). */
void div_judge(div_day *d, const div_limits *lim);

/* Every work day that has PC use (pc) or a record (rec[0..n), any order),
 * compared, sorted by day, into *out (free it). Days where neither side
 * has a start or an end are left out. LR_EINVAL for limits out of range. */
lr_status div_compare(const day_output *pc, const div_record *rec, size_t n,
                      const div_limits *lim, div_day **out, size_t *nout);

/* The same, with the PC side as punches too (the ledger's active ones,
 * as stored): pc[0..npc) and rec[0..n), any order. */
lr_status div_compare_records(const div_record *pc, size_t npc, const div_record *rec, size_t n,
                              const div_limits *lim, div_day **out, size_t *nout);

const char *div_kind_name(div_kind k);
/* The kind of a name (DIV_NONE for an unknown one). */
div_kind div_kind_of(const char *name); /* "over_start", ...; "" for none */

#endif
