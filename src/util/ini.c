/*
 * ini — reading a settings file line by line (see ini.h).
 */
#include "util/ini.h"

#include <string.h>

#include "util/text.h"

lr_status ini_read(FILE *f, const char *path, const char *section, ini_set_fn set, void *ctx,
                   lr_error *err)
{
    char line[2048], head[80];
    long lineno = 0;
    snprintf(head, sizeof head, "[%s]", section);
    while (fgets(line, sizeof line, f)) {
        char name[64], value[1024], *eq, *p = line;
        lr_error why;
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            return lr_fail_at(err, LR_EINVAL, path, lineno, 1, "the line is too long");
        line[strcspn(line, "\r\n")] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#' || *p == ';')
            continue;
        if (*p == '[') {
            if (strcmp(p, head) != 0)
                return lr_fail_at(err, LR_EINVAL, path, lineno, 1,
                                  "unknown section %s; the settings go under %s", p, head);
            continue;
        }
        if (!(eq = strchr(p, '=')))
            return lr_fail_at(err, LR_EINVAL, path, lineno, 1, "expected 'name = value'");
        *eq = '\0';
        if (!text_trim_copy(p, name, sizeof name) || !text_trim_copy(eq + 1, value, sizeof value))
            return lr_fail_at(err, LR_EINVAL, path, lineno, 1, "the name or value is too long");
        if (set(ctx, name, value, lineno, &why) != LR_OK) {
            const char *v = eq + 1;
            while (*v == ' ' || *v == '\t')
                v++; /* the column of the value */
            return lr_fail_at(err, LR_EINVAL, path, lineno, (long)(v - line) + 1, "%s",
                              why.message);
        }
    }
    if (ferror(f))
        return lr_fail_at(err, LR_EIO, path, lineno, 0, "cannot read the file");
    return LR_OK;
}
