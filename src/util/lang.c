/*
 * lang — language choice from a name, the environment or a header.
 */
#include "util/lang.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

lr_lang lang_parse(const char *s)
{
    if (s && strncasecmp(s, "ja", 2) == 0 && (s[2] == '\0' || strchr("-_.", s[2])))
        return LANG_JA;
    return LANG_EN;
}

lr_lang lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return lang_parse(v);
    }
    return LANG_EN;
}

lr_lang lang_from_accept(const char *h)
{
    /* "ja,en-US;q=0.9" — take the first tag we speak, in the order given
     * (clients list their preference first) */
    while (h && *h) {
        while (*h == ' ' || *h == ',')
            h++;
        if (strncasecmp(h, "ja", 2) == 0 && (h[2] == '\0' || strchr("-;,", h[2])))
            return LANG_JA;
        if (strncasecmp(h, "en", 2) == 0 && (h[2] == '\0' || strchr("-;,", h[2])))
            return LANG_EN;
        h = strchr(h, ',');
    }
    return LANG_EN;
}
