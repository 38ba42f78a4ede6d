/*
 * link_csv — the employee link CSV of the manuals §3 (DESIGN §5.5): its
 * header, the Japanese kind labels, what makes a row valid, and every
 * problem as a code with its values. No I/O, no store and no words: the
 * service (service/links.c) checks rows against the employees it knows, and
 * reply/link_csv_words.c words the problems from the catalogues.
 *
 *   連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント
 *   "LanScope連携","2","1000","勤怠 太郎","tarouk"
 */
#ifndef LR_CORE_LINK_CSV_H
#define LR_CORE_LINK_CSV_H

#include <stddef.h>

#include "core/event.h"
#include "util/buf.h"
#include "util/csv.h"

enum {
    LC_KIND_LABEL, /* 連携種別 */
    LC_KIND_CODE,  /* 種別コード */
    LC_EMPLOYEE,   /* 打刻先アカウント */
    LC_NAME,       /* 姓・名 (shown, not imported) */
    LC_ACCOUNT,    /* サービスアカウント */
    LC_NCOLS
};

#define LINK_CSV_EMPLOYEE_MAX 63

/* What a サービスアカウント of "-" means: remove the employee's link. */
#define LINK_CSV_REMOVE "-"

/* The header as the manuals print it. */
#define LINK_CSV_HEADER_LINE "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント"

/* The header's name of column lc (LC_*): "打刻先アカウント"; NULL for none. */
const char *link_csv_column_name(int lc);

/* "LanScope連携", "MaLion連携", "SmartOn ID連携", "Windows連携", "Linux連携";
 * NULL for LINK_NONE. */
const char *link_kind_label(link_kind k);
/* The kind of a label; LINK_NONE for none. */
link_kind link_kind_of_label(const char *s);

typedef enum link_csv_problem {
    LCP_SYNTAX = 1,     /* a: what the reader said */
    LCP_HEADER_MISSING, /* a: the column */
    LCP_HEADER_UNKNOWN, /* a: the column */
    LCP_HEADER_TWICE,   /* a: the column */
    LCP_FIELDS,         /* a: fields in the row, b: fields in the header */
    LCP_KIND_LABEL,     /* a: the label */
    LCP_KIND_CODE,      /* a: the code, b: the label */
    LCP_EMPLOYEE_EMPTY,
    LCP_EMPLOYEE_BAD,     /* a: the code (too long, control characters) */
    LCP_EMPLOYEE_UNKNOWN, /* a: the code, b: a stored code it may be ("0012" for "12") */
    LCP_EMPLOYEE_DELETED, /* a: the code */
    LCP_EMPLOYEE_TWICE,   /* a: the code; other_line */
    LCP_ACCOUNT_EMPTY,
    LCP_ACCOUNT_BAD,        /* a: the account (too long, control characters) */
    LCP_ACCOUNT_TWICE,      /* a: the account, b: the other employee; other_line */
    LCP_ACCOUNT_TAKEN,      /* a: the account, b: the employee who has it */
    LCP_ACCOUNT_CASE,       /* a warning: a, the account, differs only in upper/lower
                               case from b, stored for employee owner (other_line 0)
                               or on other_line of the file */
    LCP_ENCODING,           /* detail: the enc_problem; a: the technical detail */
} link_csv_problem;

/* Where a problem is: its line, its field counted from 1 as people count
 * columns ("3列目"), which of the format's columns that is (LC_*, or -1),
 * and the character on the line (the technical detail). field 0: the
 * whole row. */
typedef struct link_csv_at {
    long line;
    int field, lc;
    long column;
} link_csv_at;

#define LINK_CSV_LINE(l) ((link_csv_at){(l), 0, -1, 0})

typedef struct link_csv_error {
    link_csv_problem what;
    long line, column; /* column 0: the whole row */
    int field, lc;     /* as link_csv_at */
    int detail;        /* LCP_SYNTAX: the csv_problem; LCP_ENCODING: the enc_problem */
    long other_line;
    char a[LR_ACCOUNT_MAX + 1];
    char b[LR_ACCOUNT_MAX + 1];
    char owner[LINK_CSV_EMPLOYEE_MAX + 1]; /* LCP_ACCOUNT_CASE: who has b */
} link_csv_error;

/* Where each column is in the file (any order). */
typedef struct link_csv_layout {
    int col[LC_NCOLS];
    size_t nfields;
} link_csv_layout;

typedef struct link_csv_row {
    long line;
    int valid; /* no problem of its own; else only employee is meaningful */
    link_csv_at at_employee, at_account; /* for messages */
    link_kind kind;
    char employee[LINK_CSV_EMPLOYEE_MAX + 1];
    char account[LR_ACCOUNT_MAX + 1]; /* trimmed, DOMAIN\ removed; "" to remove */
    int remove; /* the account was LINK_CSV_REMOVE: account is "" */
} link_csv_row;

/* Collects problems; keeps the first `max` in full and counts the rest. */
typedef struct link_csv_errors {
    link_csv_error *v;
    size_t n, total, max;
} link_csv_errors;

/* Adds a problem; LR_ENOMEM when it could not be kept. */
lr_status link_csv_errors_add(link_csv_errors *es, const link_csv_error *e);
void link_csv_errors_free(link_csv_errors *es);
/* Adds a problem from its parts (a, b: NULL for none); one that cannot be
 * kept for lack of memory is still counted. */
void link_csv_note(link_csv_errors *es, link_csv_problem what, link_csv_at at, const char *a,
                   const char *b, long other_line);
/* The same with a detail (LCP_SYNTAX, LCP_ENCODING). */
void link_csv_note_detail(link_csv_errors *es, link_csv_problem what, link_csv_at at, int detail,
                          const char *a);

/* Reads the header from the reader's current record. Each problem goes to
 * es; returns non-zero when the layout is usable. */
int link_csv_layout_parse(const csv_reader *r, link_csv_layout *lay, link_csv_errors *es);

/* Reads the current record as a row; each problem goes to es. Returns
 * non-zero when the row is valid on its own (its employee and account still
 * need checking against the store); row->valid says the same. */
int link_csv_row_parse(const csv_reader *r, const link_csv_layout *lay, link_csv_row *row,
                       link_csv_errors *es);

/* Adds to es every valid row that repeats an employee or an account of an
 * earlier valid row of the same kind (rows are reordered). */
lr_status link_csv_find_repeats(link_csv_row *rows, size_t n, link_csv_errors *es);

/* Appends the header, or one row, in UTF-8 with every field quoted, CRLF. */
lr_status link_csv_write_header(lr_buf *b);
lr_status link_csv_write_row(lr_buf *b, link_kind kind, const char *employee, const char *last,
                             const char *first, const char *account);

/* Short machine name of a problem ("account_taken"), for API clients. */
const char *link_csv_problem_name(link_csv_problem p);

#endif
