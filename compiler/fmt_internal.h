/* fmt_internal.h — what fmt.c, fmt_yaml.c and fmt_dsl.c share: the emitter, the tree's shape, comments, scalars. */
#ifndef CCFLOW_FMT_INTERNAL_H
#define CCFLOW_FMT_INTERNAL_H

#include "catalog.h"
#include "fmt.h"

#include <string.h>

/* Lines longer than this are broken: YAML maps go to block style, DSL maps one entry a line. */
#define FMT_WIDTH 80

/* ---- output lines ----
 * Both writers build a list of lines and, for every node they write, a tag saying on which line
 * the node's source line ended up. Comments are placed from the tags after the whole document is
 * written, so the writers never think about comments. */

enum { REGION_NONE = -2, REGION_HEADER = -1 }; /* else the index of a block in `blocks` */

typedef struct {
    char *text; /* without the newline; empty for a blank line */
    int indent;
    int region;
} out_line;

typedef struct {
    uint32_t src; /* source line of a node written on the line */
    size_t line;  /* index into the emitter's lines */
    int region;
    bool weak;    /* a block id: a comment on its source line rather goes with the block's kind */
} line_tag;

/* Source lines of one block: [first, span_end] holds its nodes; [first, extent_end] reaches up to
 * the next block (or the next top-level key), so a trailing comment on a closing bracket still
 * belongs to it. */
typedef struct {
    uint32_t first, span_end, extent_end;
} block_lines;

typedef struct {
    CC_VEC(out_line) lines;
    CC_VEC(line_tag) tags;
    cc_buf cur;
    int cur_indent;
    bool open;
    int region;
    const block_lines *blocks;
    size_t nblocks;
    size_t *block_first_line; /* output line where each block starts, once all are written */
    const cc_comments *comments; /* the source's comments, for what must be written one a line */
    const cc_node *scope;        /* the block being written, NULL in the header */
    /* the first thing the DSL writer could not spell */
    bool lossy;
    cc_loc lossy_loc;
    const char *lossy_why;
} emitter;

void fmt_line_end(emitter *e);
void fmt_line_begin(emitter *e, int indent);
void fmt_blank_line(emitter *e);
static inline void put(emitter *e, const char *s) { cc_buf_puts(&e->cur, s); }
static inline void put_buf(emitter *e, const cc_buf *b) { cc_buf_put(&e->cur, b->data ? b->data : "", b->len); }

/* Records that node n is written on output line `line`; tag_as and tag, on the current line. */
void fmt_tag_line(emitter *e, const cc_node *n, bool weak, size_t line);
static inline void tag_as(emitter *e, const cc_node *n, bool weak) { fmt_tag_line(e, n, weak, e->lines.len); }
static inline void tag(emitter *e, const cc_node *n) { tag_as(e, n, false); }
void fmt_tag_tree(emitter *e, const cc_node *n);

/* Columns of a UTF-8 text: one per character. */
static inline size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

static inline size_t cur_columns(const emitter *e) { return columns(e->cur.data ? e->cur.data : "", e->cur.len); }

/* ---- the shape of the tree ---- */

static inline bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR; }

static inline bool key_is(const cc_node *k, const char *name) { return is_scalar(k) && strcmp(k->text, name) == 0; }

const cc_pair *fmt_pair_get(const cc_node *map, const char *name);
const cc_node *fmt_blocks_of(const cc_node *root);
block_lines *fmt_compute_block_lines(const cc_node *root, const cc_node *blocks);
const cc_pair *fmt_block_kind(const cc_node *blk);
bool fmt_map_without(const cc_node *m, const char *name, bool drop, cc_node *copy);
bool fmt_null_means_empty(const cc_block_spec *spec);

/* ---- scalars ---- */

static inline bool text_is(const char *s, size_t n, const char *word) { return n == strlen(word) && memcmp(s, word, n) == 0; }

static inline bool one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (text_is(s, n, *words))
            return true;
    return false;
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Length of the UTF-8 sequence at s, trusting the reader to have checked validity. */
static inline size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4; }

uint32_t fmt_utf8_code(const unsigned char *s, size_t k);
void fmt_quoted(cc_buf *b, const char *s, size_t n, bool (*escape)(cc_buf *b, uint32_t c));

/* The top-level keys of a flow, in the order the writers put them. */
extern const char *const fmt_header_keys[];

static inline bool is_header_key(const cc_node *k)
{
    return is_scalar(k) && one_of(k->text, k->len, fmt_header_keys);
}

/* ---- comments ---- */

/* The last source line the current block may hold (nodes the DSL reader made up may carry the
 * location of a later statement). */
static inline uint32_t region_limit(const emitter *e)
{
    return e->region >= 0 && e->blocks ? e->blocks[e->region].span_end : UINT32_MAX;
}

bool fmt_comments_inside(const emitter *e, uint32_t from, const cc_node *v);
bool fmt_line_commented(const emitter *e, const cc_node *id, const cc_node *block, uint32_t line);
/* Writes the lines with the comments in their places, and frees the emitter. */
void fmt_finish(emitter *e, const cc_comments *comments, bool end_gap, cc_buf *out);

#endif
