/* tz.h — time zones from the system's tz database (TZif files), read without touching the C
 * library's global time zone state, so that a VM never depends on TZ or on another thread. */
#ifndef CCFLOW_TZ_H
#define CCFLOW_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *name;
    size_t n;             /* transitions */
    int64_t *at;          /* UTC seconds of each transition */
    int32_t *offset;      /* UTC offset in seconds from that transition on */
    int32_t first_offset; /* before the first transition */
} cc_tz;

/* Loads a zone such as "Europe/Lisbon" or "UTC" from /usr/share/zoneinfo. */
bool cc_tz_load(cc_tz *tz, const char *name, char *err, size_t errlen);
void cc_tz_free(cc_tz *tz);

/* Offset from UTC, in seconds, at a UTC instant in milliseconds. Past the last transition in the
 * file the last offset holds (the files reach 2037). */
int32_t cc_tz_offset(const cc_tz *tz, int64_t utc_ms);

#endif
