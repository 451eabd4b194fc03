/* builtins.h — the functions every bundle has without a host: invoke_lambda with a function
 * named "ccflow:<name>" (text, numbers, dates and times with time zones, JSON). */
#ifndef CCFLOW_BUILTINS_H
#define CCFLOW_BUILTINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/* Runs a built-in: parameters in, results out through set(ud, key, value). Returns false when it
 * fails (a missing or bad parameter): the block takes its error branch. now_ms is the VM's clock. */
bool cc_builtin_call(const char *name, const char *const *keys, const char *const *values, size_t n, int64_t now_ms,
                     void (*set)(void *ud, const char *key, const char *value), void *ud);

#endif
