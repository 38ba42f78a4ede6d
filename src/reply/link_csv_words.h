/*
 * link_csv_words — a link CSV problem (core/link_csv.h) in the reader's
 * language, from the catalogues (web/i18n, keys "linkcsv.*"): where it is,
 * as people count columns, and what is wrong with what to do. The API's
 * report, the page and `loginrec links import` all word problems here.
 */
#ifndef LR_REPLY_LINK_CSV_WORDS_H
#define LR_REPLY_LINK_CSV_WORDS_H

#include <stddef.h>

#include "core/link_csv.h"
#include "util/lang.h"

/* Where the problem is: "3列目（打刻先アカウント）" or "field 3 (打刻先アカウント)";
 * "" for a whole row. */
void link_csv_field_words(const link_csv_error *e, lr_lang lang, char *out, size_t outsz);

/* The problem in words, without its line ("the service account 'x' ..."). */
void link_csv_problem_words(const link_csv_error *e, lr_lang lang, char *out, size_t outsz);

#endif
