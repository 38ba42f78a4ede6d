/*
 * i18n — message catalogues (see i18n.h).
 */
#include "words/i18n.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words/webfiles.h"

#define ENTRIES_MAX 1024

typedef struct entry {
    char *key, *text;
} entry;

typedef struct catalogue {
    entry v[ENTRIES_MAX];
    size_t n;
    char *store; /* the file, cut into keys and texts */
    int bad_lines;
} catalogue;

static catalogue cats[2];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static void load(catalogue *c, const char *path)
{
    const web_file *f = web_file_get(path);
    char *line, *save = NULL;
    if (!f || !(c->store = strdup(f->data)))
        return;
    for (line = strtok_r(c->store, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!tab || c->n == ENTRIES_MAX) {
            c->bad_lines++;
            continue;
        }
        *tab = '\0';
        c->v[c->n++] = (entry){line, tab + 1};
    }
    qsort(c->v, c->n, sizeof c->v[0], by_key);
}

static void load_all(void)
{
    load(&cats[LANG_EN], "i18n/en.tsv");
    load(&cats[LANG_JA], "i18n/ja.tsv");
}

static const entry *find(const catalogue *c, const char *key)
{
    entry k = {(char *)key, NULL};
    return bsearch(&k, c->v, c->n, sizeof c->v[0], by_key);
}

const char *i18n_text(lr_lang lang, const char *key)
{
    const entry *e;
    pthread_once(&once, load_all);
    e = find(&cats[lang == LANG_JA ? LANG_JA : LANG_EN], key);
    return e ? e->text : NULL;
}

const char *i18n_tmpl_text(void *ctx, const char *key)
{
    return i18n_text(*(const lr_lang *)ctx, key);
}

/* Japanese: kana, kanji, CJK punctuation, full-width forms (UTF-8 E3..E9 xx xx, EF BC..BF). */
static int has_japanese(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p >= 0xE3 && *p <= 0xE9) || (*p == 0xEF && p[1] >= 0xBC && p[1] <= 0xBF))
            return 1;
    return 0;
}

int i18n_check(char *out, size_t outsz)
{
    size_t len = 0;
    int n = 0;
    out[0] = '\0';
#define PROBLEM(...)                                                                               \
    do {                                                                                           \
        n++;                                                                                       \
        if (len < outsz)                                                                           \
            len += (size_t)snprintf(out + len, outsz - len, __VA_ARGS__);                          \
    } while (0)
    pthread_once(&once, load_all);
    for (int l = 0; l < 2; l++) {
        const catalogue *c = &cats[l], *other = &cats[!l];
        const char *name = l == LANG_JA ? "ja" : "en";
        if (c->n == 0)
            PROBLEM("the %s catalogue is missing or empty\n", name);
        if (c->bad_lines)
            PROBLEM("the %s catalogue has %d line(s) without key<TAB>text\n", name, c->bad_lines);
        for (size_t i = 0; i < c->n; i++) {
            const entry *e = &c->v[i];
            if (i > 0 && strcmp(e->key, c->v[i - 1].key) == 0)
                PROBLEM("%s: key %s twice\n", name, e->key);
            if (!find(other, e->key))
                PROBLEM("%s: key %s is missing from the %s catalogue\n", name, e->key,
                        l == LANG_JA ? "en" : "ja");
            if (l == LANG_EN && has_japanese(e->text) && strncmp(e->key, "name.", 5) != 0)
                PROBLEM("en: %s has Japanese text: %s\n", e->key, e->text);
            if (l == LANG_JA && !has_japanese(e->text) && strncmp(e->key, "name.", 5) != 0)
                PROBLEM("ja: %s has no Japanese: %s\n", e->key, e->text);
        }
    }
#undef PROBLEM
    return n;
}

void i18n_fill(lr_lang lang, const char *key, char *out, size_t outsz, const char *const *names,
               const char *const *values, size_t n)
{
    const char *t = i18n_text(lang, key);
    size_t o = 0;
    if (!t)
        t = key;
    while (*t && o + 1 < outsz) {
        size_t i = n;
        if (*t == '{')
            for (i = 0; i < n; i++) {
                size_t len = strlen(names[i]);
                if (strncmp(t + 1, names[i], len) == 0 && t[1 + len] == '}')
                    break;
            }
        if (i < n) {
            size_t vlen = strlen(values[i]);
            if (vlen > outsz - 1 - o)
                vlen = outsz - 1 - o;
            memcpy(out + o, values[i], vlen);
            o += vlen;
            t += strlen(names[i]) + 2;
        } else {
            out[o++] = *t++;
        }
    }
    out[o] = '\0';
}

void i18n_fill_counts(lr_lang lang, const char *key, char *out, size_t outsz,
                      const char *const *names, const size_t *counts, size_t n)
{
    char v[I18N_FILL_MAX][24];
    const char *values[I18N_FILL_MAX];
    if (n > I18N_FILL_MAX)
        n = I18N_FILL_MAX;
    for (size_t i = 0; i < n; i++) {
        snprintf(v[i], sizeof v[i], "%zu", counts[i]);
        values[i] = v[i];
    }
    i18n_fill(lang, key, out, outsz, names, values, n);
}
