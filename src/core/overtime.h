/*
 * overtime — 36協定's early warning (issue 23), pure: from a work day's
 * start and end (the PC's, or the record's) an estimate of its working
 * time and of the overtime past the legal 8 hours (労働基準法32条), summed
 * per month, projected to the month's end while it runs, and judged
 * against the company's limits: a month past its limit (default 45 h,
 * 36協定's 限度時間), or this month with any of the 1-5 months before it
 * averaging past the other (default 80 h, 複数月平均).
 *
 * An estimate, not payroll: breaks are the day's own break punches when
 * it has any, else the legal minimum (労働基準法34条: 45 minutes past 6
 * hours, 60 past 8); the weekly 40 hours and holidays are not counted.
 */
#ifndef LR_CORE_OVERTIME_H
#define LR_CORE_OVERTIME_H

#include <stddef.h>
#include <stdint.h>

/* One work day of one side. */
typedef struct ot_day {
    int64_t day;          /* days since 1970-01-01 */
    int64_t start, end;   /* UTC seconds; 0 absent */
    int break_min;        /* the day's break punches, in minutes */
    int has_breaks;       /* it had break punches */
} ot_day;

typedef struct ot_limits {
    int month_min; /* a month's overtime limit (default 45 h) */
    int avg_min;   /* the 2-6 month average's (default 80 h) */
} ot_limits;

#define OT_LIMITS_DEFAULT {45 * 60, 80 * 60}
#define OT_MONTHS 6

typedef struct ot_month {
    int days;         /* days with both a start and an end */
    int work_min;     /* their working time */
    int over_min;     /* past 8 hours a day */
    int projected_min; /* over_min carried to the month's end (= over_min once it ended) */
} ot_month;

/* The working minutes of a day (0 without both ends). */
int ot_work_min(const ot_day *d);
/* Its minutes past 8 hours. */
int ot_over_min(const ot_day *d);

/* Sums the days of days[0..n) within first..last (days since the epoch);
 * today (same unit) projects a running month: over_min x its days / the
 * days gone (today included). */
void ot_month_sum(const ot_day *days, size_t n, int64_t first, int64_t last, int64_t today,
                  ot_month *out);

typedef enum ot_warning {
    OT_NONE = 0,
    OT_MONTH = 1,     /* this month past the month limit */
    OT_PROJECTED = 2, /* its projection past it (the month still runs) */
    OT_AVERAGE = 4,   /* an average of 2-6 months past the average limit */
} ot_warning;

/* months[0] is this month, months[1..n) the ones before it, newest
 * first. Returns OT_* bits; *avg_min gets the highest average of 2..n
 * months (0 when n < 2). */
int ot_judge(const ot_month *months, size_t n, const ot_limits *lim, int *avg_min);

#endif
