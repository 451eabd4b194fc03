/* graph.c — ccflow graph: the flows of a checked bundle as Graphviz DOT or a Mermaid flowchart.
 * Labels are built as plain text (lines separated by '\n', every value made valid UTF-8 without
 * control characters and shortened), then escaped once for the output language. Node ids are
 * generated (f<flow>_b<block>, f<flow>_start, ext<n>), never taken from the flows, so any block
 * id or flow name is safe. Everything is emitted in the bundle's order: same input, same bytes. */
#include "graph.h"

#include <string.h>

#define VALUE_CHARS 40  /* a parameter value longer than this is shortened with "…" */
#define MAX_PARAMS 5    /* parameters shown on a block; more are summarised as "+N more" */

/* ---- label text ---- */

/* Appends s (n bytes) as label text: invalid UTF-8 becomes U+FFFD, control characters (newlines
 * among them) a space, and at most max characters are kept (then "…"). */
static void put_text(cc_buf *out, const char *s, size_t n, size_t max)
{
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        if (chars == max) {
            cc_buf_puts(out, "\xe2\x80\xa6");
            return;
        }
        unsigned char c = (unsigned char)s[i];
        size_t len = cc_utf8_seq((const unsigned char *)s + i, n - i);
        if (!len) {
            cc_buf_puts(out, "\xef\xbf\xbd");
            len = 1;
        } else if (c < 0x20 || c == 0x7f)
            cc_buf_putc(out, ' ');
        else
            cc_buf_put(out, s + i, len);
        i += len;
        chars++;
    }
}

static void put_str(cc_buf *out, const char *s, size_t max) { put_text(out, s, strlen(s), max); }

static void put_channels(cc_buf *out, unsigned mask)
{
    bool first = true;
    for (int c = 0; c < CC_CH_COUNT; c++)
        if (mask & (1u << c)) {
            cc_buf_printf(out, "%s%s", first ? "" : ", ", cc_channel_upper(c));
            first = false;
        }
    if (first)
        cc_buf_puts(out, "none");
}

/* A parameter's value, short: scalars as written (durations and booleans in ccflow's spelling, so
 * that YAML, DSL and Connect JSON draw alike), lists and mappings summarised. */
static void put_value(cc_buf *out, const cc_param *p)
{
    const cc_node *v = p->value;
    if (!v) {
        cc_buf_puts(out, "?");
        return;
    }
    if (!p->is_ref && !p->invalid && p->spec->type == CC_PT_DURATION) {
        char d[32];
        cc_format_duration(d, sizeof d, p->num);
        cc_buf_puts(out, d);
        return;
    }
    if (!p->is_ref && !p->invalid && p->spec->type == CC_PT_BOOL) {
        cc_buf_puts(out, p->num ? "true" : "false");
        return;
    }
    if (v->type == CC_NODE_SCALAR) {
        put_text(out, v->text, v->len, VALUE_CHARS);
        return;
    }
    if (v->type == CC_NODE_LIST) {
        /* prompts: the first one's text, or its first value (a prompt name, an SSML text...) */
        const cc_node *first = v->count ? v->items[0] : NULL;
        const cc_node *text = NULL;
        if (first && first->type == CC_NODE_MAP)
            for (uint32_t i = 0; i < first->count; i++) {
                const cc_pair *pr = &first->pairs[i];
                if (pr->value->type != CC_NODE_SCALAR || pr->key->type != CC_NODE_SCALAR)
                    continue;
                if (!text || !strcmp(pr->key->text, "text"))
                    text = pr->value;
                if (!strcmp(pr->key->text, "text"))
                    break;
            }
        if (text) {
            cc_buf_putc(out, '"');
            put_text(out, text->text, text->len, VALUE_CHARS);
            cc_buf_putc(out, '"');
            if (v->count > 1)
                cc_buf_printf(out, " +%u", v->count - 1);
        } else
            cc_buf_printf(out, "[%u item%s]", v->count, v->count == 1 ? "" : "s");
        return;
    }
    /* a mapping: its keys */
    cc_buf_putc(out, '{');
    size_t start = out->len;
    for (uint32_t i = 0; i < v->count; i++) {
        if (out->len - start > VALUE_CHARS) {
            cc_buf_puts(out, ", \xe2\x80\xa6");
            break;
        }
        const cc_node *k = v->pairs[i].key;
        if (i)
            cc_buf_puts(out, ", ");
        if (k->type == CC_NODE_SCALAR)
            put_text(out, k->text, k->len, VALUE_CHARS);
    }
    cc_buf_putc(out, '}');
}

/* ---- what to draw ---- */

typedef struct {
    const cc_bundle *b;
    cc_graph_format format;
    cc_buf *out;
    CC_VEC(const cc_flow *) flows; /* drawn, in bundle order */
    CC_VEC(const cc_flow *) ext;   /* referred to but not drawn, in order of first reference */
} graph;

static int drawn_index(const graph *g, const cc_flow *f)
{
    for (size_t i = 0; i < g->flows.len; i++)
        if (g->flows.items[i] == f)
            return (int)i;
    return -1;
}

static int ext_index(graph *g, const cc_flow *f)
{
    for (size_t i = 0; i < g->ext.len; i++)
        if (g->ext.items[i] == f)
            return (int)i;
    cc_vec_push(&g->ext, f);
    return (int)g->ext.len - 1;
}

/* How a block sends contacts to the flow its parameter p names: the cross-flow edge's label. */
static const char *reference_label(const cc_param *p) { return p->spec->label ? p->spec->label : p->spec->name; }

/* The flow a parameter names, when it is a flow reference that resolves in the bundle. */
static const cc_flow *referenced_flow(const cc_bundle *b, const cc_block *blk, const cc_param *p)
{
    if (!blk->spec || p->spec->type != CC_PT_FLOW || p->is_ref || p->invalid || !p->value ||
        p->value->type != CC_NODE_SCALAR)
        return NULL;
    return cc_bundle_flow(b, p->value->text);
}

/* Channels of mask whose contacts the block fails for (error branch) or ignores. */
static unsigned support_mask(const cc_block *blk, unsigned mask, int support)
{
    unsigned r = 0;
    if (blk->spec)
        for (int c = 0; c < CC_CH_COUNT; c++)
            if ((mask & (1u << c)) && blk->spec->support[c] == support)
                r |= 1u << c;
    return r;
}

/* The block's label text, lines separated by '\n'. */
static void block_label(const cc_block *blk, cc_buf *t)
{
    put_str(t, blk->id, VALUE_CHARS);
    cc_buf_putc(t, '\n');
    cc_buf_puts(t, blk->spec ? blk->spec->kind : "(unknown kind)");
    if (blk->spec) {
        unsigned shown = 0, hidden = 0;
        /* the parameter the shorthand writes (`wait: 1m`) on the kind's line, as written in YAML;
         * the others below it in the catalogue's order, whatever order the source wrote them in */
        for (int pass = 0; pass < 2; pass++)
            for (const cc_param_spec *ps = blk->spec->params; ps && ps->name; ps++) {
                bool inline_ = (ps->flags & (CC_PF_SCALAR | CC_PF_WHOLE)) != 0;
                if (ps->type == CC_PT_CASES || inline_ != !pass)
                    continue; /* cases are drawn on the edges */
                const cc_param *p = NULL;
                for (uint32_t i = 0; i < blk->nparams && !p; i++)
                    if (blk->params[i].spec == ps)
                        p = &blk->params[i];
                if (!p)
                    continue;
                if (inline_) {
                    cc_buf_puts(t, ": ");
                    put_value(t, p);
                } else if (shown == MAX_PARAMS)
                    hidden++;
                else {
                    cc_buf_printf(t, "\n%s: ", ps->name);
                    put_value(t, p);
                    shown++;
                }
            }
        if (hidden)
            cc_buf_printf(t, "\n+%u more", hidden);
    }
    cc_buf_putc(t, '\n');
    if (!blk->reachable) {
        cc_buf_puts(t, "unreachable");
        return;
    }
    cc_buf_puts(t, "channels: ");
    put_channels(t, blk->channels_in);
    unsigned fails = support_mask(blk, blk->channels_in, CC_SUP_NO_ERROR);
    unsigned noops = support_mask(blk, blk->channels_in, CC_SUP_NO_SUCCESS);
    if (fails) {
        cc_buf_puts(t, "\nnot supported: ");
        put_channels(t, fails);
    }
    if (noops) {
        cc_buf_puts(t, "\nno effect: ");
        put_channels(t, noops);
    }
}

static void edge_label(const cc_case *c, cc_buf *t)
{
    cc_buf_puts(t, c->op);
    if (c->operand && c->operand->type == CC_NODE_SCALAR) {
        cc_buf_putc(t, ' ');
        put_text(t, c->operand->text, c->operand->len, VALUE_CHARS);
    }
}

/* ---- escaping ---- */

/* A DOT double-quoted string: '"' and '\' escaped, lines joined with \n (centred). */
static void dot_string(cc_buf *out, const char *s)
{
    cc_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '\n')
            cc_buf_puts(out, "\\n");
        else if (*s == '"' || *s == '\\') {
            cc_buf_putc(out, '\\');
            cc_buf_putc(out, *s);
        } else
            cc_buf_putc(out, *s);
    }
    cc_buf_putc(out, '"');
}

/* A Mermaid quoted label: the characters Mermaid or its HTML labels read ('"', '#', '&', '<',
 * '>', '`', '|') as entity codes, lines joined with <br>. */
static void mermaid_string(cc_buf *out, const char *s)
{
    cc_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '\n')
            cc_buf_puts(out, "<br>");
        else if (strchr("\"#&<>`|", *s))
            cc_buf_printf(out, "#%d;", (unsigned char)*s);
        else
            cc_buf_putc(out, *s);
    }
    cc_buf_putc(out, '"');
}

static void put_label(graph *g, const char *s)
{
    if (g->format == CC_GRAPH_DOT)
        dot_string(g->out, s);
    else
        mermaid_string(g->out, s);
}

/* ---- output ---- */

typedef enum { NODE_PLAIN, NODE_UNSUPPORTED, NODE_NOEFFECT, NODE_UNREACHABLE } node_class;

static node_class block_class(const cc_block *blk)
{
    if (!blk->reachable)
        return NODE_UNREACHABLE;
    if (support_mask(blk, blk->channels_in, CC_SUP_NO_ERROR))
        return NODE_UNSUPPORTED;
    if (support_mask(blk, blk->channels_in, CC_SUP_NO_SUCCESS))
        return NODE_NOEFFECT;
    return NODE_PLAIN;
}

static const char *const dot_class_attrs[] = {
    [NODE_PLAIN] = "",
    [NODE_UNSUPPORTED] = ", class=\"unsupported\", color=\"#cc0000\", fillcolor=\"#ffd6d6\", fontcolor=\"#990000\"",
    [NODE_NOEFFECT] = ", class=\"noeffect\", fillcolor=\"#fff3c4\"",
    [NODE_UNREACHABLE] = ", class=\"unreachable\", style=\"rounded,filled,dashed\", color=\"#999999\", "
                         "fillcolor=\"#eeeeee\", fontcolor=\"#888888\"",
};
static const char *const mermaid_class_names[] = {NULL, "unsupported", "noeffect", "unreachable"};

static void flow_title(const cc_flow *f, cc_buf *t)
{
    put_str(t, f->name, 80);
    cc_buf_printf(t, "\n%s", f->type >= 0 ? cc_flow_types[f->type].name : "unknown type");
    if (f->from_stdlib)
        cc_buf_puts(t, ", standard");
    cc_buf_puts(t, ": ");
    put_channels(t, f->channels_entry);
}

static void draw_flow(graph *g, int fi)
{
    const cc_flow *f = g->flows.items[fi];
    cc_buf *o = g->out;
    cc_buf t = {0};
    bool dot = g->format == CC_GRAPH_DOT;
    flow_title(f, &t);
    if (dot) {
        cc_buf_printf(o, "  subgraph cluster_f%d {\n    label=", fi);
        put_label(g, t.data);
        cc_buf_puts(o, ";\n");
    } else {
        cc_buf_printf(o, "  subgraph f%d_flow[", fi);
        put_label(g, t.data);
        cc_buf_puts(o, "]\n");
    }
    /* the start marker */
    if (f->start_index != CC_NO_BLOCK) {
        if (dot)
            cc_buf_printf(o, "    f%d_start [label=\"start\", shape=circle, style=filled, fillcolor=\"#333333\", "
                             "fontcolor=white, class=\"start\"];\n", fi);
        else
            cc_buf_printf(o, "    f%d_start((\"start\"))\n", fi);
    }
    for (uint32_t k = 0; k < f->nblocks; k++) {
        const cc_block *blk = &f->blocks[k];
        t.len = 0;
        block_label(blk, &t);
        node_class cls = block_class(blk);
        bool start = (int32_t)k == f->start_index;
        if (dot) {
            cc_buf_printf(o, "    f%d_b%u [label=", fi, k);
            put_label(g, t.data);
            cc_buf_printf(o, "%s%s];\n", dot_class_attrs[cls], start ? ", penwidth=2" : "");
        } else {
            cc_buf_printf(o, "    f%d_b%u[", fi, k);
            put_label(g, t.data);
            cc_buf_puts(o, "]\n");
        }
    }
    /* edges within the flow */
    if (f->start_index != CC_NO_BLOCK) {
        t.len = 0;
        put_channels(&t, f->channels_entry);
        if (dot) {
            cc_buf_printf(o, "    f%d_start -> f%d_b%d [label=", fi, fi, f->start_index);
            put_label(g, t.data);
            cc_buf_puts(o, "];\n");
        } else {
            cc_buf_printf(o, "    f%d_start -->|", fi);
            put_label(g, t.data);
            cc_buf_printf(o, "| f%d_b%d\n", fi, f->start_index);
        }
    }
    for (uint32_t k = 0; k < f->nblocks; k++) {
        const cc_block *blk = &f->blocks[k];
        for (int pass = 0; pass < 2; pass++) {
            uint32_t n = pass ? blk->ncases : blk->nbranches;
            for (uint32_t i = 0; i < n; i++) {
                int32_t to = pass ? blk->cases[i].to : blk->branches[i].to;
                if (to == CC_NO_BLOCK)
                    continue;
                t.len = 0;
                if (pass)
                    edge_label(&blk->cases[i], &t);
                else
                    put_str(&t, blk->branches[i].name, VALUE_CHARS);
                /* `next` kept for export only (terminal blocks): never taken, drawn dotted */
                bool kept = !pass && blk->branches[i].index == -1 && blk->spec &&
                            (blk->spec->flags & (CC_BK_TERMINAL | CC_BK_NEXT_KEPT));
                if (dot) {
                    cc_buf_printf(o, "    f%d_b%u -> f%d_b%d [label=", fi, k, fi, to);
                    put_label(g, t.data);
                    cc_buf_printf(o, "%s];\n", kept ? ", style=dotted" : "");
                } else {
                    cc_buf_printf(o, "    f%d_b%u %s|", fi, k, kept ? "-.-" : "-->");
                    put_label(g, t.data);
                    cc_buf_printf(o, "| f%d_b%d\n", fi, to);
                }
            }
        }
    }
    cc_buf_puts(o, dot ? "  }\n" : "  end\n");
    cc_buf_free(&t);
}

/* Edges from blocks to the flows they name (drawn or not), after every cluster. */
static void draw_references(graph *g)
{
    cc_buf *o = g->out;
    bool dot = g->format == CC_GRAPH_DOT;
    cc_buf t = {0};
    for (size_t fi = 0; fi < g->flows.len; fi++) {
        const cc_flow *f = g->flows.items[fi];
        for (uint32_t k = 0; k < f->nblocks; k++) {
            const cc_block *blk = &f->blocks[k];
            for (uint32_t j = 0; j < blk->nparams; j++) {
                const cc_flow *target = referenced_flow(g->b, blk, &blk->params[j]);
                if (!target)
                    continue;
                int ti = drawn_index(g, target);
                char to[48];
                if (ti >= 0 && target->start_index != CC_NO_BLOCK)
                    snprintf(to, sizeof to, "f%d_start", ti);
                else if (ti >= 0)
                    snprintf(to, sizeof to, "f%d_b0", ti);
                else
                    snprintf(to, sizeof to, "ext%d", ext_index(g, target));
                if (ti >= 0 && !target->nblocks)
                    continue; /* a flow without blocks has no node to point at */
                t.len = 0;
                cc_buf_puts(&t, reference_label(&blk->params[j]));
                if (dot) {
                    cc_buf_printf(o, "  f%zu_b%u -> %s [label=", fi, k, to);
                    put_label(g, t.data);
                    cc_buf_puts(o, ", style=dashed, color=\"#3366cc\", fontcolor=\"#3366cc\", class=\"reference\"];\n");
                } else {
                    cc_buf_printf(o, "  f%zu_b%u -.->|", fi, k);
                    put_label(g, t.data);
                    cc_buf_printf(o, "| %s\n", to);
                }
            }
        }
    }
    /* the flows named but not drawn: one node each */
    for (size_t i = 0; i < g->ext.len; i++) {
        const cc_flow *f = g->ext.items[i];
        t.len = 0;
        cc_buf_puts(&t, "flow ");
        put_str(&t, f->name, 80);
        if (f->from_stdlib)
            cc_buf_puts(&t, "\n(standard flow)");
        if (dot) {
            cc_buf_printf(o, "  ext%zu [label=", i);
            put_label(g, t.data);
            cc_buf_puts(o, ", shape=folder, style=filled, fillcolor=\"#e8eefc\", class=\"external\"];\n");
        } else {
            cc_buf_printf(o, "  ext%zu[[", i);
            put_label(g, t.data);
            cc_buf_puts(o, "]]\n");
        }
    }
    cc_buf_free(&t);
}

void cc_graph_render(const cc_bundle *b, const char *const *only, size_t nonly, cc_graph_format format, cc_buf *out)
{
    graph g = {.b = b, .format = format, .out = out};
    for (size_t i = 0; i < b->flows.len; i++) {
        const cc_flow *f = b->flows.items[i];
        bool want = !nonly && !f->from_stdlib;
        for (size_t j = 0; j < nonly; j++)
            want |= !strcmp(only[j], f->name);
        if (want)
            cc_vec_push(&g.flows, f);
    }
    if (format == CC_GRAPH_DOT) {
        cc_buf_puts(out, "digraph ccflow {\n"
                         "  graph [fontname=\"Helvetica\", fontsize=11, labeljust=l, rankdir=TB];\n"
                         "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\", "
                         "fontsize=10];\n"
                         "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    } else
        cc_buf_puts(out, "flowchart TB\n");
    for (size_t i = 0; i < g.flows.len; i++)
        draw_flow(&g, (int)i);
    draw_references(&g);
    if (format == CC_GRAPH_MERMAID) {
        cc_buf_puts(out, "  classDef unsupported fill:#ffd6d6,stroke:#cc0000,color:#990000\n"
                         "  classDef noeffect fill:#fff3c4\n"
                         "  classDef unreachable fill:#eeeeee,stroke:#999999,color:#888888,stroke-dasharray:4 3\n"
                         "  classDef start fill:#333333,color:#ffffff\n"
                         "  classDef external fill:#e8eefc\n");
        for (size_t fi = 0; fi < g.flows.len; fi++) {
            const cc_flow *f = g.flows.items[fi];
            if (f->start_index != CC_NO_BLOCK)
                cc_buf_printf(out, "  class f%zu_start start\n", fi);
            for (uint32_t k = 0; k < f->nblocks; k++) {
                node_class cls = block_class(&f->blocks[k]);
                if (cls != NODE_PLAIN)
                    cc_buf_printf(out, "  class f%zu_b%u %s\n", fi, k, mermaid_class_names[cls]);
            }
        }
        for (size_t i = 0; i < g.ext.len; i++)
            cc_buf_printf(out, "  class ext%zu external\n", i);
    } else
        cc_buf_puts(out, "}\n");
    cc_vec_free(&g.flows);
    cc_vec_free(&g.ext);
}
