/* tz.h — time zones from the system's tz database (TZif files), read without touching the C
 * library's global time zone state, so that a VM never depends on TZ or on another thread. */
#ifndef CCFLOW_TZ_H
#define CCFLOW_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One end of a daylight-saving period in a POSIX TZ rule: 'J' day a of 1..365 (no February 29),
 * 'n' day a of 0..365, or 'M' month a, week b (5: the last), weekday c (0: Sunday); at `time`
 * seconds of local time. */
typedef struct {
    char kind;
    int a, b, c;
    int32_t time;
} cc_tz_date;

/* The footer's rule: standard offset, and daylight offset with its dates when it has them. */
typedef struct {
    bool valid, has_dst;
    int32_t std_offset, dst_offset; /* seconds east of UTC */
    cc_tz_date start, end;
} cc_tz_rule;

typedef struct {
    char *name;
    cc_tz_rule rule;      /* from the file's footer: after the last transition */
    size_t n;             /* transitions */
    int64_t *at;          /* UTC seconds of each transition */
    int32_t *offset;      /* UTC offset in seconds from that transition on */
    int32_t first_offset; /* before the first transition */
} cc_tz;

/* Loads a zone such as "Europe/Lisbon" or "UTC" from $TZDIR, else /usr/share/zoneinfo. */
bool cc_tz_load(cc_tz *tz, const char *name, char *err, size_t errlen);
void cc_tz_free(cc_tz *tz);

/* Offset from UTC, in seconds, at a UTC instant in milliseconds: from the transition table, and
 * past its last transition from the footer's rule (files built "slim" list few transitions). */
int32_t cc_tz_offset(const cc_tz *tz, int64_t utc_ms);

#endif
