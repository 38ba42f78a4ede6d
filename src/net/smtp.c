/*
 * smtp — one mail to an SMTP server (see smtp.h).
 */
#include "net/smtp.h"

#include <curl/curl.h>
#include <string.h>

#include "net/curl_call.h"

lr_status smtp_check_url(const char *url, lr_error *err)
{
    const char *host;
    if (!url || (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0))
        return lr_fail(err, LR_EINVAL, "SMTP URL '%s': expected smtp://HOST:PORT or smtps://HOST:PORT",
                       url ? url : "");
    host = strstr(url, "://") + 3;
    if (!*host || *host == ':' || *host == '/')
        return lr_fail(err, LR_EINVAL, "SMTP URL '%s' has no host", url);
    if (strchr(host, '@'))
        return lr_fail(err, LR_EINVAL, "an SMTP URL carries no user or password: give them "
                                       "apart (the password is sealed)");
    return LR_OK;
}

int smtp_address_ok(const char *a)
{
    const char *at = a ? strchr(a, '@') : NULL;
    return at && at != a && at[1] && !strchr(at + 1, '@') && !strpbrk(a, " <>\r\n\t,;\"");
}

typedef struct reading {
    const char *p;
    size_t left;
} reading;

static size_t feed(char *out, size_t size, size_t n, void *ctx)
{
    reading *r = ctx;
    size_t want = size * n, k = r->left < want ? r->left : want;
    memcpy(out, r->p, k);
    r->p += k;
    r->left -= k;
    return k;
}

lr_status smtp_send(const smtp_server *srv, const char *from, const char *const *to, size_t nto,
                    const char *message, size_t len, lr_error *err)
{
    struct curl_slist *rcpt = NULL;
    reading r = {message, len};
    char why[CURL_ERROR_SIZE] = "";
    net_opts o;
    lr_status st;
    CURLcode rc;
    long code = 0;

    if ((st = smtp_check_url(srv->url, err)) != LR_OK)
        return st;
    if (!smtp_address_ok(from))
        return lr_fail(err, LR_EINVAL, "sender '%s' is not a mail address", from ? from : "");
    if (nto == 0)
        return lr_fail(err, LR_EINVAL, "no recipient");
    for (size_t i = 0; i < nto; i++) {
        struct curl_slist *n;
        if (!smtp_address_ok(to[i])) {
            curl_slist_free_all(rcpt);
            return lr_fail(err, LR_EINVAL, "recipient '%s' is not a mail address", to[i]);
        }
        if (!(n = curl_slist_append(rcpt, to[i]))) {
            curl_slist_free_all(rcpt);
            return lr_fail(err, LR_ENOMEM, "out of memory");
        }
        rcpt = n;
    }
    net_init();
    o.e = curl_easy_init();
    o.first = CURLE_OK;
    if (!o.e) {
        curl_slist_free_all(rcpt);
        return lr_fail(err, LR_ENOMEM, "libcurl could not start a transfer");
    }
    net_opt(&o, CURLOPT_URL, srv->url);
    net_opt(&o, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    net_opt(&o, CURLOPT_NOSIGNAL, 1L);
    net_opt(&o, CURLOPT_TIMEOUT_MS, srv->timeout_ms > 0 ? srv->timeout_ms : 30000L);
    net_opt(&o, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    /* STARTTLS whenever offered; never credentials without it */
    net_opt(&o, CURLOPT_USE_SSL,
            srv->require_tls || (srv->user && srv->user[0]) ? (long)CURLUSESSL_ALL
                                                             : (long)CURLUSESSL_TRY);
    if (srv->ca_file && srv->ca_file[0])
        net_opt(&o, CURLOPT_CAINFO, srv->ca_file);
    net_opt(&o, CURLOPT_MAIL_FROM, from);
    net_opt(&o, CURLOPT_MAIL_RCPT, rcpt);
    net_opt(&o, CURLOPT_READFUNCTION, feed);
    net_opt(&o, CURLOPT_READDATA, &r);
    net_opt(&o, CURLOPT_UPLOAD, 1L);
    net_opt(&o, CURLOPT_ERRORBUFFER, why);
    if (srv->user && srv->user[0]) {
        net_opt(&o, CURLOPT_USERNAME, srv->user);
        net_opt(&o, CURLOPT_PASSWORD, srv->password ? srv->password : "");
    }
    rc = o.first == CURLE_OK ? curl_easy_perform(o.e) : o.first;
    curl_easy_getinfo(o.e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(o.e);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_USE_SSL_FAILED)
        return lr_fail(err, LR_EIO, "SMTP %s: the server offers no STARTTLS, and credentials "
                                    "never go in clear", srv->url);
    if (rc != CURLE_OK)
        return lr_fail(err, LR_EIO, "SMTP %s: %s%s%s (reply %ld)", srv->url, curl_easy_strerror(rc),
                       why[0] ? ": " : "", why, code);
    return LR_OK;
}
