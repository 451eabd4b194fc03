/* yaml_reader.c — libyaml events to a cc_node tree with exact locations; every YAML-level problem
 * (syntax, tabs, bad UTF-8, duplicate keys, undefined aliases, empty files) becomes a diagnostic. */
#include "doc.h"
#include "json_writer.h"

#include <string.h>
#include <yaml.h>

/* Alias expansion cap: a document whose aliases would expand past this many nodes is refused,
 * so a "billion laughs" file cannot blow up the checker. */
#define ALIAS_EXPANSION_LIMIT 1000000u

/* Deeper nesting than this is refused: no flow needs it, and later passes recurse over the tree. */
#define NESTING_LIMIT 1000u

cc_node *cc_node_get(const cc_node *map, const char *name)
{
    if (!map || map->type != CC_NODE_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->count; i++) {
        cc_node *k = map->pairs[i].key;
        if (k->type == CC_NODE_SCALAR && strcmp(k->text, name) == 0)
            return map->pairs[i].value;
    }
    return NULL;
}

bool cc_node_is_null(const cc_node *n)
{
    return n && n->type == CC_NODE_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->text, "null") == 0 || strcmp(n->text, "~") == 0 ||
            strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

static void node_json(cc_jw *w, const cc_node *n)
{
    if (!n) {
        cc_jw_null(w);
        return;
    }
    switch (n->type) {
    case CC_NODE_SCALAR:
        /* a plain scalar that strtod reads but JSON does not (007, .5, 0x10, inf) stays text */
        if (n->plain && cc_jw_is_number(n->text))
            cc_jw_number(w, n->text);
        else if (n->plain && (!strcmp(n->text, "true") || !strcmp(n->text, "false")))
            cc_jw_bool(w, n->text[0] == 't');
        else if (cc_node_is_null(n))
            cc_jw_null(w);
        else
            cc_jw_string(w, n->text);
        break;
    case CC_NODE_LIST:
        cc_jw_array(w);
        for (uint32_t i = 0; i < n->count; i++)
            node_json(w, n->items[i]);
        cc_jw_array_end(w);
        break;
    case CC_NODE_MAP:
        cc_jw_object(w);
        for (uint32_t i = 0; i < n->count; i++) {
            /* keys are names: `007` and "007" are the same key; other keys are refused (E106),
             * and written as the compact JSON text of the key */
            const cc_node *key = n->pairs[i].key;
            if (key->type == CC_NODE_SCALAR)
                cc_jw_key(w, key->text);
            else {
                cc_buf text = {0};
                cc_node_json(&text, key, false);
                cc_jw_key(w, text.data);
                cc_buf_free(&text);
            }
            node_json(w, n->pairs[i].value);
        }
        cc_jw_object_end(w);
        break;
    }
}

void cc_node_json(cc_buf *out, const cc_node *n, bool spaced)
{
    cc_jw w;
    cc_jw_init(&w, out, 0, spaced);
    node_json(&w, n);
    cc_jw_finish(&w);
}

const char *cc_node_type_name(const cc_node *n)
{
    if (!n)
        return "nothing";
    if (n->type == CC_NODE_MAP)
        return "a mapping";
    if (n->type == CC_NODE_LIST)
        return "a list";
    if (cc_node_is_null(n))
        return "null";
    if (n->plain) {
        if (!strcmp(n->text, "true") || !strcmp(n->text, "false"))
            return "a boolean";
        char *end;
        const char *s = n->text;
        if (*s == '-' || *s == '+')
            s++;
        if (*s >= '0' && *s <= '9') {
            (void)strtod(n->text, &end);
            if (*end == '\0')
                return "a number";
        }
    }
    return "text";
}

typedef struct {
    cc_arena *arena;
    cc_diags *ds;
    uint32_t file;
    const char *text;
    size_t len;
    cc_map anchors;
    size_t expansion;
    bool failed;
    cc_doc_builder tree;
} reader;

static cc_loc mark_loc(const reader *r, yaml_mark_t start, yaml_mark_t end)
{
    cc_loc l = {r->file, (uint32_t)start.line + 1, (uint32_t)start.column + 1, (uint32_t)end.line + 1,
                (uint32_t)end.column};
    if (l.end_line < l.line || (l.end_line == l.line && l.end_col < l.col)) {
        l.end_line = l.line;
        l.end_col = l.col;
    }
    /* a span ending at column 0 of a line ends at the end of the line before */
    if (end.column == 0 && l.end_line > l.line) {
        l.end_line--;
        l.end_col = l.col;
        if (l.end_line != l.line)
            l.end_col = 1;
    }
    return l;
}

/* Location of a byte offset, for reader errors that libyaml reports as offsets. */
static cc_loc offset_loc(const reader *r, size_t offset)
{
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < offset && i < r->len; i++) {
        if (r->text[i] == '\n')
            line++, col = 1;
        else if (((unsigned char)r->text[i] & 0xc0) != 0x80)
            col++;
    }
    return (cc_loc){r->file, line, col, line, col};
}

static void report_parser_error(reader *r, yaml_parser_t *p)
{
    r->failed = true;
    if (p->error == YAML_READER_ERROR) {
        cc_loc loc = offset_loc(r, p->problem_offset);
        if (p->problem_value != -1)
            cc_report(r->ds, CC_E101, loc, "the file is not valid UTF-8 (byte 0x%02x): %s",
                      (unsigned)p->problem_value & 0xffu, p->problem);
        else
            cc_report(r->ds, CC_E101, loc, "the file is not valid UTF-8: %s", p->problem);
        return;
    }
    yaml_mark_t m = p->problem_mark;
    cc_loc loc = mark_loc(r, m, m);
    if (m.index < r->len && r->text[m.index] == '\t') {
        cc_report(r->ds, CC_E101, loc, "tab character where YAML expects indentation; indent with spaces");
        return;
    }
    const char *problem = p->problem ? p->problem : "malformed YAML";
    cc_diag *d;
    if (p->context)
        d = cc_report(r->ds, CC_E101, loc, "%s %s", problem, p->context);
    else
        d = cc_report(r->ds, CC_E101, loc, "%s", problem);
    if (p->context && (p->context_mark.line != m.line || p->context_mark.column != m.column))
        cc_note_add(d, mark_loc(r, p->context_mark, p->context_mark), "%s here", p->context);
}

static cc_node *new_node(reader *r, cc_node_type type, yaml_mark_t s, yaml_mark_t e)
{
    cc_node *n = cc_arena_alloc(r->arena, sizeof *n);
    n->type = type;
    n->loc = mark_loc(r, s, e);
    return n;
}

/* Size of the subtree, to bound alias expansion. */
static size_t subtree_size(const cc_node *n, size_t limit)
{
    size_t total = 1;
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count && total <= limit; i++)
            total += subtree_size(n->items[i], limit - total);
    else if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count && total <= limit; i++)
            total += subtree_size(n->pairs[i].key, limit - total) + subtree_size(n->pairs[i].value, limit - total);
    return total;
}

/* Marks keys that repeat an earlier key of the same mapping; reporting is the caller's choice.
 * Returns whether there was any. */
bool cc_doc_mark_duplicates(cc_node *map)
{
    bool any = false;
    if (map->count < 2)
        return false;
    if (map->count <= 8) {
        for (uint32_t i = 1; i < map->count; i++) {
            cc_node *k = map->pairs[i].key;
            for (uint32_t j = 0; j < i && k->type == CC_NODE_SCALAR; j++) {
                cc_node *o = map->pairs[j].key;
                if (o->type == CC_NODE_SCALAR && o->len == k->len && memcmp(o->text, k->text, k->len) == 0) {
                    k->dup_of = o;
                    any = true;
                    break;
                }
            }
        }
        return any;
    }
    cc_map seen = {0};
    for (uint32_t i = 0; i < map->count; i++) {
        cc_node *k = map->pairs[i].key;
        if (k->type == CC_NODE_SCALAR)
            any |= (k->dup_of = cc_map_put(&seen, k->text, k)) != NULL;
    }
    cc_map_free(&seen);
    return any;
}

void cc_doc_report_duplicates(cc_diags *ds, const cc_node *n, const cc_node *ids_map)
{
    if (n->type == CC_NODE_LIST) {
        for (uint32_t i = 0; i < n->count; i++)
            cc_doc_report_duplicates(ds, n->items[i], ids_map);
    } else if (n->type == CC_NODE_MAP) {
        for (uint32_t i = 0; i < n->count; i++) {
            cc_node *k = n->pairs[i].key;
            if (cc_node_dup_of(k)) {
                cc_diag *d = n == ids_map
                                 ? cc_report(ds, CC_E113, k->loc, "duplicate block id '%s'", k->text)
                                 : cc_report(ds, CC_E103, k->loc, "duplicate key '%s'", k->text);
                cc_note_add(d, cc_node_dup_of(k)->loc, "'%s' first appears here", k->text);
            }
            cc_doc_report_duplicates(ds, n->pairs[i].value, ids_map);
        }
    }
}

/* A list or mapping node given its items (names and values alternating, for a mapping), copied
 * into arena; marks repeated keys and returns whether there was any. */
static bool fill(cc_arena *arena, cc_node *n, cc_node *const *items, size_t len)
{
    if (n->type == CC_NODE_LIST) {
        n->count = (uint32_t)len;
        n->items = cc_arena_alloc(arena, (len ? len : 1) * sizeof *n->items);
        if (len)
            memcpy(n->items, items, len * sizeof *n->items);
        return false;
    }
    n->count = (uint32_t)(len / 2);
    n->pairs = cc_arena_alloc(arena, (n->count ? n->count : 1) * sizeof *n->pairs);
    for (uint32_t i = 0; i < n->count; i++) {
        n->pairs[i].key = items[2 * i];
        n->pairs[i].value = items[2 * i + 1];
    }
    return cc_doc_mark_duplicates(n);
}

cc_node *cc_doc_close(cc_doc_builder *b)
{
    cc_doc_frame f = b->open.items[--b->open.len];
    b->dups |= fill(b->arena, f.node, b->items.items + f.first, b->items.len - f.first);
    b->items.len = f.first;
    return f.node;
}

void cc_doc_builder_free(cc_doc_builder *b)
{
    cc_vec_free(&b->open);
    cc_vec_free(&b->items);
}

static void remember_anchor(reader *r, yaml_char_t *anchor, cc_node *n)
{
    if (anchor) {
        const char *name = cc_arena_strdup(r->arena, (const char *)anchor);
        if (cc_map_put(&r->anchors, name, n)) /* a redefined anchor: the later one wins, as YAML says */
            for (size_t i = 0; i < r->anchors.cap; i++)
                if (r->anchors.keys[i] && strcmp(r->anchors.keys[i], name) == 0)
                    r->anchors.values[i] = n;
    }
}

/* What libyaml owns while a file is read: released on every way out, also when an allocation
 * fails in between. */
typedef struct {
    yaml_parser_t parser;
    yaml_event_t ev;
} libyaml;

static void libyaml_cleanup(void *p)
{
    libyaml *lib = p;
    yaml_event_delete(&lib->ev);
    yaml_parser_delete(&lib->parser);
}

cc_node *cc_yaml_read(cc_arena *arena, cc_diags *ds, uint32_t file, const char *text, size_t len)
{
    reader r = {.arena = arena, .ds = ds, .file = file, .text = text, .len = len, .tree = {.arena = arena}};
    libyaml lib;
    memset(&lib.ev, 0, sizeof lib.ev);
    if (!yaml_parser_initialize(&lib.parser))
        cc_out_of_memory("the YAML parser");
    yaml_parser_t *parser = &lib.parser;
    cc_heap_defer(libyaml_cleanup, &lib);
    yaml_parser_set_input_string(parser, (const unsigned char *)text, len);

    int documents = 0;
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(parser, &lib.ev)) {
            if (parser->error == YAML_MEMORY_ERROR)
                cc_out_of_memory("the YAML parser");
            report_parser_error(&r, parser);
            break;
        }
        ev = lib.ev;
        cc_node *value = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents == 2) {
                cc_report(ds, CC_E101, mark_loc(&r, ev.start_mark, ev.end_mark),
                          "a second YAML document; a flow file holds exactly one flow");
                r.failed = true;
                done = true;
            }
            break;
        case YAML_SCALAR_EVENT:
            value = new_node(&r, CC_NODE_SCALAR, ev.start_mark, ev.end_mark);
            value->text = cc_arena_strndup(arena, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            value->len = ev.data.scalar.length;
            value->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            remember_anchor(&r, ev.data.scalar.anchor, value);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            cc_node *n = new_node(&r, ev.type == YAML_MAPPING_START_EVENT ? CC_NODE_MAP : CC_NODE_LIST,
                                  ev.start_mark, ev.end_mark);
            remember_anchor(&r, ev.type == YAML_MAPPING_START_EVENT ? ev.data.mapping_start.anchor
                                                                     : ev.data.sequence_start.anchor,
                            n);
            cc_doc_open(&r.tree, n);
            if (r.tree.open.len > NESTING_LIMIT) {
                cc_report(ds, CC_E101, n->loc, "mappings and lists nested more than %u deep", NESTING_LIMIT);
                r.failed = true;
                done = true;
            }
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            value = cc_doc_close(&r.tree);
            value->loc.end_line = (uint32_t)ev.end_mark.line + 1;
            value->loc.end_col = ev.end_mark.column ? (uint32_t)ev.end_mark.column : 1;
            break;
        }
        case YAML_ALIAS_EVENT: {
            const char *name = (const char *)ev.data.alias.anchor;
            value = cc_map_get(&r.anchors, name);
            if (!value) {
                cc_report(ds, CC_E101, mark_loc(&r, ev.start_mark, ev.end_mark),
                          "alias '*%s' names no anchor defined before it", name);
                r.failed = true;
                value = new_node(&r, CC_NODE_SCALAR, ev.start_mark, ev.end_mark);
                value->text = "";
                value->plain = true;
            } else {
                r.expansion += subtree_size(value, ALIAS_EXPANSION_LIMIT);
                if (r.expansion > ALIAS_EXPANSION_LIMIT) {
                    cc_report(ds, CC_E101, mark_loc(&r, ev.start_mark, ev.end_mark),
                              "aliases expand to more than %u nodes; refusing the document",
                              ALIAS_EXPANSION_LIMIT);
                    r.failed = true;
                    done = true;
                }
            }
            break;
        }
        default:
            break;
        }
        if (value)
            cc_doc_add(&r.tree, value);
        yaml_event_delete(&lib.ev);
    }
    cc_node *root = r.tree.root;
    cc_doc_builder_free(&r.tree);
    cc_map_free(&r.anchors);
    cc_heap_undefer();
    libyaml_cleanup(&lib);
    if (r.failed)
        return NULL;
    if (root && r.tree.dups)
        root->has_dups = true;
    if (!root || cc_node_is_null(root)) {
        cc_report(ds, CC_E102, (cc_loc){file, 1, 1, 1, 1},
                  "the file holds no flow; expected a mapping with 'flow:', 'type:' and 'blocks:'");
        return NULL;
    }
    return root;
}
