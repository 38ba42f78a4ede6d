/*
 * cmd_evidence — loginrec verify CODE [--digest FILE] (the events' hash
 * chain recomputed, the first event that does not match named; a digest
 * checked against it) and loginrec digest CODE [-o FILE] [--public-key]
 * (the chain's head signed with the company's key, for an auditor).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "service/evidence.h"

int cmd_verify(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *digest = cli_take(a, "--digest", &bad);
    verify_report r;
    cli_progress line;
    lr_secrets sec;
    lr_company c;
    lr_error err;
    lr_status st;
    if (bad)
        return cli_usage("verify: --digest needs a file");
    if ((rc = cli_check_rest(a, 1, "verify CODE")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    /* the key checks the seals of the purges' records */
    if ((rc = cli_load_secrets(&sec)) != 0)
        return rc;
    st = evidence_verify(s, &c, &sec, cli_progress_start(&line), &r, &err);
    sodium_memzero(&sec, sizeof sec);
    cli_progress_end(&line);
    if (st != LR_OK)
        return cli_fail(&err);
    if (r.sealed)
        printf("%s: %lld events stored before the chain existed were linked now (its first "
               "run)\n",
               c.code, (long long)r.sealed);
    if (!r.ok) {
        printf("%s: the chain does not hold: %s\n", c.code, r.why);
        return 1;
    }
    printf("%s: %lld events, every link matches; head #%lld %s", c.code, (long long)r.events,
           (long long)r.head.id, r.head.link[0] ? r.head.link : "(none yet)");
    if (r.gaps)
        printf("; %lld purge(s) of older events recorded", (long long)r.gaps);
    printf("\n");
    if (digest) {
        lr_buf text;
        buf_init(&text, 1 << 20);
        if ((rc = cli_load_secrets(&sec)) != 0) {
            buf_free(&text);
            return rc;
        }
        st = cli_read_file(digest, &text, &err);
        if (st == LR_OK)
            st = evidence_digest_check(s, &c, &sec, buf_str(&text), &err);
        sodium_memzero(&sec, sizeof sec);
        buf_free(&text);
        if (st != LR_OK) {
            printf("%s: the digest %s does not hold: %s\n", c.code, digest, err.message);
            return 1;
        }
        printf("%s: the digest %s is %s's, and the chain still holds what it signed\n", c.code,
               digest, c.code);
    }
    return 0;
}

int cmd_digest(lr_store *s, cli_args *a)
{
    int bad = 0, rc, public_key = cli_take_flag(a, "--public-key");
    const char *out = cli_take(a, "-o", &bad);
    lr_secrets sec;
    lr_company c;
    lr_error err;
    lr_buf b;
    lr_status st;
    FILE *f;
    if (bad)
        return cli_usage("digest: -o needs a file");
    if ((rc = cli_check_rest(a, 1, "digest CODE")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if ((rc = cli_load_secrets(&sec)) != 0)
        return rc;
    if (public_key) {
        char hex[65];
        evidence_public_key(&c, &sec, hex);
        sodium_memzero(&sec, sizeof sec);
        printf("%s\n", hex);
        return 0;
    }
    buf_init(&b, 1 << 16);
    st = evidence_digest(s, &c, &sec, &b, &err);
    sodium_memzero(&sec, sizeof sec);
    if (st != LR_OK) {
        buf_free(&b);
        return cli_fail(&err);
    }
    f = out ? fopen(out, "wx") : stdout;
    if (!f) {
        buf_free(&b);
        lr_fail(&err, LR_EIO, "%s: cannot be written (it may exist: a digest is never written "
                              "over)",
                out);
        return cli_fail(&err);
    }
    fputs(buf_str(&b), f);
    rc = out ? fclose(f) : fflush(f);
    buf_free(&b);
    if (rc != 0) {
        lr_fail(&err, LR_EIO, "writing the digest failed");
        return cli_fail(&err);
    }
    return 0;
}
