/* stdlib_data.h — the standard flows of stdlib/flows, embedded at build time by tools/embed.c. */
#ifndef CCFLOW_STDLIB_DATA_H
#define CCFLOW_STDLIB_DATA_H

#include <stddef.h>

typedef struct {
    const char *path; /* shown in diagnostics, e.g. "<stdlib>/default_customer_queue.yaml" */
    const char *text;
    size_t len;
} cc_embedded_file;

extern const cc_embedded_file cc_stdlib_files[]; /* terminated by a NULL path */

#endif
