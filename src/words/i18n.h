/*
 * i18n — the admin UI's words in Japanese and English (表示言語), from the
 * catalogues web/i18n/ja.tsv and en.tsv ("key<TAB>text" per line, "#"
 * comments). Templates name keys ({{@key}}); no visible text lives in a
 * template. Thread-safe (the catalogues are read once).
 */
#ifndef LR_WORDS_I18N_H
#define LR_WORDS_I18N_H

#include <stddef.h>

#include "util/lang.h"

/* The text of key in lang, or NULL. */
const char *i18n_text(lr_lang lang, const char *key);

/* The text of key in lang with each "{name}" replaced by its value (n
 * pairs), into out: the words around a value differ in order between the
 * two languages. An unknown key gives the key itself. */
void i18n_fill(lr_lang lang, const char *key, char *out, size_t outsz, const char *const *names,
               const char *const *values, size_t n);

/* i18n_fill with numbers: each "{name}" replaced by its count (at most
 * I18N_FILL_MAX). */
#define I18N_FILL_MAX 8
void i18n_fill_counts(lr_lang lang, const char *key, char *out, size_t outsz,
                      const char *const *names, const size_t *counts, size_t n);

/* For tmpl_render: ctx points at an lr_lang. */
const char *i18n_tmpl_text(void *ctx, const char *key);

/* Checks the catalogues against each other: the same keys in both, no
 * Japanese in the English one, Japanese in every Japanese text (except
 * keys under "name.", which are exempt both ways: product names read the
 * same in both, and a language is offered in its own script). Writes one
 * line per problem into out; returns how many. */
int i18n_check(char *out, size_t outsz);

#endif
