/* util.h — arenas, growable arrays, string maps and small text helpers shared by every stage. */
#ifndef CCFLOW_UTIL_H
#define CCFLOW_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define CC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CC_PRINTF(fmt, args)
#endif

/* Aborts with a message: only for allocation failure and broken internal invariants. */
_Noreturn void cc_fatal(const char *fmt, ...) CC_PRINTF(1, 2);

void *cc_xmalloc(size_t n);
void *cc_xcalloc(size_t n, size_t size);
void *cc_xrealloc(void *p, size_t n);
char *cc_xstrdup(const char *s);

/* An arena owns every IR node and string of one compilation; freed all at once. */
typedef struct cc_arena_chunk cc_arena_chunk;
typedef struct {
    cc_arena_chunk *head;
    size_t used, cap;
} cc_arena;

void cc_arena_init(cc_arena *a);
void cc_arena_free(cc_arena *a);
void *cc_arena_alloc(cc_arena *a, size_t n); /* zeroed, 8-byte aligned */
char *cc_arena_strndup(cc_arena *a, const char *s, size_t n);
char *cc_arena_strdup(cc_arena *a, const char *s);
char *cc_arena_printf(cc_arena *a, const char *fmt, ...) CC_PRINTF(2, 3);

/* Growable array of T: declare with CC_VEC(T) name; push with cc_vec_push. */
#define CC_VEC(T) struct { T *items; size_t len, cap; }
#define cc_vec_push(v, x)                                                              \
    do {                                                                               \
        if ((v)->len == (v)->cap) {                                                    \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8;                                    \
            (v)->items = cc_xrealloc((v)->items, (v)->cap * sizeof(*(v)->items));      \
        }                                                                              \
        (v)->items[(v)->len++] = (x);                                                  \
    } while (0)
#define cc_vec_free(v) (free((v)->items), (v)->items = NULL, (v)->len = (v)->cap = 0)

/* Growable byte buffer for building text. */
typedef struct cc_buf {
    char *data;
    size_t len, cap;
} cc_buf;

void cc_buf_put(cc_buf *b, const char *s, size_t n);
void cc_buf_puts(cc_buf *b, const char *s);
void cc_buf_putc(cc_buf *b, char c);
void cc_buf_printf(cc_buf *b, const char *fmt, ...) CC_PRINTF(2, 3);
void cc_buf_vprintf(cc_buf *b, const char *fmt, va_list ap);
void cc_buf_json_string(cc_buf *b, const char *s); /* quoted, escaped, valid UTF-8 out */
void cc_buf_free(cc_buf *b);

/* Open-addressing map from NUL-terminated string keys (not copied) to pointers; each slot keeps
 * its key's hash, so probes compare strings only when hashes match and growing hashes nothing. */
typedef struct {
    const char **keys;
    void **values;
    uint32_t *hashes;
    size_t len, cap;
} cc_map;

void *cc_map_get(const cc_map *m, const char *key);
/* Inserts key; returns the previous value when the key was present (and keeps it), else NULL. */
void *cc_map_put(cc_map *m, const char *key, void *value);
void cc_map_free(cc_map *m);

/* Edit distance bounded by max (returns max+1 when further apart). */
size_t cc_edit_distance(const char *a, const char *b, size_t max);
/* The candidate closest to word, if close enough to be a plausible typo; else NULL. */
const char *cc_closest(const char *word, const char *const *candidates, size_t n);

/* Reads a whole file into a NUL-terminated buffer; returns NULL and sets errno on failure. */
char *cc_read_file(const char *path, size_t *len);
/* All of a stream, NUL-terminated (len excludes the NUL); NULL with errno EIO on a read error. */
char *cc_read_stream(FILE *f, size_t *len);

/* Parses a duration such as 250ms, 90s, 10m, 2h, 7d (optionally signed) into milliseconds. */
bool cc_parse_duration(const char *s, int64_t *ms);
/* Writes a duration in the largest exact unit: 600000 -> "10m". */
void cc_format_duration(char *out, size_t n, int64_t ms);

bool cc_utf8_valid(const char *s, size_t n);

/* Whether s is a whole decimal number as strtod reads it (no trailing text, not empty). */
bool cc_looks_number(const char *s);

/* A new string: s with every occurrence of from (not empty) replaced by to. */
char *cc_str_replace(const char *s, const char *from, const char *to);

#endif
