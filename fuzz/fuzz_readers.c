/* fuzz_readers.c — libFuzzer target: any bytes, read as a YAML flow, as a DSL flow and as an
 * Amazon Connect JSON export and then checked as a bundle, must give diagnostics or a flow, never a
 * crash, hang or leak.
 * Build and run: make fuzz (needs clang); corpus seeds come from flows/ and tests/check/. */
#include "ir.h"

#include <stdlib.h>
#include <string.h>

static void run(const uint8_t *data, size_t size, const char *name)
{
    cc_diags ds;
    cc_diags_init(&ds);
    cc_bundle b;
    cc_bundle_init(&b, &ds);
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    cc_bundle_add_text(&b, name, text, size, false);
    cc_check_bundle(&b);
    cc_buf dump = {0};
    for (size_t i = 0; i < b.flows.len; i++)
        cc_flow_dump(b.flows.items[i], &dump);
    cc_buf_free(&dump);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        cc_diags_render(&ds, devnull, CC_FORMAT_TEXT, false);
        cc_diags_render(&ds, devnull, CC_FORMAT_SARIF, false);
        fclose(devnull);
    }
    cc_bundle_free(&b);
    cc_diags_free(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    run(data, size, "fuzz.yaml");
    run(data, size, "fuzz.flow");
    run(data, size, "fuzz.json");
    return 0;
}
