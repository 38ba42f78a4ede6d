/* libFuzzer target: Winlogbeat / ECS JSON (sources/winlogbeat.c): NDJSON
 * and arrays, the fields by name, their types, the records' checks. */
#include <stddef.h>
#include <stdint.h>

#include "sources/winlogbeat.h"

static lr_status count(void *ctx, win_record *r, const char *raw, size_t rawlen, lr_error *err)
{
    (void)r;
    (void)raw;
    (void)rawlen;
    (void)err;
    ++*(size_t *)ctx;
    return LR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    win_stats st;
    lr_error err;
    size_t n = 0;
    (void)winlogbeat_parse("fuzz.ndjson", (const char *)data, size, count, &n, &st, &err);
    return 0;
}
