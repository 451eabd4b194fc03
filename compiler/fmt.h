/* fmt.h — `ccflow fmt`: writes a flow's document tree back out as canonical YAML or as the DSL
 * (docs/dsl.md), keeping every block, its place in the order, and every comment.
 *
 * Both writers take the tree that cc_yaml_read or cc_dsl_read built and the comments of the same
 * text (cc_yaml_comments, or those cc_dsl_read collected; NULL for none), and append to out. They
 * are idempotent: reading their output back and formatting it again gives the same bytes; and the
 * flow IR built from their output is the IR built from their input (cc_flow_dump prints the same).
 *
 * Comments go back by line: one on a line of its own goes before what followed it in the source
 * (the next key of its block, or the next block; at the top or the end when nothing is before or
 * after it); one after text goes at the end of the line that holds what that text became (on a
 * DSL statement line, the kind's line rather than the id's). Two comments that end up on one line
 * are joined, so a second formatting reads them as one. So that a comment keeps the line of its
 * key, a map or list with a comment beside (or before) one of its entries is written one entry a
 * line; in the DSL, a commented `next` is the branch line `next -> target`, a commented id is a
 * label on a line of its own, and cases with a comment on their key's line or inside a case stay
 * in the kind's value. */
#ifndef CCFLOW_FMT_H
#define CCFLOW_FMT_H

#include "doc.h"

/* Canonical YAML: top-level keys in the order flow, type, channels, start, description, blocks,
 * then any others as written; each block as its kind, `next`, `on`, then any other keys. Maps
 * are written `{ a: b }` when the line stays within 80 columns, lists of scalars `[a, b]`, and
 * lists of collections (a kind's cases) as block sequences; a kind's cases parameter comes last
 * in its value, each case's `next` last in the case. A missing value is `{}`, except for kinds
 * whose whole value is one mapping parameter (set_contact_attributes...), where null stays null. */
void cc_fmt_yaml(const cc_node *root, const cc_comments *comments, cc_buf *out);

/* The DSL: the header `flow "Name" { ... }`, then one labelled statement per block in source
 * order, its cases and branches as branch lines. A `next` that names the following block of a
 * kind that falls through is left out (unless a comment is beside it); such a block without `next` gets `-> end`, and a wait
 * without `timeout` (its way on) gets the line `timeout -> end`. */
void cc_fmt_dsl(const cc_node *root, const cc_comments *comments, cc_buf *out);

/* Whether cc_fmt_dsl writes this tree without losing anything (a tree from a YAML file may hold
 * shapes the DSL has no spelling for: a block with two kinds, a non-scalar target, a YAML number
 * such as 1e3...). When it does not, *where and *why (a static phrase such as "a block with more
 * than one kind") describe the first such place. Either pointer may be NULL. */
bool cc_fmt_dsl_lossless(const cc_node *root, cc_loc *where, const char **why);

#endif
