/* libFuzzer target: journalctl -o json lines (sources/journald.c) and
 * the Linux session rules on what they hold. */
#include <stdint.h>

#include "sources/journald.h"
#include "unix_kept.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kept k;
    journald_stats st;
    lr_error err;
    k.n = 0;
    (void)journald_parse("fuzz.json", (const char *)data, size, keep, &k, &st, &err);
    derive_kept(&k);
    return 0;
}
