/*
 * daily — the facts of the 日別データ view for one work day and division.
 * An employee's work day runs from their division's 日付変更時間 for 24
 * hours in the company's zone; its window in UTC is computed here. For each
 * employee of the division (deleted ones left out) the board holds that
 * window, the logon/logoff events of their linked PCs around it (up to the
 * longest shift either side, so a session crossing the edge pairs) and the
 * day's active punches with where their delivery stands. The page
 * (http/ui_daily.c) draws them; it decides nothing.
 */
#ifndef LR_SERVICE_DAILY_H
#define LR_SERVICE_DAILY_H

#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"

typedef struct daily_event {
    int64_t utc;
    char op;         /* 'i' logon, 'o' logoff */
    uint32_t stream; /* "account\thost" in daily_board.streams; one offset per PC */
} daily_event;

/* A punch as the board keeps it (a store row's strings live only during
 * its callback). */
typedef struct daily_punch {
    punch_kind kind;
    int64_t utc;
    char state[16], reason[32], method[16];
    /* the event it was derived from: "why does it say 22:10?" (ev_id 0: none known) */
    int64_t ev_id, ev_utc;
    char ev_source[16], ev_op[16], ev_host[64], ev_account[64];
} daily_punch;

typedef struct daily_person {
    lr_employee e;
    int64_t from, to; /* the work day in UTC: [from, to) */
    daily_event *evs;
    size_t nevs, capevs;
    size_t inday; /* of evs, those inside [from, to) */
    daily_punch *punches;
    size_t npunches, cappunches;
} daily_person;

typedef struct daily_board {
    const lr_company *c;
    int64_t day; /* days since the epoch */
    const char *division; /* "" for all */
    int64_t employee_id;  /* 0 for all */
    lr_division *divs;    /* every division of the company, by code */
    size_t ndivs;
    daily_person *people; /* by employee code once loaded */
    size_t n, cap;
    lr_buf streams; /* the PCs' names, each once per employee, NUL-separated */
    struct {
        int dc;
        int64_t from, to;
    } windows[8]; /* the work day in UTC per day-change time met (zone look-ups are dear) */
    size_t nwindows;
} daily_board;

/* Fills b for company c's work day `day` and division ("" for all); with
 * with_records 0, only the divisions (a page that cannot show a day). b
 * is freed with daily_board_free whatever the result. */
lr_status daily_board_load(lr_store *s, const lr_company *c, int64_t day, const char *division,
                           int with_records, daily_board *b, lr_error *err);
/* Fills b with one employee's work day `day` (a page about that person). */
lr_status daily_board_load_employee(lr_store *s, const lr_company *c, int64_t day,
                                    int64_t employee_id, daily_board *b, lr_error *err);
void daily_board_free(daily_board *b);

/* The work day b->day under day-change dc (minutes), in UTC: [from, to). */
void daily_window(daily_board *b, int dc, int64_t *from, int64_t *to);

#endif
