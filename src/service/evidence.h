/*
 * evidence — what shows that a company's records were not altered after
 * the fact: its events' hash chain checked link by link (`loginrec
 * verify`), and a signed digest of the chain's head for an auditor
 * (`loginrec digest`), checked later against the chain.
 */
#ifndef LR_SERVICE_EVIDENCE_H
#define LR_SERVICE_EVIDENCE_H

#include "store/secrets.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/progress.h"

typedef struct verify_report {
    int64_t events;   /* walked */
    int64_t gaps;     /* links a purge recorded, used */
    int64_t sealed;   /* events stored before the chain existed, linked by this run */
    int ok;
    int64_t bad_id;   /* the first event that does not match (0: none, or the tail) */
    char why[700];    /* what is wrong, for people */
    lr_chain_head head;
} verify_report;

/* Recomputes c's chain from its first event, place by place, and says
 * whether every stored link matches, no place is missing but where a
 * purge's record (sealed with sec's key) says the chain resumes, and the
 * head is its last event; r->why names the first event that does not
 * match and what that means. LR_OK whether or not it matches (r->ok); an
 * error only when it could not look. Links the events stored before the
 * chain existed first (their first run). */
lr_status evidence_verify(lr_store *s, const lr_company *c, const lr_secrets *sec,
                          const progress_hook *progress, verify_report *r, lr_error *err);

/* A digest of c's chain as it stands, signed with the company's key (an
 * Ed25519 key derived from the secrets key): JSON, one object, into out. */
lr_status evidence_digest(lr_store *s, const lr_company *c, const lr_secrets *sec, lr_buf *out,
                          lr_error *err);
/* The company's public key (64 hex digits), for an auditor. */
void evidence_public_key(const lr_company *c, const lr_secrets *sec, char out[65]);
/* Checks a digest (JSON text): its signature by c's key, and that c's
 * chain still has that link at that event. LR_OK when both hold, else
 * LR_EINVAL with why. */
lr_status evidence_digest_check(lr_store *s, const lr_company *c, const lr_secrets *sec,
                                const char *json, lr_error *err);

#endif
