/* json_writer.c — the one JSON writer: nesting, separators, layout and escaping in one place. */
#include "json_writer.h"

#include <inttypes.h>
#include <string.h>

enum { CC_JW_OBJECT = 1, CC_JW_MEMBERS = 2, CC_JW_KEY = 4 };

void cc_jw_init(cc_jw *w, cc_buf *out, unsigned pretty, bool spaced)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty;
    w->spaced = spaced;
    w->levels = w->inline_levels;
    w->cap = sizeof w->inline_levels;
}

static void misuse(cc_jw *w, const char *what)
{
    if (!w->misuse)
        w->misuse = what;
}

static void newline(cc_jw *w, size_t depth)
{
    cc_buf_putc(w->out, '\n');
    for (size_t i = 0; i < depth; i++)
        cc_buf_put(w->out, "  ", 2);
}

/* The separator and layout before a member of the innermost container. */
static void separate(cc_jw *w, unsigned char *level)
{
    bool pretty = w->depth - 1 < w->pretty;
    if (*level & CC_JW_MEMBERS)
        cc_buf_put(w->out, ",", 1);
    if (pretty)
        newline(w, w->depth);
    else if ((*level & CC_JW_MEMBERS) && w->spaced)
        cc_buf_put(w->out, " ", 1);
    *level |= CC_JW_MEMBERS;
}

/* Whether a value may be written here; writes what goes before it. */
static bool before_value(cc_jw *w)
{
    if (!w->depth) {
        if (w->done) {
            misuse(w, "a second top-level value");
            return false;
        }
        return true;
    }
    unsigned char *level = &w->levels[w->depth - 1];
    if (*level & CC_JW_OBJECT) {
        if (!(*level & CC_JW_KEY)) {
            misuse(w, "a value in an object without a key");
            return false;
        }
        *level &= (unsigned char)~CC_JW_KEY;
        return true;
    }
    separate(w, level);
    return true;
}

static void after_value(cc_jw *w)
{
    if (!w->depth)
        w->done = true;
}

static void open_container(cc_jw *w, char bracket, unsigned char kind)
{
    if (!before_value(w))
        return;
    if (w->depth == w->cap) {
        unsigned char *more = cc_xmalloc(w->cap * 2);
        memcpy(more, w->levels, w->cap);
        if (w->levels != w->inline_levels)
            cc_free(w->levels);
        w->levels = more;
        w->cap *= 2;
    }
    w->levels[w->depth++] = kind;
    cc_buf_put(w->out, &bracket, 1);
}

static void close_container(cc_jw *w, unsigned char kind)
{
    if (!w->depth) {
        misuse(w, "an end with no container open");
        return;
    }
    unsigned char level = w->levels[w->depth - 1];
    if ((level & CC_JW_OBJECT) != kind)
        misuse(w, "an end of the other kind of container");
    if (level & CC_JW_KEY) {
        misuse(w, "a key without a value");
        cc_buf_put(w->out, "null", 4);
    }
    if ((level & CC_JW_MEMBERS) && w->depth - 1 < w->pretty)
        newline(w, w->depth - 1);
    w->depth--;
    cc_buf_put(w->out, level & CC_JW_OBJECT ? "}" : "]", 1);
    after_value(w);
}

void cc_jw_object(cc_jw *w) { open_container(w, '{', CC_JW_OBJECT); }
void cc_jw_object_end(cc_jw *w) { close_container(w, CC_JW_OBJECT); }
void cc_jw_array(cc_jw *w) { open_container(w, '[', 0); }
void cc_jw_array_end(cc_jw *w) { close_container(w, 0); }

void cc_jw_key(cc_jw *w, const char *key)
{
    unsigned char *level = w->depth ? &w->levels[w->depth - 1] : NULL;
    if (!level || !(*level & CC_JW_OBJECT)) {
        misuse(w, "a key outside an object");
        return;
    }
    if (*level & CC_JW_KEY) {
        misuse(w, "a key after a key");
        cc_buf_put(w->out, "null", 4);
    }
    separate(w, level);
    cc_jw_quote(w->out, key, strlen(key));
    if (w->spaced || w->depth - 1 < w->pretty)
        cc_buf_put(w->out, ": ", 2);
    else
        cc_buf_put(w->out, ":", 1);
    *level |= CC_JW_KEY;
}

void cc_jw_string_n(cc_jw *w, const char *s, size_t n)
{
    if (!before_value(w))
        return;
    cc_jw_quote(w->out, s, n);
    after_value(w);
}

void cc_jw_string(cc_jw *w, const char *s)
{
    if (s)
        cc_jw_string_n(w, s, strlen(s));
    else
        cc_jw_null(w);
}

static void literal(cc_jw *w, const char *text, size_t n)
{
    if (!before_value(w))
        return;
    cc_buf_put(w->out, text, n);
    after_value(w);
}

void cc_jw_int(cc_jw *w, int64_t v)
{
    char text[24];
    int n = snprintf(text, sizeof text, "%" PRId64, v);
    literal(w, text, (size_t)n);
}

void cc_jw_bool(cc_jw *w, bool v) { v ? literal(w, "true", 4) : literal(w, "false", 5); }
void cc_jw_null(cc_jw *w) { literal(w, "null", 4); }

bool cc_jw_is_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

bool cc_jw_number(cc_jw *w, const char *text)
{
    if (cc_jw_is_number(text)) {
        literal(w, text, strlen(text));
        return true;
    }
    cc_jw_string(w, text);
    return false;
}

void cc_jw_kv_string(cc_jw *w, const char *key, const char *s)
{
    cc_jw_key(w, key);
    cc_jw_string(w, s);
}

void cc_jw_kv_int(cc_jw *w, const char *key, int64_t v)
{
    cc_jw_key(w, key);
    cc_jw_int(w, v);
}

bool cc_jw_finish(cc_jw *w)
{
    if (w->depth)
        misuse(w, "a container left open");
    while (w->depth)
        close_container(w, w->levels[w->depth - 1] & CC_JW_OBJECT);
    if (!w->done) {
        misuse(w, "no value written");
        cc_jw_null(w);
    }
    if (w->levels != w->inline_levels)
        cc_free(w->levels);
    w->levels = w->inline_levels;
    w->cap = sizeof w->inline_levels;
    return w->misuse == NULL;
}

void cc_jw_quote(cc_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    cc_buf_putc(out, '"');
    size_t run = 0; /* start of the bytes that need no escape, written in one piece */
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t k = c >= 0x80 ? cc_utf8_seq(p + i, n - i) : 0;
        if (k) { /* a valid multi-byte sequence goes out as it is */
            i += k;
            continue;
        }
        cc_buf_put(out, s + run, i - run);
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c == '"' || c == '\\')
            esc[1] = (char)c, cc_buf_put(out, esc, 2);
        else if (c == '\n')
            cc_buf_put(out, "\\n", 2);
        else if (c == '\t')
            cc_buf_put(out, "\\t", 2);
        else if (c == '\r')
            cc_buf_put(out, "\\r", 2);
        else if (c < 0x20)
            cc_buf_put(out, esc, 6);
        else /* a byte that starts no valid sequence: the replacement character keeps UTF-8 valid */
            cc_buf_put(out, "\\ufffd", 6);
        run = ++i;
    }
    cc_buf_put(out, s + run, n - run);
    cc_buf_putc(out, '"');
}
