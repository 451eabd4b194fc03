/* graph.h — draws the flows of a checked bundle as Graphviz DOT or as a Mermaid flowchart:
 * blocks with their id, kind and key parameters, labelled branches, the start, the channels
 * that reach each block (red where a reaching channel is not supported, grey where no path
 * leads), each flow a cluster and the references between flows as dashed edges. */
#ifndef CCFLOW_GRAPH_H
#define CCFLOW_GRAPH_H

#include "ir.h"

typedef enum { CC_GRAPH_DOT, CC_GRAPH_MERMAID } cc_graph_format;

/* Appends the drawing of a bundle that cc_check_bundle has run on (it reads the reachability and
 * channels the check recorded) to out. only (n names) picks the flows to draw; with none, every
 * flow of the bundle but the standard ones. Flows referred to but not drawn appear as a single
 * node each. The same bundle always gives the same bytes. */
void cc_graph_render(const cc_bundle *b, const char *const *only, size_t nonly, cc_graph_format format, cc_buf *out);

#endif
