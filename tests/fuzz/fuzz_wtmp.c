/* libFuzzer target: wtmp files (sources/wtmp.c) and the Linux session
 * rules on what they hold (core/unix_session.c). */
#include <stdint.h>

#include "sources/wtmp.h"
#include "unix_kept.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kept k;
    wtmp_stats st;
    lr_error err;
    k.n = 0;
    (void)wtmp_parse("fuzz.wtmp", "pc", data, size, keep, &k, &st, &err);
    derive_kept(&k);
    return 0;
}
