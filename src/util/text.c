/*
 * text — trimming and control-character checks (see text.h).
 */
#include "util/text.h"

#include <string.h>

void text_copy_cut(char *out, size_t outsz, const char *s)
{
    size_t n = strlen(s);
    if (!outsz)
        return;
    if (n >= outsz) {
        n = outsz - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* s[n]: inside a character */
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

void text_url_redact(char *out, size_t outsz, const char *s)
{
    const char *scheme = strstr(s, "://");
    const char *at = scheme ? strrchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    size_t o = 0;
    if (!outsz)
        return;
    for (const char *p = s; *p && o + 1 < outsz;) {
        if (p == colon && at && colon < at) {
            p = at; /* user:password@ keeps user@ */
            continue;
        }
        if ((p == s || p[-1] == '?' || p[-1] == '&' || p[-1] == ' ') &&
            strncmp(p, "password=", 9) == 0) {
            text_copy_cut(out + o, outsz - o, "password=(x)");
            o += strlen(out + o);
            p += 9 + strcspn(p + 9, "& ");
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
}

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

lr_status text_percent_encode(const char *s, lr_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || strchr("-._~", *p);
        if (buf_append(out, plain ? (const char *)p : esc, plain ? 1 : 3) != LR_OK)
            return LR_ENOMEM;
    }
    return LR_OK;
}
