/* hours.c — hours of operation: weekly ranges in a time zone (tz.c reads the zone files). */
#include "state.h"
#include "tz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- hours of operation ---- */

bool vm_hours_open(const hours *h, int64_t utc_ms)
{
    int64_t local = utc_ms + (int64_t)cc_tz_offset(&h->tz, utc_ms) * 1000;
    int64_t day = local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
    int wday = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int minute = (int)((local - day * 86400000) / 60000);
    for (int i = 0; i < h->week.count[wday]; i++)
        if (minute >= h->week.start[wday][i] && minute < h->week.end[wday][i])
            return true;
    return false;
}

int cc_week_add(cc_week *w, const char *days, const char *ranges, char *why, size_t n)
{
    static const char *const names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    int from = -1, to = -1;
    char a[8] = "", b[8] = "";
    if (sscanf(days, "%3[a-z]-%3[a-z]", a, b) != 2)
        snprintf(a, sizeof a, "%.3s", days), snprintf(b, sizeof b, "%s", a);
    for (int d = 0; d < 7; d++) {
        if (!strcmp(a, names[d]))
            from = d;
        if (!strcmp(b, names[d]))
            to = d;
    }
    if (from < 0 || to < 0 || (strlen(days) != 3 && strlen(days) != 7)) {
        snprintf(why, n, "'%s' is neither 'timezone' nor a day or range of days such as mon, sat or mon-fri", days);
        return 1;
    }
    for (const char *p = ranges; *p;) {
        int h1, m1, h2, m2, used = 0;
        if (sscanf(p, " %d:%d-%d:%d%n", &h1, &m1, &h2, &m2, &used) != 4 || h1 < 0 || h1 > 24 || m1 < 0 || m1 > 59 ||
            h2 < 0 || h2 > 24 || m2 < 0 || m2 > 59 || h1 * 60 + m1 >= h2 * 60 + m2 || h2 * 60 + m2 > 1440) {
            snprintf(why, n, "hours are ranges such as \"09:00-17:00\" or \"09:00-12:00, 13:00-18:00\", not '%s'",
                     ranges);
            return 2;
        }
        for (int d = from;; d = (d + 1) % 7) {
            if (w->count[d] == CC_HOURS_RANGES) {
                snprintf(why, n, "at most 4 ranges a day");
                return 2;
            }
            w->start[d][w->count[d]] = (uint16_t)(h1 * 60 + m1);
            w->end[d][w->count[d]++] = (uint16_t)(h2 * 60 + m2);
            if (d == to)
                break;
        }
        p += used;
        while (*p == ' ' || *p == ',')
            p++;
    }
    return 0;
}

int cc_rt_hours_index(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; name && i < rt->hours.len; i++)
        if (!strcmp(rt->hours.items[i].name, name))
            return (int)i;
    return -1;
}

int cc_rt_add_hours(cc_rt *rt, const char *name, const char *timezone, const cc_week *week, char *err,
                    size_t errlen)
{
    if (cc_rt_hours_index(rt, name) >= 0) {
        snprintf(err, errlen, "hours '%s' are defined twice", name);
        return -1;
    }
    hours h = {0};
    if (!cc_tz_load(&h.tz, timezone, err, errlen))
        return -1;
    h.name = cc_xstrdup(name);
    h.week = *week;
    cc_vec_push(&rt->hours, h);
    return (int)rt->hours.len - 1;
}

void cc_rt_set_queue_hours(cc_rt *rt, int q, int h) { rt->queues.items[q].hours = h; }
