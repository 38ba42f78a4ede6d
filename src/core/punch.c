/*
 * punch — ledger diff (see punch.h). Inputs are tiny (a handful of punches
 * per day), so the quadratic matching is the clearest correct choice.
 */
#include "core/punch.h"

#include <stdlib.h>
#include <string.h>

size_t punch_diff(const punch_stored *old, size_t nold, const day_punch *fresh, size_t nnew,
                  punch_change *out)
{
    /* used flags live on the stack for ordinary days, the heap otherwise */
    unsigned char ou_small[64], nu_small[64];
    unsigned char *ou = nold <= 64 ? ou_small : calloc(nold, 1);
    unsigned char *nu = nnew <= 64 ? nu_small : calloc(nnew, 1);
    size_t n = 0;

    if (!ou || !nu) {
        if (ou != ou_small)
            free(ou);
        if (nu != nu_small)
            free(nu);
        return 0;
    }
    memset(ou, 0, nold <= 64 ? nold : 0);
    memset(nu, 0, nnew <= 64 ? nnew : 0);

    /* 1. identical punches stay */
    for (size_t i = 0; i < nold; i++) {
        for (size_t j = 0; j < nnew; j++) {
            if (!nu[j] && old[i].kind == fresh[j].kind && old[i].utc == fresh[j].utc) {
                ou[i] = nu[j] = 1;
                out[n++] = (punch_change){PUNCH_KEEP, old[i].id, old[i].kind, old[i].utc, 0};
                break;
            }
        }
    }
    /* 2. the rest pair by kind in time order: corrections; inputs may be in
     * any order, so pick the earliest unused of each side every time */
    for (int k = PUNCH_CLOCK_IN; k <= PUNCH_BREAK_END; k++) {
        for (;;) {
            size_t bi = nold, bj = nnew;
            for (size_t i = 0; i < nold; i++)
                if (!ou[i] && (int)old[i].kind == k && (bi == nold || old[i].utc < old[bi].utc))
                    bi = i;
            for (size_t j = 0; j < nnew; j++)
                if (!nu[j] && (int)fresh[j].kind == k &&
                    (bj == nnew || fresh[j].utc < fresh[bj].utc))
                    bj = j;
            if (bi == nold && bj == nnew)
                break;
            if (bi < nold && bj < nnew) {
                ou[bi] = nu[bj] = 1;
                out[n++] = (punch_change){PUNCH_REPLACE, old[bi].id, fresh[bj].kind, fresh[bj].utc,
                                          fresh[bj].event_id};
            } else if (bi < nold) {
                ou[bi] = 1;
                out[n++] = (punch_change){PUNCH_RETRACT, old[bi].id, old[bi].kind, old[bi].utc, 0};
            } else {
                nu[bj] = 1;
                out[n++] = (punch_change){PUNCH_ADD, 0, fresh[bj].kind, fresh[bj].utc, fresh[bj].event_id};
            }
        }
    }
    if (ou != ou_small)
        free(ou);
    if (nu != nu_small)
        free(nu);
    return n;
}
