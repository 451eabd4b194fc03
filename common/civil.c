/* civil.c — calendar dates and ISO 8601 UTC times (civil.h). */
#include "civil.h"

#include <stdio.h>

bool cc_is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int cc_month_days(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && cc_is_leap(y));
}

/* After Howard Hinnant's days_from_civil: eras of 400 years, March-based years. */
int64_t cc_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void cc_civil_from_ms(int64_t ms, cc_civil *out)
{
    int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000, rem = ms - days * 86400000;
    out->weekday = (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097, doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    out->year = yoe + era * 400 + (out->month <= 2);
    out->hour = (int)(rem / 3600000);
    out->minute = (int)(rem / 60000 % 60);
    out->second = (int)(rem / 1000 % 60);
    out->millisecond = (int)(rem % 1000);
}

static bool digits(const char *s, int count, int *out)
{
    *out = 0;
    for (int i = 0; i < count; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *out = *out * 10 + (s[i] - '0');
    }
    return true;
}

bool cc_parse_utc(const char *text, int64_t *ms, char *why, size_t n)
{
    char scratch[1];
    if (!why)
        why = scratch, n = sizeof scratch;
    int y, mo, d, h, mi, s, frac = 0, places = 0;
    const char *t = text;
    bool shaped = digits(t, 4, &y) && t[4] == '-' && digits(t + 5, 2, &mo) && t[7] == '-' && digits(t + 8, 2, &d) &&
                  t[10] == 'T' && digits(t + 11, 2, &h) && t[13] == ':' && digits(t + 14, 2, &mi) && t[16] == ':' &&
                  digits(t + 17, 2, &s);
    if (shaped) {
        t += 19;
        if (*t == '.') {
            while (places < 3 && t[1 + places] >= '0' && t[1 + places] <= '9')
                frac = frac * 10 + (t[1 + places] - '0'), places++;
            shaped = places > 0;
            t += 1 + places;
        }
        shaped = shaped && t[0] == 'Z' && t[1] == '\0';
    }
    if (!shaped) {
        why[0] = '\0';
        return false;
    }
    for (int p = places; p < 3; p++)
        frac *= 10;
    if (mo < 1 || mo > 12) {
        snprintf(why, n, "has no month %02d: months are 01 to 12", mo);
        return false;
    }
    if (d < 1 || d > cc_month_days(y, mo)) {
        snprintf(why, n, "has no day %02d in %04d-%02d, which has %d days", d, y, mo, cc_month_days(y, mo));
        return false;
    }
    if (h > 23 || mi > 59 || s > 59) {
        snprintf(why, n, "has no time %02d:%02d:%02d: hours are 00 to 23, minutes and seconds 00 to 59", h, mi, s);
        return false;
    }
    *ms = ((cc_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + frac;
    return true;
}

void cc_format_utc(char *out, size_t n, int64_t ms, bool milliseconds)
{
    cc_civil c;
    cc_civil_from_ms(ms, &c);
    if (milliseconds)
        snprintf(out, n, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)c.year, c.month, c.day, c.hour, c.minute,
                 c.second, c.millisecond);
    else
        snprintf(out, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)c.year, c.month, c.day, c.hour, c.minute,
                 c.second);
}
