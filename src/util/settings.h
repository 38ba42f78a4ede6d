/*
 * settings — one program's settings from four places, each over the one
 * before: its defaults, its settings file (INI, one section), its flags,
 * and the environment. A program declares its settings in one table
 * (name in the file, flag, environment variable, kind, range, default,
 * whether it is a secret); this module checks each value where it comes
 * from (a file's value by file, line and column; a flag's by its name),
 * keeps where the effective one came from, prints them all without
 * secrets, and hands the ones set in the file or by a flag to the code
 * that reads the environment (util/env.h), unless the environment has
 * its own.
 */
#ifndef LR_UTIL_SETTINGS_H
#define LR_UTIL_SETTINGS_H

#include <stddef.h>
#include <stdio.h>

#include "util/status.h"

typedef enum setting_kind {
    SETTING_TEXT,   /* any text up to 1,023 bytes; lo: 1 when it must not be empty */
    SETTING_NUMBER, /* a whole number from lo to hi */
    SETTING_SWITCH, /* on or off (also yes/no, true/false, 1/0) */
    SETTING_HHMM,   /* HH:MM, or off */
    SETTING_CHOICE, /* one of choices ("text|json") */
} setting_kind;

typedef struct setting_def {
    const char *name;       /* in the file: listen */
    const char *flag;       /* --listen; NULL: none */
    const char *flag_value; /* a flag without a value sets this one (--no-kot: "off") */
    const char *env;        /* LOGINREC_...; NULL: none */
    setting_kind kind;
    long lo, hi;
    const char *dflt; /* as written in the file; "" for none */
    int secret;       /* printed as "(set)", a URL's password removed */
    const char *help; /* what it is, for --check-config */
    const char *choices; /* SETTING_CHOICE's words, |-separated */
} setting_def;

enum { SETTING_VALUE_MAX = 1024 };

typedef struct settings {
    const setting_def *defs;
    size_t n;
    char (*value)[SETTING_VALUE_MAX];
    char (*from)[600]; /* "default", "FILE:LINE", "--flag", "environment" */
    char file[512];    /* the file being read, for from */
    int others_ok;     /* a name not in defs is another program's: skipped, not refused */
} settings;

/* Where loginrecd (and the loginrec CLI, for its database) read their
 * settings when neither --config nor LOGINREC_CONFIG names a file. */
#define SETTINGS_DEFAULT_FILE "/etc/loginrec/loginrecd.conf"

/* s with every setting at its default. Free with settings_free. */
lr_status settings_init(settings *s, const setting_def *defs, size_t n, lr_error *err);
void settings_free(settings *s);

/* Reads path's [section]. A missing file is an error only when required. */
lr_status settings_load_file(settings *s, const char *path, const char *section, int required,
                             lr_error *err);

/* Whether arg is one of the table's flags; if so takes it (and its value,
 * argv[*i + 1], moving *i past it). LR_ENOTFOUND: not a flag of the table;
 * LR_EINVAL: a value refused, with why. */
lr_status settings_take_flag(settings *s, int argc, char **argv, int *i, lr_error *err);

/* The environment over everything: a variable set and refused is an error
 * naming it. */
lr_status settings_take_env(settings *s, lr_error *err);

/* Sets the environment variable of each setting the file or a flag set
 * (the environment's own were taken already), for the code that reads it
 * there. Call before any thread starts. */
void settings_export(const settings *s);

const char *settings_get(const settings *s, const char *name);
long settings_number(const settings *s, const char *name);
int settings_on(const settings *s, const char *name);

/* Every setting, its effective value and where it came from, as a
 * settings file takes it back: "# help; from WHERE" then "name = value";
 * a secret's line commented out ("(set, not shown)"), a URL's password
 * removed. */
void settings_print(const settings *s, FILE *out);

#endif
