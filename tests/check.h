/* check.h — the CHECK macro of the C test programs: counts a pass, or prints the failure with its
 * line and counts it; each program prints "NAME: N passed, N failed" at the end. */
#ifndef CCFLOW_TESTS_CHECK_H
#define CCFLOW_TESTS_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond)                                                                                  \
            passed++;                                                                              \
        else {                                                                                     \
            failed++;                                                                              \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                           \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#endif
