/*
 * text — trimming and control-character checks (see text.h).
 */
#include "util/text.h"

#include <string.h>

int text_trim_copy(const char *s, char *out, size_t outsz)
{
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= outsz)
        return 0;
    memcpy(out, s, n);
    out[n] = '\0';
    return 1;
}

int text_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}
