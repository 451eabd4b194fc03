/* dsl_parser.y — the grammar of the ccflow DSL (docs/dsl.md): a pure, reentrant bison parser
 * that builds a statement tree; dsl_lower.c turns it into the document tree shared with YAML. */
%define api.pure full
%define api.prefix {dsl_}
%define api.location.type {cc_loc}
%define parse.error custom
%locations
%param {dsl_ctx *ctx}
%expect 0

%code requires {
#include "dsl.h"
typedef CC_VEC(cc_pair) dsl_pairs;
typedef CC_VEC(cc_node *) dsl_items;
}

%code provides {
int dsl_lex(DSL_STYPE *lval, cc_loc *lloc, dsl_ctx *ctx);
}

%code {
#include <stdlib.h>
#include <string.h>

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                        \
    do {                                                                                   \
        if (N) {                                                                           \
            (Cur) = YYRHSLOC(Rhs, 1);                                                      \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;                                    \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                                      \
        } else {                                                                           \
            (Cur) = YYRHSLOC(Rhs, 0);                                                      \
            (Cur).line = (Cur).end_line;                                                   \
            (Cur).col = (Cur).end_col;                                                     \
        }                                                                                  \
    } while (0)

static void dsl_error(cc_loc *loc, dsl_ctx *ctx, const char *msg)
{
    if (!strcmp(msg, "memory exhausted"))
        msg = "the flow is nested too deeply to read";
    cc_report(ctx->ds, CC_E101, *loc, "%s", msg);
    ctx->errors++;
}

static dsl_stmt *new_stmt(dsl_stmt_kind kind, cc_loc loc)
{
    dsl_stmt *s = cc_xcalloc(1, sizeof *s);
    s->kind = kind;
    s->loc = loc;
    return s;
}

static dsl_stmts *new_stmts(void) { return cc_xcalloc(1, sizeof(dsl_stmts)); }

static cc_node *make_map(dsl_ctx *ctx, dsl_pairs *pairs, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(ctx->arena, sizeof *n);
    n->type = CC_NODE_MAP;
    n->loc = loc;
    n->count = pairs ? (uint32_t)pairs->len : 0;
    n->pairs = cc_arena_alloc(ctx->arena, (n->count ? n->count : 1) * sizeof *n->pairs);
    if (n->count)
        memcpy(n->pairs, pairs->items, n->count * sizeof *n->pairs);
    /* repeated keys are marked as the YAML reader marks them */
    for (uint32_t i = 1; i < n->count; i++)
        for (uint32_t j = 0; j < i && n->pairs[i].key->type == CC_NODE_SCALAR; j++)
            if (n->pairs[j].key->type == CC_NODE_SCALAR && !strcmp(n->pairs[j].key->text, n->pairs[i].key->text)) {
                n->pairs[i].key->dup_of = n->pairs[j].key;
                break;
            }
    return n;
}

static cc_node *make_list(dsl_ctx *ctx, dsl_items *items, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(ctx->arena, sizeof *n);
    n->type = CC_NODE_LIST;
    n->loc = loc;
    n->count = items ? (uint32_t)items->len : 0;
    n->items = cc_arena_alloc(ctx->arena, (n->count ? n->count : 1) * sizeof *n->items);
    if (n->count)
        memcpy(n->items, items->items, n->count * sizeof *n->items);
    return n;
}

static void free_pairs(dsl_pairs *p)
{
    if (p) {
        cc_vec_free(p);
        free(p);
    }
}

static void free_items(dsl_items *p)
{
    if (p) {
        cc_vec_free(p);
        free(p);
    }
}

static void free_branches(dsl_branches *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->len; i++)
        dsl_target_free(&b->items[i].target);
    cc_vec_free(b);
    free(b);
}

static dsl_target body_target(dsl_stmts *body, cc_loc loc)
{
    dsl_target t = {DSL_TO_BODY, NULL, body, loc};
    return t;
}

/* Appends a heap branch list (may be NULL) to a statement's branches and frees the list. */
static void append_branches(dsl_stmt *s, dsl_branches *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->len; i++)
        cc_vec_push(&s->branches, b->items[i]);
    cc_vec_free(b);
    free(b);
}

/* Moves a heap branch list into a statement. */
static void take_branches(dsl_stmt *s, dsl_branches *b)
{
    if (!b)
        return;
    s->branches = *b;
    free(b);
}
}

%union {
    cc_node *node;
    dsl_stmt *stmt;
    dsl_stmts *stmts;
    dsl_target target;
    dsl_branch branch;
    dsl_branches *branches;
    dsl_pairs *pairs;
    dsl_items *items;
}

%token <node> IDENT "identifier" OPERATOR "operator" STRING "string" NUMBER "number"
%token <node> DURATION "duration" REF "reference" TRUE "true" FALSE "false" NULL_ "null"
%token FLOW "flow" IF "if" ELSE "else" SWITCH "switch" GOTO "goto" END "end"
%token ARROW "->" NL "end of line" BNL "branch line" BAD "invalid character"

%type <node> value scalar map list key label header_map bname
%type <stmt> statement core block loop if_stmt if_head switch_stmt
%type <stmts> stmts body else_opt
%type <target> target next_opt
%type <branch> branch
%type <branches> branches sw_cases
%type <pairs> entries
%type <items> items

%destructor { dsl_stmt_free($$); } <stmt>
%destructor { dsl_stmts_free($$); } <stmts>
%destructor { dsl_target_free(&$$); } <target>
%destructor { dsl_target_free(&$$.target); } <branch>
%destructor { free_branches($$); } <branches>
%destructor { free_pairs($$); } <pairs>
%destructor { free_items($$); } <items>

%%

file
    : seps header stmts { ctx->stmts = $3; }
    ;

seps
    : %empty
    | seps NL
    | seps BNL
    ;

header
    : FLOW STRING header_map NL seps { ctx->flow_name = $2; ctx->header = $3; ctx->flow_loc = @1; ctx->saw_header = true; }
    | error NL seps { yyerrok; }
    ;

header_map
    : %empty { $$ = NULL; }
    | map
    ;

stmts
    : %empty { $$ = new_stmts(); }
    | stmts statement NL seps { $$ = $1; cc_vec_push($$, $2); }
    | stmts error NL seps { $$ = $1; yyerrok; }
    ;

statement
    : core
    | label core { $$ = $2; $$->label = $1; $$->loc = @$; }
    | GOTO target { $$ = new_stmt(DSL_GOTO, @$); $$->next = $2; }
    ;

label
    : IDENT ':' { $$ = $1; }
    | STRING ':' { $$ = $1; }
    ;

core
    : block
    | loop
    | if_stmt
    | switch_stmt
    ;

block
    : IDENT next_opt branches { $$ = new_stmt(DSL_BLOCK, @$); $$->kind_key = $1; $$->next = $2; take_branches($$, $3); }
    | IDENT value next_opt branches
        { $$ = new_stmt(DSL_BLOCK, @$); $$->kind_key = $1; $$->value = $2; $$->next = $3; take_branches($$, $4); }
    ;

loop
    : IDENT value body next_opt branches
        { $$ = new_stmt(DSL_LOOP, @$); $$->kind_key = $1; $$->value = $2; $$->body = $3; $$->next = $4; take_branches($$, $5); }
    ;

if_stmt
    : if_head branches
        {
            $$ = $1;
            $$->loc = @$;
            append_branches($$, $2);
        }
    ;

if_head
    : IF REF OPERATOR value body else_opt
        {
            $$ = new_stmt(DSL_IF, @$);
            $$->kind_key = cc_arena_alloc(ctx->arena, sizeof(cc_node));
            *$$->kind_key = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = @1, .text = "if", .len = 2};
            $$->value = $2;
            dsl_branch c = {true, $3, $4, body_target($5, @5)};
            cc_vec_push(&$$->branches, c);
            $$->orelse = $6;
        }
    ;

else_opt
    : %empty { $$ = NULL; }
    | ELSE body { $$ = $2; }
    | ELSE if_head { $$ = new_stmts(); cc_vec_push($$, $2); }
    ;

switch_stmt
    : SWITCH REF '{' seps sw_cases '}' branches
        {
            $$ = new_stmt(DSL_SWITCH, @$);
            $$->kind_key = cc_arena_alloc(ctx->arena, sizeof(cc_node));
            *$$->kind_key = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = @1, .text = "switch", .len = 6};
            $$->value = $2;
            take_branches($$, $5);
            append_branches($$, $7);
        }
    | SWITCH REF '{' seps sw_cases ELSE body seps '}' branches
        {
            $$ = new_stmt(DSL_SWITCH, @$);
            $$->kind_key = cc_arena_alloc(ctx->arena, sizeof(cc_node));
            *$$->kind_key = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = @1, .text = "switch", .len = 6};
            $$->value = $2;
            take_branches($$, $5);
            $$->orelse = $7;
            append_branches($$, $10);
        }
    ;

sw_cases
    : %empty { $$ = cc_xcalloc(1, sizeof(dsl_branches)); }
    | sw_cases OPERATOR value body seps
        { $$ = $1; dsl_branch c = {true, $2, $3, body_target($4, @4)}; cc_vec_push($$, c); }
    ;

body
    : '{' seps stmts '}' { $$ = $3; }
    | '{' seps stmts statement '}' { $$ = $3; cc_vec_push($$, $4); }
    ;

next_opt
    : %empty { $$ = (dsl_target){DSL_TO_NONE, NULL, NULL, @$}; }
    | ARROW target { $$ = $2; }
    ;

target
    : IDENT { $$ = (dsl_target){DSL_TO_LABEL, $1, NULL, @1}; }
    | STRING { $$ = (dsl_target){DSL_TO_LABEL, $1, NULL, @1}; }
    | END { $$ = (dsl_target){DSL_TO_END, NULL, NULL, @1}; }
    | body { $$ = body_target($1, @1); }
    ;

branches
    : %empty { $$ = NULL; }
    | branches branch { $$ = $1 ? $1 : cc_xcalloc(1, sizeof(dsl_branches)); cc_vec_push($$, $2); }
    ;

branch
    : BNL bname ARROW target { $$ = (dsl_branch){false, $2, NULL, $4}; }
    | BNL OPERATOR value next_opt { $$ = (dsl_branch){true, $2, $3, $4}; }
    ;

bname
    : IDENT
    | TRUE
    | FALSE
    ;

value
    : scalar
    | map
    | list
    ;

scalar
    : STRING
    | NUMBER
    | DURATION
    | REF
    | IDENT
    | TRUE
    | FALSE
    | NULL_
    ;

map
    : '{' seps '}' { $$ = make_map(ctx, NULL, @$); }
    | '{' seps entries seps '}' { $$ = make_map(ctx, $3, @$); free_pairs($3); }
    | '{' seps entries ',' seps '}' { $$ = make_map(ctx, $3, @$); free_pairs($3); }
    ;

entries
    : key ':' seps value { $$ = cc_xcalloc(1, sizeof(dsl_pairs)); cc_pair p = {$1, $4}; cc_vec_push($$, p); }
    | entries ',' seps key ':' seps value { $$ = $1; cc_pair p = {$4, $7}; cc_vec_push($$, p); }
    ;

key
    : IDENT
    | STRING
    | OPERATOR
    | TRUE
    | FALSE
    ;

list
    : '[' seps ']' { $$ = make_list(ctx, NULL, @$); }
    | '[' seps items seps ']' { $$ = make_list(ctx, $3, @$); free_items($3); }
    | '[' seps items ',' seps ']' { $$ = make_list(ctx, $3, @$); free_items($3); }
    ;

items
    : value { $$ = cc_xcalloc(1, sizeof(dsl_items)); cc_vec_push($$, $1); }
    | items ',' seps value { $$ = $1; cc_vec_push($$, $4); }
    ;

%%

/* "expected X, Y or Z before 'tok'": the message a flow author needs at a syntax error. */
static int yyreport_syntax_error(const yypcontext_t *pctx, dsl_ctx *ctx)
{
    yysymbol_kind_t expected[10];
    int n = yypcontext_expected_tokens(pctx, expected, 10);
    yysymbol_kind_t got = yypcontext_token(pctx);
    const char *found = got == YYSYMBOL_YYEOF ? "the end of the file" : yysymbol_name(got);
    if (got == YYSYMBOL_BNL)
        found = "a branch line";
    cc_buf msg = {0};
    if (!ctx->saw_header && !ctx->errors) {
        cc_buf_printf(&msg, "a DSL flow starts with 'flow \"Name\" { type: ... }', found %s", found);
    } else {
        /* a branch line is a kind of line end: name it once */
        const char *names[10];
        int k = 0;
        for (int i = 0; i < n && i < 10; i++)
            if (expected[i] != YYSYMBOL_BNL)
                names[k++] = yysymbol_name(expected[i]);
        cc_buf_puts(&msg, "syntax error: ");
        if (k > 0 && k <= 6) {
            cc_buf_puts(&msg, "expected ");
            for (int i = 0; i < k; i++)
                cc_buf_printf(&msg, "%s%s", i == 0 ? "" : i + 1 == k ? " or " : ", ", names[i]);
            cc_buf_printf(&msg, ", found %s", found);
        } else
            cc_buf_printf(&msg, "unexpected %s", found);
    }
    cc_report(ctx->ds, CC_E101, *yypcontext_location(pctx), "%s", msg.data);
    cc_buf_free(&msg);
    ctx->errors++;
    return 0;
}
