/* civil.h — calendar dates and UTC times, in one place: the proleptic Gregorian calendar with
 * milliseconds since 1970-01-01T00:00:00Z, without the C library's time-zone state. Hours of
 * operation, time-zone rules, the date built-ins, scenario clocks and contact records all count
 * days and read and write ISO 8601 times through these. */
#ifndef CCFLOW_CIVIL_H
#define CCFLOW_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A moment broken down in UTC (or in a zone, given the moment shifted by its offset). */
typedef struct {
    int64_t year;
    int month, day;            /* 1-12, 1-31 */
    int hour, minute, second;  /* 0-23, 0-59, 0-59 */
    int millisecond;           /* 0-999 */
    int weekday;               /* 0 Sunday .. 6 Saturday */
} cc_civil;

bool cc_is_leap(int64_t year);
int cc_month_days(int64_t year, int month); /* 28 to 31 */
/* Days from 1970-01-01 to year-month-day (negative before it). */
int64_t cc_days_from_civil(int64_t year, int month, int day);
/* The moment `ms` (milliseconds since the epoch, negative before it) broken down. */
void cc_civil_from_ms(int64_t ms, cc_civil *out);

/* Reads an ISO 8601 UTC time, YYYY-MM-DDTHH:MM:SS with an optional fraction of one to three
 * digits and the Z: a real date and time of the years 0000-9999, nothing normalised (2026-02-30
 * is no date). On failure, `why` (when not NULL) is empty when the text is not shaped like such a
 * time (the caller says what it expected), else says which part does not exist, as the end of a
 * sentence about the text: "has no month 13: months are 01 to 12"... */
bool cc_parse_utc(const char *text, int64_t *ms, char *why, size_t n);

/* Writes 2026-11-23T08:00:00Z, or with milliseconds 2026-11-23T08:00:00.250Z. */
void cc_format_utc(char *out, size_t n, int64_t ms, bool milliseconds);

#endif
