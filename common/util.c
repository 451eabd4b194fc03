/* util.c — arenas, growable buffers, string maps and small text helpers. */
/* MADV_HUGEPAGE is a Linux extension of madvise, beyond POSIX */
#define _DEFAULT_SOURCE
#include "util.h"

#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

_Noreturn void cc_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ccflow: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* A heap block: the link while the block is in its heap; the allocator once it is detached. */
struct cc_heap_block {
    _Alignas(16) union {
        struct {
            cc_heap_block *next, *prev;
        } link;
        struct {
            cc_realloc_fn fn;
            void *ud;
        } owner;
    } u;
};

static _Thread_local cc_heap *current;

void cc_heap_init(cc_heap *h, cc_realloc_fn fn, void *ud)
{
    memset(h, 0, sizeof *h);
    h->fn = fn;
    h->ud = ud;
}

void cc_heap_enter(cc_heap *h, cc_heap_frame *f, void *escape)
{
    f->outer = current;
    f->escape = h->escape;
    f->ndefers = h->ndefers;
    h->escape = escape;
    current = h;
}

void cc_heap_leave(cc_heap *h, const cc_heap_frame *f)
{
    h->escape = f->escape;
    h->ndefers = f->ndefers;
    current = f->outer;
}

void cc_heap_unwind(cc_heap *h, const cc_heap_frame *f)
{
    while (h->ndefers > f->ndefers) {
        h->ndefers--;
        h->defers[h->ndefers].fn(h->defers[h->ndefers].arg);
    }
    cc_heap_leave(h, f);
}

void cc_heap_release(cc_heap *h)
{
    for (cc_heap_block *b = h->blocks, *next; b; b = next) {
        next = b->u.link.next;
        h->fn(h->ud, b, 0);
    }
    h->blocks = NULL;
}

_Noreturn static void fail(cc_heap *h)
{
    h->failed = true;
    longjmp(*(jmp_buf *)h->escape, 1);
}

void cc_heap_check(void)
{
    if (current && current->failed)
        fail(current);
}

_Noreturn void cc_out_of_memory(const char *what)
{
    if (current)
        fail(current);
    cc_fatal("out of memory in %s", what);
}

void cc_heap_defer(void (*fn)(void *), void *arg)
{
    cc_heap *h = current;
    if (!h)
        return;
    if (h->ndefers == CC_ARRAY_LEN(h->defers))
        cc_fatal("too many deferred cleanups");
    h->defers[h->ndefers].fn = fn;
    h->defers[h->ndefers].arg = arg;
    h->ndefers++;
}

void cc_heap_undefer(void)
{
    if (current)
        current->ndefers--;
}

static void link_block(cc_heap *h, cc_heap_block *b)
{
    b->u.link.prev = NULL;
    b->u.link.next = h->blocks;
    if (h->blocks)
        h->blocks->u.link.prev = b;
    h->blocks = b;
}

static void unlink_block(cc_heap *h, cc_heap_block *b)
{
    if (b->u.link.prev)
        b->u.link.prev->u.link.next = b->u.link.next;
    else
        h->blocks = b->u.link.next;
    if (b->u.link.next)
        b->u.link.next->u.link.prev = b->u.link.prev;
}

static void *heap_alloc(cc_heap *h, cc_heap_block *old, size_t n)
{
    if (h->failed || n > SIZE_MAX - sizeof(cc_heap_block))
        fail(h);
    if (old)
        unlink_block(h, old);
    cc_heap_block *b = h->fn(h->ud, old, sizeof(cc_heap_block) + n);
    if (!b) {
        if (old)
            link_block(h, old);
        fail(h);
    }
    link_block(h, b);
    return b + 1;
}

void *cc_xmalloc(size_t n)
{
    if (current)
        return heap_alloc(current, NULL, n);
    void *p = malloc(n ? n : 1);
    if (!p)
        cc_fatal("out of memory (%zu bytes)", n);
    return p;
}

void *cc_xcalloc(size_t n, size_t size)
{
    if (current) {
        if (size && n > SIZE_MAX / size)
            fail(current);
        return memset(heap_alloc(current, NULL, n * size), 0, n * size);
    }
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        cc_fatal("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *cc_xrealloc(void *p, size_t n)
{
    if (current)
        return heap_alloc(current, p ? (cc_heap_block *)p - 1 : NULL, n);
    void *q = realloc(p, n ? n : 1);
    if (!q)
        cc_fatal("out of memory (%zu bytes)", n);
    return q;
}

void cc_free(void *p)
{
    if (!p)
        return;
    if (!current) {
        free(p);
        return;
    }
    cc_heap_block *b = (cc_heap_block *)p - 1;
    unlink_block(current, b);
    current->fn(current->ud, b, 0);
}

void cc_heap_detach(void *p)
{
    if (!current || !p)
        return;
    cc_heap_block *b = (cc_heap_block *)p - 1;
    unlink_block(current, b);
    b->u.owner.fn = current->fn;
    b->u.owner.ud = current->ud;
}

void cc_heap_free_detached(void *p)
{
    if (!p)
        return;
    cc_heap_block *b = (cc_heap_block *)p - 1;
    b->u.owner.fn(b->u.owner.ud, b, 0);
}

char *cc_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(cc_xmalloc(n), s, n);
}

/* ---- arena ---- */

struct cc_arena_chunk {
    cc_arena_chunk *next;
    size_t cap;
    char *base; /* where the chunk's memory is used from (aligned for huge pages when large) */
    max_align_t data[];
};

/* Chunks grow from 64 KB to 4 MB as an arena fills, so a large bundle takes few of them; a chunk
 * of 4 MB is placed on 2 MB boundaries and offered to the kernel for huge pages, which spares a
 * large bundle most of its page faults (a tenth of the time of checking a 10 MB export). */
#define ARENA_FIRST_CHUNK 64000u
#define ARENA_LARGE_CHUNK (4u << 20)
#define HUGE_PAGE (2u << 20)

void cc_arena_init(cc_arena *a) { memset(a, 0, sizeof *a); }

void cc_arena_free(cc_arena *a)
{
    cc_arena_chunk *c = a->head;
    while (c) {
        cc_arena_chunk *next = c->next;
        cc_free(c);
        c = next;
    }
    memset(a, 0, sizeof *a);
}

/* Arena memory that the caller fills entirely (no zeroing). */
static void *arena_raw(cc_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!a->head || a->used + n > a->cap) {
        size_t want = a->head ? a->head->cap * 2 : ARENA_FIRST_CHUNK;
        if (want > ARENA_LARGE_CHUNK)
            want = ARENA_LARGE_CHUNK;
        size_t cap = n > want ? n : want;
        bool large = cap >= ARENA_LARGE_CHUNK;
        cc_arena_chunk *c = cc_xmalloc(sizeof *c + cap + (large ? HUGE_PAGE : 0));
        c->base = (char *)c->data;
        if (large) {
            uintptr_t at = ((uintptr_t)c->data + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
            c->base = (char *)at;
#ifdef MADV_HUGEPAGE
            (void)madvise(c->base, cap & ~(size_t)(HUGE_PAGE - 1), MADV_HUGEPAGE); /* a hint only */
#endif
        }
        c->cap = cap;
        c->next = a->head;
        a->head = c;
        a->used = 0;
        a->cap = cap;
    }
    char *p = a->head->base + a->used;
    a->used += n;
    return p;
}

void *cc_arena_alloc(cc_arena *a, size_t n)
{
    void *p = arena_raw(a, n);
    memset(p, 0, n);
    return p;
}

char *cc_arena_strndup(cc_arena *a, const char *s, size_t n)
{
    char *p = arena_raw(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cc_arena_strdup(cc_arena *a, const char *s) { return cc_arena_strndup(a, s, strlen(s)); }

char *cc_arena_printf(cc_arena *a, const char *fmt, ...)
{
    cc_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    cc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *s = cc_arena_strndup(a, b.data ? b.data : "", b.len);
    cc_buf_free(&b);
    return s;
}

/* ---- buffers ---- */

static void buf_reserve(cc_buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + extra + 1)
            cap *= 2;
        b->data = cc_xrealloc(b->data, cap);
        b->cap = cap;
    }
}

void cc_buf_put(cc_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cc_buf_puts(cc_buf *b, const char *s) { cc_buf_put(b, s, strlen(s)); }
void cc_buf_putc(cc_buf *b, char c) { cc_buf_put(b, &c, 1); }

void cc_buf_vprintf(cc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void cc_buf_printf(cc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

size_t cc_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

size_t cc_utf8_first_invalid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        /* ASCII, which flow files mostly are, eight bytes at a time */
        uint64_t w;
        while (i + 8 <= n && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080u)))
            i += 8;
        if (i >= n)
            break;
        size_t k = cc_utf8_seq(p + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

bool cc_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = cc_utf8_seq(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

void cc_buf_free(cc_buf *b)
{
    cc_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- string map (FNV-1a, linear probing) ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of key (hash h): the one that holds it, or the free one where it would go. The map has
 * room (cap > len). */
static size_t map_slot(const cc_map *m, const char *key, uint32_t h)
{
    size_t mask = m->cap - 1, i = h & mask;
    while (m->keys[i] && !(m->hashes[i] == h && strcmp(m->keys[i], key) == 0))
        i = (i + 1) & mask;
    return i;
}

void *cc_map_get(const cc_map *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t i = map_slot(m, key, (uint32_t)hash_str(key));
    return m->keys[i] ? m->values[i] : NULL;
}

/* Puts key (hash h) in a free slot of a map known not to hold it. */
static void map_place(cc_map *m, const char *key, uint32_t h, void *value)
{
    size_t mask = m->cap - 1, i = h & mask;
    while (m->keys[i])
        i = (i + 1) & mask;
    m->keys[i] = key;
    m->values[i] = value;
    m->hashes[i] = h;
    m->len++;
}

static void map_grow(cc_map *m)
{
    cc_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->keys = cc_xcalloc(m->cap, sizeof *m->keys);
    m->values = cc_xcalloc(m->cap, sizeof *m->values);
    m->hashes = cc_xcalloc(m->cap, sizeof *m->hashes);
    m->len = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i])
            map_place(m, old.keys[i], old.hashes[i], old.values[i]);
    cc_free(old.keys);
    cc_free(old.values);
    cc_free(old.hashes);
}

void *cc_map_put(cc_map *m, const char *key, void *value)
{
    if ((m->len + 1) * 4 > m->cap * 3)
        map_grow(m);
    uint32_t h = (uint32_t)hash_str(key);
    size_t i = map_slot(m, key, h);
    if (m->keys[i])
        return m->values[i] ? m->values[i] : (void *)m->keys[i];
    m->keys[i] = key;
    m->values[i] = value;
    m->hashes[i] = h;
    m->len++;
    return NULL;
}

bool cc_map_set(cc_map *m, const char *key, void *value)
{
    if (!m->cap)
        return false;
    size_t i = map_slot(m, key, (uint32_t)hash_str(key));
    if (m->keys[i])
        m->values[i] = value;
    return m->keys[i] != NULL;
}

void cc_map_free(cc_map *m)
{
    cc_free(m->keys);
    cc_free(m->values);
    cc_free(m->hashes);
    memset(m, 0, sizeof *m);
}

/* ---- did you mean ---- */

size_t cc_edit_distance(const char *a, const char *b, size_t max)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return max + 1;
    if ((la > lb ? la - lb : lb - la) > max)
        return max + 1;
    size_t prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
        }
        memcpy(prev, cur, sizeof(size_t) * (lb + 1));
    }
    return prev[lb];
}

const char *cc_closest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t max = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = max + 1;
    /* a shortened name ("params" for "parameters") is a near miss too */
    for (size_t i = 0; i < n && len >= 3; i++)
        if (strlen(candidates[i]) > len && strncmp(candidates[i], word, len) == 0)
            return candidates[i];
    for (size_t i = 0; i < n; i++) {
        size_t d = cc_edit_distance(word, candidates[i], max);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

/* ---- files ---- */

char *cc_read_stream(FILE *f, size_t *len)
{
    cc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        cc_buf_put(&b, chunk, n);
    if (ferror(f)) {
        cc_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    if (!b.data)
        cc_buf_put(&b, "", 0);
    *len = b.len;
    return b.data;
}

static void close_file(void *f) { fclose(f); }

char *cc_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cc_heap_defer(close_file, f);
    char *text = cc_read_stream(f, len);
    cc_heap_undefer();
    int saved = errno;
    fclose(f);
    errno = saved;
    return text;
}

/* ---- durations ---- */

bool cc_parse_duration(const char *s, int64_t *ms)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return false;
    int64_t n = 0;
    while (*s >= '0' && *s <= '9') {
        if (n > 1000000000000ll)
            return false;
        n = n * 10 + (*s++ - '0');
    }
    int64_t unit;
    if (strcmp(s, "ms") == 0)
        unit = 1;
    else if (strcmp(s, "s") == 0)
        unit = 1000;
    else if (strcmp(s, "m") == 0)
        unit = 60000;
    else if (strcmp(s, "h") == 0)
        unit = 3600000;
    else if (strcmp(s, "d") == 0)
        unit = 86400000;
    else
        return false;
    if (n > INT64_MAX / unit)
        return false;
    *ms = sign * n * unit;
    return true;
}

void cc_format_duration(char *out, size_t n, int64_t ms)
{
    static const struct { int64_t ms; const char *unit; } units[] = {
        {86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
    int64_t a = ms < 0 ? -ms : ms;
    for (size_t i = 0; i < CC_ARRAY_LEN(units); i++)
        if (a != 0 && a % units[i].ms == 0) {
            snprintf(out, n, "%s%lld%s", ms < 0 ? "-" : "", (long long)(a / units[i].ms), units[i].unit);
            return;
        }
    snprintf(out, n, "%s%lldms", ms < 0 ? "-" : "", (long long)a);
    if (ms == 0)
        snprintf(out, n, "0s");
}

bool cc_looks_number(const char *s)
{
    if (!*s)
        return false;
    char *end;
    (void)strtod(s, &end);
    return *end == '\0';
}

char *cc_str_replace(const char *s, const char *from, const char *to)
{
    cc_buf out = {0};
    cc_buf_put(&out, "", 0);
    size_t n = strlen(from);
    for (const char *p = s; *p;) {
        const char *hit = n ? strstr(p, from) : NULL;
        if (!hit) {
            cc_buf_puts(&out, p);
            break;
        }
        cc_buf_put(&out, p, (size_t)(hit - p));
        cc_buf_puts(&out, to);
        p = hit + n;
    }
    return out.data;
}
