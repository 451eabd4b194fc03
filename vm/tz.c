/* tz.c — TZif version 2+ reader: the 64-bit transition table and the offsets it selects. */
#include "tz.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int64_t be64(const uint8_t *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

bool cc_tz_load(cc_tz *tz, const char *name, char *err, size_t errlen)
{
    memset(tz, 0, sizeof *tz);
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strlen(name) > 200) {
        snprintf(err, errlen, "'%s' is not a time zone name such as Europe/Lisbon", name);
        return false;
    }
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
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
    if (typecnt == 0 || typecnt > 256 || timecnt > 100000 ||
        v1 + 44 + (size_t)timecnt * 9 + (size_t)typecnt * 6 > len)
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
    if (!tz->n || t < tz->at[0])
        return tz->first_offset;
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
