/* fmt.h — `ccflow fmt`: writes a flow's document tree back out as canonical YAML or as the DSL
 * (docs/dsl.md), keeping every block, its place in the order, and every comment.
 *
 * Both emitters take the tree that cc_yaml_read or cc_dsl_read built and the comments of the same
 * text (cc_yaml_comments, or those cc_dsl_read collected; NULL for none). They are idempotent:
 * reading their output back and formatting it again gives the same bytes. */
#ifndef CCFLOW_FMT_H
#define CCFLOW_FMT_H

#include "doc.h"

/* Canonical YAML: top-level keys in the order flow, type, channels, start, description, blocks,
 * then any others as written; each block as its kind, `next`, `on`, then any other keys. Appends
 * to out. */
void cc_fmt_yaml(const cc_node *root, const cc_comments *comments, cc_buf *out);

/* The DSL: the header `flow "Name" { ... }`, then one labelled statement per block in source
 * order, with its cases and branches as branch lines. Appends to out. */
void cc_fmt_dsl(const cc_node *root, const cc_comments *comments, cc_buf *out);

/* Whether cc_fmt_dsl writes this tree without losing anything (a tree from a YAML file may hold
 * shapes the DSL has no spelling for: a block with two kinds, a non-scalar target, a YAML number
 * such as 1e3...). When it does not, *where and *why (a static phrase such as "a block with more
 * than one kind") describe the first such place. Either pointer may be NULL. */
bool cc_fmt_dsl_lossless(const cc_node *root, cc_loc *where, const char **why);

#endif
