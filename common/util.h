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
#define CC_COLD __attribute__((cold, noinline)) /* rarely run: kept out of the hot code around it */
#else
#define CC_PRINTF(fmt, args)
#define CC_COLD
#endif

/* Aborts with a message: only for allocation failure and broken internal invariants. */
_Noreturn void cc_fatal(const char *fmt, ...) CC_PRINTF(1, 2);

/* Memory. Every allocation of ccflow goes through cc_xmalloc/cc_xcalloc/cc_xrealloc and comes
 * back through cc_free. Outside a heap (the command-line tool, the tests of internals) they are
 * malloc and free, and running out of memory is fatal. A library handle owns a cc_heap: while one
 * of its calls runs, the heap is entered, every allocation comes from the embedder's allocator
 * and is linked into the heap, and running out of memory marks the heap failed and jumps back to
 * the call's entry, which returns its failure value. Deferred cleanups release what is not the
 * heap's (libyaml's parser, open files) on the way out; releasing the heap frees every block it
 * still holds, so a failed handle is freed whole whatever state the jump left it in. */
typedef void *(*cc_realloc_fn)(void *ud, void *p, size_t n); /* n == 0 frees p and returns NULL */

typedef struct cc_heap_block cc_heap_block;
typedef struct cc_heap {
    cc_realloc_fn fn;
    void *ud;
    cc_heap_block *blocks;      /* live allocations, most recent first */
    void *escape;          /* jmp_buf of the innermost entered call */
    struct {
        void (*fn)(void *);
        void *arg;
    } defers[8];
    size_t ndefers;
    bool failed;
} cc_heap;

/* The state an entry saves and its leave restores (entries nest: a host callback may call the
 * library again). */
typedef struct {
    cc_heap *outer;
    void *escape;
    size_t ndefers;
} cc_heap_frame;

void cc_heap_init(cc_heap *h, cc_realloc_fn fn, void *ud);
void cc_heap_enter(cc_heap *h, cc_heap_frame *f, void *escape);
void cc_heap_leave(cc_heap *h, const cc_heap_frame *f);
/* After the jump: runs the cleanups deferred since the entry, then leaves. */
void cc_heap_unwind(cc_heap *h, const cc_heap_frame *f);
/* Frees every block the heap holds. */
void cc_heap_release(cc_heap *h);
/* Takes p out of the heap: it survives the heap's release and is freed by cc_heap_free_detached. */
void cc_heap_detach(void *p);
void cc_heap_free_detached(void *p);
/* Jumps out when the current heap has failed (after a callback that re-entered the library). */
void cc_heap_check(void);
/* Registers fn(arg) to run if an allocation fails before the matching cc_heap_undefer. */
void cc_heap_defer(void (*fn)(void *), void *arg);
void cc_heap_undefer(void);
/* An allocation outside ccflow's own (libyaml's) failed: fails the current heap, else fatal. */
_Noreturn void cc_out_of_memory(const char *what);

void *cc_xmalloc(size_t n);
void *cc_xcalloc(size_t n, size_t size);
void *cc_xrealloc(void *p, size_t n);
void cc_free(void *p);
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
#define cc_vec_free(v) (cc_free((v)->items), (v)->items = NULL, (v)->len = (v)->cap = 0)

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
/* Replaces the value of a key that is present; false (and nothing changes) when it is not. */
bool cc_map_set(cc_map *m, const char *key, void *value);
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
/* Length of the valid UTF-8 sequence at s (at most n bytes, n > 0), or 0 if invalid. */
size_t cc_utf8_seq(const unsigned char *s, size_t n);
/* Offset of the first byte of s that does not begin a valid UTF-8 sequence, or n. */
size_t cc_utf8_first_invalid(const char *s, size_t n);

/* Whether s is a whole decimal number as strtod reads it (no trailing text, not empty). */
bool cc_looks_number(const char *s);

/* A new string: s with every occurrence of from (not empty) replaced by to. */
char *cc_str_replace(const char *s, const char *from, const char *to);

#endif
