/* dsl.h — the DSL front end's internals: the scanner state, the statement tree the parser builds,
 * and the lowering of statements into the document tree that the YAML reader also builds. */
#ifndef CCFLOW_DSL_H
#define CCFLOW_DSL_H

#include "doc.h"

typedef struct dsl_stmt dsl_stmt;
typedef CC_VEC(dsl_stmt *) dsl_stmts;

/* Where a branch goes: a block id, the explicit `end`, or a body of statements. */
typedef enum { DSL_TO_NONE, DSL_TO_LABEL, DSL_TO_END, DSL_TO_BODY } dsl_target_kind;

typedef struct {
    dsl_target_kind kind;
    cc_node *label;   /* DSL_TO_LABEL */
    dsl_stmts *body;  /* DSL_TO_BODY (heap-owned until the statement tree is freed) */
    cc_loc loc;
} dsl_target;

/* A line under a block: `name -> target` or a case `OP value -> target`. */
typedef struct {
    bool is_case;
    cc_node *name;    /* branch name, or the case's operator */
    cc_node *operand; /* a case's value */
    dsl_target target;
} dsl_branch;

typedef CC_VEC(dsl_branch) dsl_branches;

typedef enum { DSL_BLOCK, DSL_IF, DSL_SWITCH, DSL_LOOP, DSL_GOTO } dsl_stmt_kind;

struct dsl_stmt {
    dsl_stmt_kind kind;
    cc_loc loc;
    cc_node *label;    /* may be NULL */
    cc_node *kind_key; /* DSL_BLOCK: the kind; DSL_IF/SWITCH/LOOP: the keyword, for locations */
    cc_node *value;    /* DSL_BLOCK and DSL_LOOP: the block's value; DSL_IF/SWITCH: the reference */
    dsl_target next;   /* DSL_BLOCK: `-> target`; DSL_GOTO: where to go */
    dsl_branches branches; /* branch lines; for DSL_IF/SWITCH the cases, each with a body target */
    dsl_stmts *body;   /* DSL_LOOP: the loop body */
    dsl_stmts *orelse; /* DSL_IF/SWITCH: the else body, or NULL */
};

typedef struct {
    const char *text, *cur, *tok, *lim, *marker, *line_start;
    uint32_t line;
    const char *col_at; /* where the column count last stopped, and the column there */
    uint32_t col;
    uint32_t file;
    cc_arena *arena;
    cc_diags *ds;
    cc_comments *comments;
    /* results of the parse */
    cc_node *flow_name;
    cc_node *header;   /* the header map, or NULL */
    cc_loc flow_loc;
    dsl_stmts *stmts;
    bool saw_header;
    bool saw_eof_nl;
    int errors;
} dsl_ctx;

void dsl_stmts_free(dsl_stmts *list);
void dsl_stmt_free(dsl_stmt *s);
void dsl_target_free(dsl_target *t);

#endif
