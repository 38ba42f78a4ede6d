/* libFuzzer target: the JSON ingest body (parse and validate each event). */
#include <stddef.h>
#include <stdint.h>

#include "core/event_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lr_event_batch b;
    lr_error err;
    if (event_batch_parse_json((const char *)data, size, 1000, "fuzz", &b, &err) == LR_OK)
        event_batch_free(&b);
    return 0;
}
