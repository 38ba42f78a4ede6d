/*
 * csv — RFC 4180 records from UTF-8 text, and CSV rows out.
 *
 * The reader accepts what spreadsheets and Notepad write: CRLF, LF (or a
 * lone CR) line ends, quoted fields with embedded commas, doubled quotes
 * and line breaks, and spaces after a closing quote. Anything else is an
 * error with the line and column (in characters, 1-based) of the problem.
 * It never does I/O: give it the whole text (decode with encoding.h first).
 *
 * A reader is one caller's; the fields of a record stay valid until the
 * next csv_reader_next() or csv_reader_free().
 */
#ifndef LR_UTIL_CSV_H
#define LR_UTIL_CSV_H

#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

#define CSV_MAX_FIELDS 1024
#define CSV_MAX_FIELD_LEN (64u * 1024)

typedef struct csv_field {
    const char *s; /* NUL-terminated, quotes removed */
    size_t len;
    int quoted;
    long line, column; /* where the field starts */
} csv_field;

/* What made a record unreadable, for words in the reader's language. */
typedef enum csv_problem {
    CSV_FINE = 0,
    CSV_TOO_MANY_FIELDS,  /* more than CSV_MAX_FIELDS */
    CSV_FIELD_TOO_LONG,   /* longer than CSV_MAX_FIELD_LEN */
    CSV_QUOTE_NOT_CLOSED, /* a quoted field runs to the end of the file */
    CSV_AFTER_QUOTE,      /* text between a closing quote and the next comma */
    CSV_QUOTE_IN_FIELD,   /* a '"' inside an unquoted field */
} csv_problem;

/* Short machine name of a problem ("quote_not_closed"), for API clients. */
const char *csv_problem_name(csv_problem p);

typedef struct csv_reader {
    const char *what; /* file name for messages */
    const char *p, *end;
    long line;
    const char *line_start;
    lr_buf text; /* the current record's unquoted fields */
    csv_field *fields;
    size_t nfields, cap;
    size_t *offs;
    csv_problem problem; /* after an error: what it was */
    size_t problem_field; /* and in which field, from 1 */
} csv_reader;

void csv_reader_init(csv_reader *r, const char *what, const char *text, size_t n);
void csv_reader_free(csv_reader *r);

/* Reads the next record into r->fields[0..r->nfields). Returns LR_OK,
 * LR_ENOTFOUND after the last record, or an error (LR_EINVAL with its
 * position, LR_ETOOBIG past CSV_MAX_FIELDS / CSV_MAX_FIELD_LEN). A blank
 * line is a record of one empty, unquoted field (csv_record_blank). */
lr_status csv_reader_next(csv_reader *r, lr_error *err);

/* Non-zero when the current record is a blank line. */
int csv_record_blank(const csv_reader *r);

/* Appends one row: fields joined by commas, each quoted when
 * always_quote or when it needs it, then eol ("\r\n" or "\n"). */
lr_status csv_write_row(lr_buf *b, const char *const *fields, size_t n, int always_quote,
                        const char *eol);

#endif
