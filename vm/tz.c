/* tz.c — TZif version 2+ reader (RFC 8536): the 64-bit transition table, and the POSIX TZ rule of
 * its footer for the instants after the table's last transition. */
#include "tz.h"

#include "civil.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int64_t be64(const uint8_t *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* ---- the POSIX TZ rule of the footer (RFC 8536 §3.3, POSIX TZ with the RFC's extensions) ---- */

/* A zone's abbreviation: letters, or anything but '>' between '<' and '>'. */
static const char *rule_name(const char *s)
{
    if (*s == '<') {
        const char *end = strchr(s, '>');
        return end && end - s >= 2 ? end + 1 : NULL;
    }
    const char *p = s;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] as seconds; hours up to `max_hours`. */
static const char *rule_time(const char *s, int max_hours, int32_t *out)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    int part[3] = {0, 0, 0}, n = 0;
    while (n < 3) {
        if (*s < '0' || *s > '9')
            return NULL;
        int v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3)
            v = v * 10 + (*s++ - '0'), digits++;
        part[n++] = v;
        if (*s != ':')
            break;
        s++;
    }
    if (part[0] > max_hours || part[1] > 59 || part[2] > 59)
        return NULL;
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    return s;
}

/* One end of the daylight-saving period: Jn, n, or Mm.w.d, then an optional /time. */
static const char *rule_date(const char *s, cc_tz_date *d)
{
    long a = 0, b = 0, c = 0;
    char *end;
    if (*s == 'J') {
        a = strtol(s + 1, &end, 10);
        if (end == s + 1 || a < 1 || a > 365)
            return NULL;
        d->kind = 'J', d->a = (int)a;
    } else if (*s == 'M') {
        a = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end != '.' || a < 1 || a > 12)
            return NULL;
        s = end + 1;
        b = strtol(s, &end, 10);
        if (end == s || *end != '.' || b < 1 || b > 5)
            return NULL;
        s = end + 1;
        c = strtol(s, &end, 10);
        if (end == s || c < 0 || c > 6)
            return NULL;
        d->kind = 'M', d->a = (int)a, d->b = (int)b, d->c = (int)c;
    } else if (*s >= '0' && *s <= '9') {
        a = strtol(s, &end, 10);
        if (a > 365)
            return NULL;
        d->kind = 'n', d->a = (int)a;
    } else
        return NULL;
    s = end;
    d->time = 2 * 3600; /* 02:00:00 local time when not given */
    if (*s == '/')
        s = rule_time(s + 1, 167, &d->time); /* RFC 8536 allows -167..167 hours */
    return s;
}

/* Parses a footer such as "EST5EDT,M3.2.0,M11.1.0" or "<+0330>-3:30"; false when it is none. */
static bool rule_parse(cc_tz_rule *r, const char *s)
{
    memset(r, 0, sizeof *r);
    int32_t west;
    if (!(s = rule_name(s)) || !(s = rule_time(s, 24, &west)))
        return false;
    r->std_offset = -west; /* POSIX counts west of Greenwich as positive */
    if (!*s) {
        r->valid = true;
        return true;
    }
    if (!(s = rule_name(s)))
        return false;
    r->dst_offset = r->std_offset + 3600;
    if (*s && *s != ',') {
        if (!(s = rule_time(s, 24, &west)))
            return false;
        r->dst_offset = -west;
    }
    /* a daylight name without dates: the US rule POSIX gives as the default */
    if (!*s) {
        r->start = (cc_tz_date){'M', 3, 2, 0, 2 * 3600};
        r->end = (cc_tz_date){'M', 11, 1, 0, 2 * 3600};
    } else if (*s++ != ',' || !(s = rule_date(s, &r->start)) || *s++ != ',' || !(s = rule_date(s, &r->end)) || *s)
        return false;
    r->has_dst = r->valid = true;
    return true;
}

/* The day (days since 1970) a rule date falls on in year y. */
static int64_t rule_day(const cc_tz_date *d, int64_t y)
{
    int64_t jan1 = cc_days_from_civil(y, 1, 1);
    if (d->kind == 'J') /* 1..365, February 29 never counted */
        return jan1 + d->a - 1 + (cc_is_leap(y) && d->a >= 60);
    if (d->kind == 'n') /* 0..365, February 29 counted */
        return jan1 + d->a;
    int64_t first = cc_days_from_civil(y, d->a, 1);
    int weekday = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int64_t day = first + (d->c - weekday + 7) % 7 + (int64_t)(d->b - 1) * 7;
    int length = cc_month_days(y, d->a);
    while (day >= first + length) /* week 5 is the last such day of the month */
        day -= 7;
    return day;
}

/* UTC seconds when daylight time starts (or ends) in year y: the rule's time is the local time in
 * effect just before the change. */
static int64_t rule_start(const cc_tz_rule *r, int64_t y)
{
    return rule_day(&r->start, y) * 86400 + r->start.time - r->std_offset;
}

static int64_t rule_end(const cc_tz_rule *r, int64_t y)
{
    return rule_day(&r->end, y) * 86400 + r->end.time - r->dst_offset;
}

static int32_t rule_offset(const cc_tz_rule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std_offset;
    /* the year of t, and the one before, whose daylight period may run into it (southern zones,
     * and rules that keep daylight time across the new year) */
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t y = 1970 + days / 366; /* a lower bound, then exact */
    while (cc_days_from_civil(y + 1, 1, 1) <= days)
        y++;
    while (cc_days_from_civil(y, 1, 1) > days)
        y--;
    for (int64_t yy = y - 1; yy <= y; yy++) {
        int64_t start = rule_start(r, yy), end = rule_end(r, yy);
        if (end <= start)
            end = rule_end(r, yy + 1);
        if (start <= t && t < end)
            return r->dst_offset;
    }
    return r->std_offset;
}

/* ---- the file ---- */

bool cc_tz_load(cc_tz *tz, const char *name, char *err, size_t errlen)
{
    memset(tz, 0, sizeof *tz);
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strlen(name) > 200) {
        snprintf(err, errlen, "'%s' is not a time zone name such as Europe/Lisbon", name);
        return false;
    }
    /* TZDIR names another copy of the database, as the C library takes it */
    const char *dir = getenv("TZDIR");
    if (!dir || !dir[0] || strlen(dir) > 800)
        dir = "/usr/share/zoneinfo";
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len;
    uint8_t *d = (uint8_t *)cc_read_file(path, &len);
    if (!d) {
        snprintf(err, errlen, "unknown time zone '%s' (not in the tz database)", name);
        return false;
    }
    bool ok = false;
    /* header: "TZif", version, 15 reserved, six counts */
    if (len < 44 || memcmp(d, "TZif", 4) != 0 || d[4] < '2')
        goto out;
    uint32_t isut = be32(d + 20), isstd = be32(d + 24), leap = be32(d + 28), timecnt = be32(d + 32),
             typecnt = be32(d + 36), charcnt = be32(d + 40);
    size_t v1 = 44 + (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt + (size_t)leap * 8 + isstd + isut;
    if (v1 + 44 > len || memcmp(d + v1, "TZif", 4) != 0)
        goto out;
    const uint8_t *h = d + v1;
    isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), timecnt = be32(h + 32);
    typecnt = be32(h + 36), charcnt = be32(h + 40);
    if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || leap > 100000 || charcnt > 100000 ||
        isstd > 256 || isut > 256)
        goto out;
    size_t body = (size_t)timecnt * 9 + (size_t)typecnt * 6 + charcnt + (size_t)leap * 12 + isstd + isut;
    if (v1 + 44 + body > len)
        goto out;
    const uint8_t *times = h + 44, *idx = times + (size_t)timecnt * 8, *types = idx + timecnt;
    tz->n = timecnt;
    tz->at = cc_xcalloc(timecnt + 1, sizeof *tz->at);
    tz->offset = cc_xcalloc(timecnt + 1, sizeof *tz->offset);
    for (uint32_t i = 0; i < timecnt; i++) {
        if (idx[i] >= typecnt)
            goto out;
        tz->at[i] = be64(times + 8 * i);
        tz->offset[i] = (int32_t)be32(types + 6 * idx[i]);
    }
    /* before the first transition: the first standard-time type (RFC 8536 §3.2) */
    tz->first_offset = (int32_t)be32(types);
    for (uint32_t t = 0; t < typecnt; t++)
        if (!types[6 * t + 4]) {
            tz->first_offset = (int32_t)be32(types + 6 * t);
            break;
        }
    /* the footer: "\n" TZ-string "\n", the rule after the last transition (or for all time when
     * there is no transition, as in files zic writes "slim") */
    size_t foot = v1 + 44 + body;
    if (foot < len && d[foot] == '\n') {
        const uint8_t *end = memchr(d + foot + 1, '\n', len - foot - 1);
        size_t n = end ? (size_t)(end - (d + foot + 1)) : 0;
        char text[256];
        if (end && n < sizeof text) {
            memcpy(text, d + foot + 1, n);
            text[n] = '\0';
            if (n && !rule_parse(&tz->rule, text))
                goto out; /* a footer that is not a rule: the file is damaged */
        }
    }
    tz->name = cc_xstrdup(name);
    ok = true;
out:
    cc_free(d);
    if (!ok) {
        cc_tz_free(tz);
        snprintf(err, errlen, "the tz database file of '%s' cannot be read", name);
    }
    return ok;
}

void cc_tz_free(cc_tz *tz)
{
    cc_free(tz->name);
    cc_free(tz->at);
    cc_free(tz->offset);
    memset(tz, 0, sizeof *tz);
}

int32_t cc_tz_offset(const cc_tz *tz, int64_t utc_ms)
{
    int64_t t = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
    if (!tz->n)
        return tz->rule.valid ? rule_offset(&tz->rule, t) : tz->first_offset;
    if (t < tz->at[0])
        return tz->first_offset;
    if (t >= tz->at[tz->n - 1] && tz->rule.valid)
        return rule_offset(&tz->rule, t);
    size_t lo = 0, hi = tz->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (tz->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->offset[lo];
}
