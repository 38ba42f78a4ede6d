/*
 * settings — defaults, file, flags and environment, in that order (see
 * settings.h).
 */
#include "util/settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/ini.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timefmt.h"

lr_status settings_init(settings *s, const setting_def *defs, size_t n, lr_error *err)
{
    memset(s, 0, sizeof *s);
    s->defs = defs;
    s->n = n;
    s->value = calloc(n, sizeof *s->value);
    s->from = calloc(n, sizeof *s->from);
    if (!s->value || !s->from) {
        settings_free(s);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        text_copy_cut(s->value[i], sizeof s->value[i], defs[i].dflt);
        snprintf(s->from[i], sizeof s->from[i], "default");
    }
    return LR_OK;
}

void settings_free(settings *s)
{
    free(s->value);
    free(s->from);
    s->value = NULL;
    s->from = NULL;
}

static const char *const on_words[] = {"on", "yes", "true", "1"};
static const char *const off_words[] = {"off", "no", "false", "0"};

/* value checked against d: LR_OK with the value as kept in out, or why. */
static lr_status check(const setting_def *d, const char *value, char *out, size_t outsz,
                       lr_error *why)
{
    if (strlen(value) >= outsz)
        return lr_fail(why, LR_EINVAL, "%s is longer than %zu bytes", d->name, outsz - 1);
    switch (d->kind) {
    case SETTING_NUMBER: {
        char *end;
        long v;
        errno = 0;
        v = strtol(value, &end, 10);
        if (!*value || *end || errno || v < d->lo || v > d->hi)
            return lr_fail(why, LR_EINVAL, "%s must be a whole number from %ld to %ld, not '%s'",
                           d->name, d->lo, d->hi, value);
        break;
    }
    case SETTING_SWITCH:
        for (size_t i = 0; i < 4; i++) {
            if (strcmp(value, on_words[i]) == 0 || strcmp(value, off_words[i]) == 0) {
                snprintf(out, outsz, "%s", strcmp(value, on_words[i]) == 0 ? "on" : "off");
                return LR_OK;
            }
        }
        return lr_fail(why, LR_EINVAL, "%s must be on or off, not '%s'", d->name, value);
    case SETTING_HHMM: {
        int min;
        if (strcmp(value, "off") != 0 && tf_parse_hhmm(value, &min, NULL) != LR_OK)
            return lr_fail(why, LR_EINVAL, "%s must be a time HH:MM (00:00 to 23:59) or off, not '%s'",
                           d->name, value);
        break;
    }
    case SETTING_CHOICE: {
        size_t n = strlen(value);
        const char *c = d->choices;
        while (c && *c) {
            size_t k = strcspn(c, "|");
            if (n && k == n && strncmp(c, value, n) == 0)
                break;
            c += k + (c[k] == '|');
        }
        if (!c || !*c)
            return lr_fail(why, LR_EINVAL, "%s must be one of %s, not '%s'", d->name, d->choices,
                           value);
        break;
    }
    case SETTING_TEXT:
        if (d->lo > 0 && !*value)
            return lr_fail(why, LR_EINVAL, "%s must not be empty", d->name);
        break;
    }
    memcpy(out, value, strlen(value) + 1);
    return LR_OK;
}

static const setting_def *find(const settings *s, const char *name, size_t *at)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->defs[i].name, name) == 0) {
            *at = i;
            return &s->defs[i];
        }
    return NULL;
}

static lr_status set_from_file(void *ctx, const char *name, const char *value, long line,
                               lr_error *why)
{
    settings *s = ctx;
    size_t i;
    const setting_def *d = find(s, name, &i);
    lr_status st;
    if (!d && s->others_ok)
        return LR_OK;
    if (!d)
        return lr_fail(why, LR_EINVAL, "unknown setting '%s' (loginrecd --check-config lists them)",
                       name);
    if ((st = check(d, value, s->value[i], sizeof s->value[i], why)) == LR_OK)
        snprintf(s->from[i], sizeof s->from[i], "%s:%ld", s->file, line);
    return st;
}

lr_status settings_load_file(settings *s, const char *path, const char *section, int required,
                             lr_error *err)
{
    FILE *f = fopen(path, "r");
    lr_status st;
    if (!f) {
        if (errno == ENOENT && !required)
            return LR_OK;
        return lr_fail(err, LR_EIO, "cannot read the settings file %s: %s", path, strerror(errno));
    }
    snprintf(s->file, sizeof s->file, "%s", path);
    st = ini_read(f, path, section, set_from_file, s, err);
    fclose(f);
    return st;
}

lr_status settings_take_flag(settings *s, int argc, char **argv, int *i, lr_error *err)
{
    for (size_t k = 0; k < s->n; k++) {
        const setting_def *d = &s->defs[k];
        const char *value;
        lr_error why;
        if (!d->flag || strcmp(argv[*i], d->flag) != 0)
            continue;
        if (d->flag_value)
            value = d->flag_value;
        else if (*i + 1 < argc)
            value = argv[++*i];
        else
            return lr_fail(err, LR_EINVAL, "%s needs a value", d->flag);
        if (check(d, value, s->value[k], sizeof s->value[k], &why) != LR_OK)
            return lr_fail(err, LR_EINVAL, "%s: %s", d->flag, why.message);
        snprintf(s->from[k], sizeof s->from[k], "%s", d->flag);
        return LR_OK;
    }
    return LR_ENOTFOUND;
}

lr_status settings_take_env(settings *s, lr_error *err)
{
    for (size_t k = 0; k < s->n; k++) {
        const setting_def *d = &s->defs[k];
        const char *v = d->env ? getenv(d->env) : NULL;
        lr_error why;
        if (!v || !*v)
            continue;
        if (check(d, v, s->value[k], sizeof s->value[k], &why) != LR_OK)
            return lr_fail(err, LR_EINVAL, "%s: %s", d->env, why.message);
        snprintf(s->from[k], sizeof s->from[k], "%s", d->env);
    }
    return LR_OK;
}

void settings_export(const settings *s)
{
    for (size_t k = 0; k < s->n; k++) {
        const setting_def *d = &s->defs[k];
        if (d->env && strcmp(s->from[k], "default") != 0 && strcmp(s->from[k], d->env) != 0)
            setenv(d->env, s->value[k], 1);
    }
}

const char *settings_get(const settings *s, const char *name)
{
    size_t i;
    return find(s, name, &i) ? s->value[i] : "";
}

long settings_number(const settings *s, const char *name)
{
    return strtol(settings_get(s, name), NULL, 10);
}

int settings_on(const settings *s, const char *name)
{
    return strcmp(settings_get(s, name), "on") == 0;
}

/* How a value is shown: any password in it removed (text_url_redact). 0
 * when the value is a secret that is not shown at all. */
static int shown(const setting_def *d, const char *v, char *out, size_t outsz)
{
    if (d->secret && *v)
        return 0;
    text_url_redact(out, outsz, v);
    return 1;
}

void settings_print(const settings *s, FILE *out)
{
    for (size_t k = 0; k < s->n; k++) {
        char v[SETTING_VALUE_MAX + 8];
        fprintf(out, "\n# %s; from %s\n", s->defs[k].help, s->from[k]);
        if (shown(&s->defs[k], s->value[k], v, sizeof v))
            fprintf(out, "%s = %s\n", s->defs[k].name, v);
        else /* a line taken back sets nothing */
            fprintf(out, "# %s = (set, not shown)\n", s->defs[k].name);
    }
}
