/* dsl.h — the DSL front end's internals: the scanner state, the statement tree the parser builds,
 * and the lowering of statements into the document tree that the YAML reader also builds.
 * The statement tree lives in the compilation's arena, like the document tree it becomes. */
#ifndef CCFLOW_DSL_H
#define CCFLOW_DSL_H

#include "doc.h"

typedef struct dsl_stmt dsl_stmt;
typedef struct dsl_branch dsl_branch;

/* Statements in order (a body, or the whole file). */
typedef struct {
    dsl_stmt *first, *last;
    uint32_t count;
} dsl_list;

/* Where a branch goes: a block id, the explicit `end`, or a body of statements. */
typedef enum { DSL_TO_NONE, DSL_TO_LABEL, DSL_TO_END, DSL_TO_BODY } dsl_target_kind;

typedef struct {
    dsl_target_kind kind;
    cc_node *label;  /* DSL_TO_LABEL */
    dsl_list *body;  /* DSL_TO_BODY */
    cc_loc loc;
} dsl_target;

/* A line under a block: `name -> target` or a case `OP value -> target`. */
struct dsl_branch {
    dsl_branch *next;
    bool is_case;
    cc_node *name;    /* branch name, or the case's operator */
    cc_node *operand; /* a case's value */
    const dsl_target *target;
};

typedef struct {
    dsl_branch *first, *last;
    uint32_t count;
} dsl_branches;

typedef enum { DSL_BLOCK, DSL_IF, DSL_SWITCH, DSL_LOOP, DSL_GOTO } dsl_stmt_kind;

struct dsl_stmt {
    dsl_stmt *next_stmt;
    dsl_stmt_kind kind;
    cc_loc loc;
    cc_node *label;        /* may be NULL */
    cc_node *kind_key;     /* DSL_BLOCK/LOOP: the kind; DSL_IF/SWITCH: the keyword, for locations */
    cc_node *value;        /* DSL_BLOCK and DSL_LOOP: the block's value; DSL_IF/SWITCH: the reference */
    const dsl_target *next; /* DSL_BLOCK/LOOP: `-> target`; DSL_GOTO: where to go */
    dsl_branches branches; /* branch lines; for DSL_IF/SWITCH the cases first, each with a body */
    dsl_list *body;        /* DSL_LOOP: the loop body */
    dsl_list *orelse;      /* DSL_IF/SWITCH: the else body, or NULL */
};

/* The parser's locations: byte offsets into the text (start inclusive, end exclusive). Lines and
 * columns are worked out only where a location is kept (dsl_place). */
typedef struct {
    uint32_t start, end;
} dsl_loc;

typedef struct {
    const char *text, *cur, *tok, *lim, *line_start;
    CC_VEC(uint32_t) lines; /* offset of the start of each line seen so far; lines.items[0] = 0 */
    bool ascii;             /* the text has no multi-byte characters: columns are byte counts */
    uint32_t line;
    const char *col_at; /* where the column count last stopped, and the column there */
    uint32_t col;
    uint32_t file;
    cc_arena *arena;
    cc_diags *ds;
    cc_comments *comments;
    /* results of the parse */
    cc_node *flow_name;
    cc_node *header; /* the header map, or NULL */
    cc_loc flow_loc;
    dsl_list *stmts;
    uint32_t nstmts; /* statements made, an upper bound on the blocks they lower to */
    dsl_target no_target; /* the one "no target" every block without `->` points at */
    bool dups;       /* some mapping repeats a key */
    bool saw_header;
    bool saw_eof_nl;
    int errors;
} dsl_ctx;

/* A parser location as a diagnostic location (line and column, 1-based). */
cc_loc dsl_place(dsl_ctx *ctx, dsl_loc loc);

#endif
