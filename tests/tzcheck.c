/* tzcheck.c — prints the UTC offset vm/tz.c gives a zone at each instant read from standard input
 * (UTC seconds, one a line), for tests/tz.py to compare with Python's zoneinfo. The zone comes
 * from $TZDIR when set, as the VM takes it. Usage: tzcheck ZONE < instants */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: tzcheck ZONE < instants\n", stderr);
        return 2;
    }
    cc_tz tz;
    char err[256];
    if (!cc_tz_load(&tz, argv[1], err, sizeof err)) {
        fprintf(stderr, "tzcheck: %s\n", err);
        return 1;
    }
    long long t;
    while (scanf("%lld", &t) == 1)
        printf("%d\n", (int)cc_tz_offset(&tz, (int64_t)t * 1000));
    cc_tz_free(&tz);
    return 0;
}
