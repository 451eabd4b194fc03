/* builtins.c — the built-in functions of stdlib (SPEC §1): pure computations on their parameters
 * and the VM's clock, so a run stays deterministic. */
#include "builtins.h"

#include "civil.h"

#include "doc.h"
#include "json_writer.h"
#include "tz.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

static const char *arg(const char *const *keys, const char *const *values, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], key))
            return values[i];
    return NULL;
}

static bool number(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

static void put_number(char *buf, size_t n, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.10g", v);
}

/* An ISO 8601 UTC time (civil.h) or epoch seconds -> ms */
static bool parse_time(const char *s, int64_t *ms)
{
    double secs;
    if (number(s, &secs)) {
        *ms = (int64_t)(secs * 1000);
        return true;
    }
    return cc_parse_utc(s, ms, NULL, 0);
}

static bool json_get(const char *json, const char *path, char *out, size_t n)
{
    cc_arena arena;
    cc_arena_init(&arena);
    cc_diags ds;
    cc_diags_init(&ds);
    /* JSON as RFC 8259 has it (surrogate pairs and all), not YAML that reads much of it */
    const cc_node *node = cc_json_read(&arena, &ds, 0, json, strlen(json));
    bool ok = node != NULL && ds.errors == 0;
    char part[256];
    for (const char *p = path; ok && *p;) {
        size_t len = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        p += len + (p[len] == '.');
        if (node->type == CC_NODE_MAP)
            node = cc_node_get(node, part);
        else if (node->type == CC_NODE_LIST) {
            char *end;
            unsigned long i = strtoul(part, &end, 10);
            node = *end || i >= node->count ? NULL : node->items[i];
        } else
            node = NULL;
        ok = node != NULL;
    }
    if (ok && node->type == CC_NODE_SCALAR) {
        const char *text = cc_node_is_null(node) ? "" : node->text;
        ok = strlen(text) < n; /* a value that does not fit is an error, never cut */
        if (ok)
            memcpy(out, text, strlen(text) + 1);
    } else if (ok) { /* an object or a list: its JSON */
        cc_buf b = {0};
        cc_node_json(&b, node, false);
        ok = b.len < n;
        if (ok)
            memcpy(out, b.data ? b.data : "", b.len + 1);
        cc_buf_free(&b);
    }
    cc_diags_free(&ds);
    cc_arena_free(&arena);
    return ok;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

bool cc_builtin_call(const char *name, const char *const *keys, const char *const *values, size_t n, int64_t now_ms,
                     void (*set)(void *ud, const char *key, const char *value), void *ud)
{
    char buf[4096];
    const char *text = arg(keys, values, n, "text");
    double a, b;
    if (!strcmp(name, "ccflow:upper") || !strcmp(name, "ccflow:lower")) {
        if (!text)
            return false;
        /* full Unicode case mapping (libunistring): "straße" is "STRASSE", "CAFÉ" is "café" */
        size_t len = sizeof buf - 1;
        uint8_t *mapped = (name[7] == 'u' ? u8_toupper : u8_tolower)(
            (const uint8_t *)text, strlen(text), NULL, NULL, (uint8_t *)buf, &len);
        if (!mapped)
            return false; /* not UTF-8, or out of memory */
        bool fits = len < sizeof buf;
        if (mapped != (uint8_t *)buf) { /* it did not fit the buffer: libunistring allocated */
            if (fits)
                memcpy(buf, mapped, len);
            free(mapped);
        }
        if (!fits)
            return false;
        buf[len] = '\0';
    } else if (!strcmp(name, "ccflow:trim")) {
        if (!text)
            return false;
        while (isspace((unsigned char)*text))
            text++;
        size_t len = strlen(text);
        while (len && isspace((unsigned char)text[len - 1]))
            len--;
        snprintf(buf, sizeof buf, "%.*s", (int)len, text);
    } else if (!strcmp(name, "ccflow:length")) {
        if (!text)
            return false;
        size_t chars = 0;
        for (const char *p = text; *p; p++)
            chars += ((unsigned char)*p & 0xc0) != 0x80;
        snprintf(buf, sizeof buf, "%zu", chars);
    } else if (!strcmp(name, "ccflow:concat")) {
        cc_buf out = {0};
        cc_buf_put(&out, "", 0);
        static const char *const parts[] = {"a", "b", "c", "d"};
        for (size_t i = 0; i < 4; i++) {
            const char *v = arg(keys, values, n, parts[i]);
            if (v)
                cc_buf_puts(&out, v);
        }
        snprintf(buf, sizeof buf, "%s", out.data);
        cc_buf_free(&out);
    } else if (!strcmp(name, "ccflow:replace")) {
        const char *from = arg(keys, values, n, "from"), *to = arg(keys, values, n, "to");
        if (!text || !from || !*from || !to)
            return false;
        char *r = cc_str_replace(text, from, to);
        snprintf(buf, sizeof buf, "%s", r);
        cc_free(r);
    } else if (!strcmp(name, "ccflow:contains")) {
        const char *part = arg(keys, values, n, "part");
        if (!text || !part)
            return false;
        snprintf(buf, sizeof buf, "%s", strstr(text, part) ? "true" : "false");
    } else if (!strcmp(name, "ccflow:add") || !strcmp(name, "ccflow:subtract") || !strcmp(name, "ccflow:multiply") ||
               !strcmp(name, "ccflow:divide")) {
        if (!number(arg(keys, values, n, "a"), &a) || !number(arg(keys, values, n, "b"), &b))
            return false;
        double r = name[7] == 'a' ? a + b : name[7] == 's' ? a - b : name[7] == 'm' ? a * b : (b == 0 ? NAN : a / b);
        if (!isfinite(r))
            return false;
        put_number(buf, sizeof buf, r);
    } else if (!strcmp(name, "ccflow:round")) {
        double digits = 0;
        if (!number(arg(keys, values, n, "value"), &a) ||
            (arg(keys, values, n, "digits") && !number(arg(keys, values, n, "digits"), &digits)) || digits < 0 ||
            digits > 10)
            return false;
        double f = pow(10, floor(digits));
        put_number(buf, sizeof buf, round(a * f) / f);
    } else if (!strcmp(name, "ccflow:now")) {
        const char *zone = arg(keys, values, n, "timezone");
        cc_tz tz;
        char err[200];
        int32_t off = 0;
        if (zone && *zone) {
            if (!cc_tz_load(&tz, zone, err, sizeof err))
                return false;
            off = cc_tz_offset(&tz, now_ms);
            cc_tz_free(&tz);
        }
        cc_civil c;
        cc_civil_from_ms(now_ms + (int64_t)off * 1000, &c);
        static const char *const days[] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
                                           "SATURDAY"};
        char part[64];
        snprintf(part, sizeof part, "%04lld-%02d-%02d", (long long)c.year, c.month, c.day);
        set(ud, "date", part);
        snprintf(part, sizeof part, "%02d:%02d:%02d", c.hour, c.minute, c.second);
        set(ud, "time", part);
        set(ud, "weekday", days[c.weekday]);
        snprintf(part, sizeof part, "%d", c.hour);
        set(ud, "hour", part);
        snprintf(part, sizeof part, "%lld", (long long)(now_ms / 1000));
        set(ud, "epoch", part);
        snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)c.year, c.month, c.day, c.hour,
                 c.minute, c.second, off < 0 ? '-' : '+',
                 abs(off) / 3600, abs(off) / 60 % 60);
    } else if (!strcmp(name, "ccflow:add_duration")) {
        int64_t t, dur;
        const char *ds = arg(keys, values, n, "duration");
        if (!parse_time(arg(keys, values, n, "time") ? arg(keys, values, n, "time") : "", &t) || !ds ||
            !cc_parse_duration(ds, &dur))
            return false;
        cc_format_utc(buf, sizeof buf, t + dur, false);
    } else if (!strcmp(name, "ccflow:json_get")) {
        const char *json = arg(keys, values, n, "json"), *path = arg(keys, values, n, "path");
        if (!json || !path || !json_get(json, path, buf, sizeof buf))
            return false;
    } else if (!strcmp(name, "ccflow:json_object")) {
        const char *const **order = cc_xcalloc(n + 1, sizeof *order);
        for (size_t i = 0; i < n; i++)
            order[i] = &keys[i];
        qsort(order, n, sizeof *order, cmp_key);
        cc_buf out = {0};
        cc_jw w;
        cc_jw_init(&w, &out, 0, false);
        cc_jw_object(&w);
        for (size_t i = 0; i < n; i++) {
            size_t k = (size_t)(order[i] - keys);
            cc_jw_kv_string(&w, keys[k], values[k]);
        }
        cc_jw_object_end(&w);
        cc_jw_finish(&w);
        /* cut short it would not be JSON: an object too long for the result fails instead */
        bool fits = out.len < sizeof buf;
        if (fits)
            memcpy(buf, out.data, out.len + 1);
        cc_buf_free(&out);
        cc_free(order);
        if (!fits)
            return false;
    } else
        return false;
    set(ud, "value", buf);
    return true;
}
