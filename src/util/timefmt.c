/*
 * timefmt — ISO 8601 / date / clock-time parsing and printing (see timefmt.h).
 * The civil-date conversions follow the well-known days-from-civil
 * algorithm (era of 400 years), valid for every year we can meet.
 */
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>

int64_t tf_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t tf_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = tf_floor_div(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tf_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp, yy;
    z += 719468;
    era = tf_floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Reads exactly n digits at *p; advances. Returns -1 when not digits. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

static lr_status parse_ymd(const char **p, int *y, int *m, int *d, lr_error *err, const char *orig)
{
    const char *s = *p;
    *y = digits(&s, 4);
    if (*y < 0 || *s++ != '-')
        return lr_fail(err, LR_EINVAL, "'%s': expected a date as YYYY-MM-DD", orig);
    *m = digits(&s, 2);
    if (*m < 1 || *m > 12 || *s++ != '-')
        return lr_fail(err, LR_EINVAL, "'%s': expected a month 01-12 in YYYY-MM-DD", orig);
    *d = digits(&s, 2);
    if (*d < 1 || *d > days_in_month(*y, *m))
        return lr_fail(err, LR_EINVAL, "'%s': day is not in the month", orig);
    *p = s;
    return LR_OK;
}

lr_status tf_parse_date(const char *s, int64_t *day, lr_error *err)
{
    int y, m, d;
    const char *p = s;
    lr_status st = parse_ymd(&p, &y, &m, &d, err, s);
    if (st != LR_OK)
        return st;
    if (*p != '\0')
        return lr_fail(err, LR_EINVAL, "'%s': expected a date as YYYY-MM-DD", s);
    *day = tf_days_from_civil(y, m, d);
    return LR_OK;
}

void tf_format_date(int64_t day, char out[11])
{
    int y, m, d;
    tf_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Reads 1 or 2 digits at *p (Excel writes "2026/1/5 9:03"); -1 when none. */
static int digits12(const char **p)
{
    int v = digits(p, 1);
    if (v >= 0 && **p >= '0' && **p <= '9')
        v = v * 10 + (*(*p)++ - '0');
    return v;
}

/* The shared core of tf_parse_iso and tf_parse_datetime: a date, a clock
 * time, an optional fraction and offset. `slash` allows YYYY/M/D and one-
 * or two-digit fields as spreadsheets write them. */
static lr_status parse_dt(const char *s, int slash, int64_t *wall, int *has_offset,
                          int *offset_sec, lr_error *err)
{
    int y, mo, d, h, mi, se, oh, om, sign;
    const char *p = s;
    lr_status st;

    if (slash && strlen(s) > 4 && s[4] == '/') {
        y = digits(&p, 4);
        p++;
        mo = digits12(&p);
        if (y < 0 || mo < 1 || mo > 12 || *p++ != '/')
            return lr_fail(err, LR_EINVAL, "'%s': expected a date as YYYY/MM/DD", s);
        d = digits12(&p);
        if (d < 1 || d > days_in_month(y, mo))
            return lr_fail(err, LR_EINVAL, "'%s': day is not in the month", s);
    } else if ((st = parse_ymd(&p, &y, &mo, &d, err, s)) != LR_OK) {
        return st;
    }
    if (*p != 'T' && *p != 't' && *p != ' ')
        return lr_fail(err, LR_EINVAL, "'%s': expected a date-time as YYYY-MM-DDThh:mm:ss+hh:mm", s);
    p++;
    h = slash ? digits12(&p) : digits(&p, 2);
    if (h < 0 || h > 23 || *p++ != ':')
        return lr_fail(err, LR_EINVAL, "'%s': expected an hour 00-23 then ':'", s);
    mi = digits(&p, 2);
    if (mi < 0 || mi > 59)
        return lr_fail(err, LR_EINVAL, "'%s': expected minutes 00-59", s);
    se = 0;
    if (*p == ':') {
        p++;
        se = digits(&p, 2);
        if (se < 0 || se > 60)
            return lr_fail(err, LR_EINVAL, "'%s': expected seconds 00-59", s);
        if (se == 60) /* a leap second is the last second of its minute */
            se = 59;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return lr_fail(err, LR_EINVAL, "'%s': expected digits after the decimal point", s);
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    *has_offset = 1;
    if (*p == 'Z' || *p == 'z') {
        sign = 1;
        oh = om = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        p++;
        oh = digits(&p, 2);
        if (*p == ':')
            p++;
        om = digits(&p, 2);
        if (oh < 0 || oh > 18 || om < 0 || om > 59)
            return lr_fail(err, LR_EINVAL, "'%s': expected an offset as +hh:mm", s);
    } else if (*p == '\0') {
        *has_offset = 0;
        sign = oh = om = 0;
    } else {
        return lr_fail(err, LR_EINVAL, "'%s': unexpected '%c' where an offset (Z or +hh:mm) was expected",
                       s, *p);
    }
    if (*p != '\0')
        return lr_fail(err, LR_EINVAL, "'%s': unexpected text after the offset", s);
    *offset_sec = sign * (oh * 3600 + om * 60);
    *wall = tf_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return LR_OK;
}

lr_status tf_parse_iso(const char *s, int64_t *utc, int *offset_sec, lr_error *err)
{
    int64_t wall;
    int has_offset;
    lr_status st = parse_dt(s, 0, &wall, &has_offset, offset_sec, err);
    if (st != LR_OK)
        return st;
    if (!has_offset)
        return lr_fail(err, LR_EINVAL,
                       "'%s': the time has no offset; add Z or +hh:mm (e.g. +09:00 for Japan)", s);
    *utc = wall - *offset_sec;
    return LR_OK;
}

lr_status tf_parse_datetime(const char *s, int64_t *wall, int *has_offset, int *offset_sec,
                            lr_error *err)
{
    return parse_dt(s, 1, wall, has_offset, offset_sec, err);
}

void tf_format_iso(int64_t utc, int offset_sec, char out[32])
{
    int64_t local = utc + offset_sec;
    int64_t day = tf_floor_div(local, 86400);
    int64_t sec = local - day * 86400;
    int y, m, d;
    int off = offset_sec < 0 ? -offset_sec : offset_sec;
    char *o = out;
    tf_civil_from_days(day, &y, &m, &d);
    /* "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u" by hand, two digits at a
     * time, each after its separator: every row of an answer and every log
     * line formats one, and snprintf was a sixth of a read API answer's
     * time (perf) */
    const unsigned v[9] = {(unsigned)y % 10000u / 100u, (unsigned)y % 100u, (unsigned)m % 100u,
                           (unsigned)d % 100u, (unsigned)(sec / 3600) % 100u,
                           (unsigned)(sec / 60 % 60), (unsigned)(sec % 60),
                           (unsigned)(off / 3600) % 100u, (unsigned)(off / 60 % 60)};
    const char sep[9] = {0, 0, '-', '-', 'T', ':', ':', offset_sec < 0 ? '-' : '+', ':'};
    for (int i = 0; i < 9; i++) {
        if (sep[i])
            *o++ = sep[i];
        *o++ = (char)('0' + v[i] / 10);
        *o++ = (char)('0' + v[i] % 10);
    }
    *o = '\0';
}

lr_status tf_parse_hhmm(const char *s, int *minutes, lr_error *err)
{
    const char *p = s;
    int h = digits(&p, 2), m;
    if (h < 0 || h > 23 || *p++ != ':')
        return lr_fail(err, LR_EINVAL, "'%s': expected a time as HH:MM (00:00 to 23:59)", s);
    m = digits(&p, 2);
    if (m < 0 || m > 59 || *p != '\0')
        return lr_fail(err, LR_EINVAL, "'%s': expected a time as HH:MM (00:00 to 23:59)", s);
    *minutes = h * 60 + m;
    return LR_OK;
}

void tf_format_hhmm(int minutes, char out[6])
{
    snprintf(out, 6, "%02u:%02u", (unsigned)(minutes / 60) % 100u, (unsigned)minutes % 60u);
}

void tf_month_days(int y, int m, int64_t *first, int64_t *last)
{
    int idx = y * 12 + (m - 1), next = idx + 1;
    char a[11], b[11];
    idx = idx < 0 ? 0 : idx;
    snprintf(a, sizeof a, "%04d-%02d-01", idx / 12, idx % 12 + 1);
    snprintf(b, sizeof b, "%04d-%02d-01", next / 12, next % 12 + 1);
    tf_parse_date(a, first, NULL);
    tf_parse_date(b, last, NULL);
    (*last)--;
}
