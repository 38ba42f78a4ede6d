/*
 * lang — the two languages loginrec speaks to people (表示言語: 日本語 /
 * English), and how a request or a terminal says which it wants.
 */
#ifndef LR_UTIL_LANG_H
#define LR_UTIL_LANG_H

typedef enum lr_lang {
    LANG_EN = 0,
    LANG_JA = 1,
} lr_lang;

/* "ja", "ja-JP", "ja_JP.UTF-8" -> LANG_JA; anything else, or NULL, -> LANG_EN. */
lr_lang lang_parse(const char *s);

/* The terminal's language from LC_ALL, LC_MESSAGES, LANG (first set wins). */
lr_lang lang_from_env(void);

/* The first language of an Accept-Language header we speak; LANG_EN by default. */
lr_lang lang_from_accept(const char *header);

#endif
