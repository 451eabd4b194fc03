/* doc.h — a syntax-neutral document tree: mappings, lists and scalars, each with its location.
 * The YAML reader (and Connect JSON, through the same reader) builds it; the lowering to flow IR
 * reads it, so schema checks never depend on which syntax a flow came from. */
#ifndef CCFLOW_DOC_H
#define CCFLOW_DOC_H

#include "diag.h"

typedef enum { CC_NODE_SCALAR, CC_NODE_LIST, CC_NODE_MAP } cc_node_type;

typedef struct cc_node cc_node;
typedef struct {
    cc_node *key;
    cc_node *value;
} cc_pair;

/* Kept small (48 bytes): a large bundle has millions of nodes. What a scalar holds and what a
 * list or mapping holds share their room. */
struct cc_node {
    uint8_t type;  /* cc_node_type */
    bool plain;    /* a scalar written without quotes: `10`, `true`, `null` are typed, "10" is text */
    bool has_dups; /* on a document's root: some mapping of the tree repeats a key */
    uint32_t count; /* items of a list, pairs of a mapping */
    cc_loc loc;
    uint32_t len; /* CC_NODE_SCALAR: length of text, without the NUL */
    union {
        struct {
            const char *text; /* CC_NODE_SCALAR: NUL-terminated */
            cc_node *dup_of;  /* a scalar mapping key that repeats an earlier key of its mapping: that
                               * key; read it with cc_node_dup_of */
        };
        cc_node **items; /* CC_NODE_LIST */
        cc_pair *pairs;  /* CC_NODE_MAP, in source order */
    };
};

/* The earlier key a mapping key repeats, or NULL (always NULL for a key that is not a scalar). */
static inline cc_node *cc_node_dup_of(const cc_node *n)
{
    return n->type == CC_NODE_SCALAR ? n->dup_of : NULL;
}

/* How the readers build a tree from their parsers' events: values are added as they come, each
 * to the innermost open mapping or list (keys and values alternating, for a mapping), or as the
 * root; a mapping or list is opened when it starts and closed, with its items copied into the
 * arena and its repeated keys marked, when it ends, then added like any value. */
typedef struct {
    cc_node *node;
    size_t first; /* its first item in `items` */
} cc_doc_frame;
typedef struct {
    cc_arena *arena;
    CC_VEC(cc_doc_frame) open; /* the mappings and lists not yet closed, innermost last */
    CC_VEC(cc_node *) items;   /* the items of every open one so far */
    cc_node *root;             /* the first value outside any */
    bool dups;                 /* some mapping repeats a key */
} cc_doc_builder;
static inline void cc_doc_add(cc_doc_builder *b, cc_node *n)
{
    if (b->open.len)
        cc_vec_push(&b->items, n);
    else if (!b->root)
        b->root = n;
}
static inline void cc_doc_open(cc_doc_builder *b, cc_node *n)
{
    cc_doc_frame f = {n, b->items.len};
    cc_vec_push(&b->open, f);
}
/* Closes the innermost open mapping or list and returns it (not yet added). */
cc_node *cc_doc_close(cc_doc_builder *b);
void cc_doc_builder_free(cc_doc_builder *b);

/* Marks the keys of a mapping that repeat an earlier key (dup_of); returns whether there was any. */
bool cc_doc_mark_duplicates(cc_node *map);

/* Reports every repeated key of the tree (E103); in the mapping `ids_map`, repeats are
 * duplicate block ids (E113) instead. */
void cc_doc_report_duplicates(cc_diags *ds, const cc_node *root, const cc_node *ids_map);

/* The value of key `name` in a mapping, or NULL. */
cc_node *cc_node_get(const cc_node *map, const char *name);
bool cc_node_is_null(const cc_node *n); /* a plain `null`, `~` or empty scalar */
const char *cc_node_type_name(const cc_node *n); /* "a mapping", "a list", "text", "a number"... */
/* The node as JSON (NULL as null; plain numbers and booleans bare); spaced puts a blank after
 * commas and colons. Bundles carry the compact form, `ccflow ir` the spaced one. */
void cc_node_json(cc_buf *out, const cc_node *n, bool spaced);

/* Reads one YAML document from text into a tree allocated in arena; reports problems to ds.
 * Returns NULL when the file holds no usable document. */
cc_node *cc_yaml_read(cc_arena *arena, cc_diags *ds, uint32_t file, const char *text, size_t len);

/* Reads one JSON text (RFC 8259) into a tree allocated in arena, with the place of every value;
 * reports problems to ds. Strings are quoted scalars, numbers, true, false and null plain ones.
 * Returns NULL when the text is not well-formed JSON. */
cc_node *cc_json_read(cc_arena *arena, cc_diags *ds, uint32_t file, const char *text, size_t len);

/* A source comment, kept for `ccflow fmt`: text is what follows the '#', without the newline. */
typedef struct {
    uint32_t line;
    bool trailing; /* after other text on its line (else the line holds only the comment) */
    const char *text;
} cc_comment;

typedef CC_VEC(cc_comment) cc_comments;

/* Collects the comments of a YAML text (a '#' that starts a line or follows a blank, outside
 * quoted scalars); their texts are allocated in arena. */
void cc_yaml_comments(cc_arena *arena, const char *text, size_t len, cc_comments *out);

/* Reads a DSL flow (docs/dsl.md) into the same tree the YAML reader builds; reports problems to
 * ds and collects comments into comments when it is not NULL. Returns NULL when the text holds no
 * flow at all; a tree with problems is still returned when the parser could recover. */
cc_node *cc_dsl_read(cc_arena *arena, cc_diags *ds, uint32_t file, const char *text, size_t len,
                     cc_comments *comments);

#endif
