/* dsl_parser.y — the grammar of the ccflow DSL (docs/dsl.md): a pure, reentrant bison parser
 * that builds a statement tree; dsl_lower.c turns it into the document tree shared with YAML. */
%define api.pure full
%define api.prefix {dsl_}
%define api.location.type {dsl_loc}
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
int dsl_lex(DSL_STYPE *lval, dsl_loc *lloc, dsl_ctx *ctx);
}

%code {
#include <stdlib.h>
#include <string.h>

/* The parser's stack grows through ccflow's allocator like everything else. */
#define YYMALLOC cc_xmalloc
#define YYFREE cc_free

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                        \
    do {                                                                                   \
        if (N) {                                                                           \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                                          \
            (Cur).end = YYRHSLOC(Rhs, N).end;                                              \
        } else                                                                             \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                                \
    } while (0)

#define P(loc) dsl_place(ctx, (loc))

static void dsl_error(dsl_loc *loc, dsl_ctx *ctx, const char *msg)
{
    if (!strcmp(msg, "memory exhausted"))
        msg = "the flow is nested too deeply to read";
    cc_report(ctx->ds, CC_E101, dsl_place(ctx, *loc), "%s", msg);
    ctx->errors++;
}

/* The statement tree is allocated in the compilation's arena; only the vectors that collect a
 * mapping's entries or a list's items while they are parsed are heap-owned (see %destructor). */
static dsl_stmt *new_stmt(dsl_ctx *ctx, dsl_stmt_kind kind, cc_loc loc)
{
    dsl_stmt *s = cc_arena_alloc(ctx->arena, sizeof *s);
    s->next = &ctx->no_target;
    ctx->nstmts++;
    s->kind = kind;
    s->loc = loc;
    return s;
}

static dsl_list *new_list(dsl_ctx *ctx) { return cc_arena_alloc(ctx->arena, sizeof(dsl_list)); }

static void list_add(dsl_list *l, dsl_stmt *s)
{
    if (l->last)
        l->last->next_stmt = s;
    else
        l->first = s;
    l->last = s;
    l->count++;
}

static dsl_branches *new_branches(dsl_ctx *ctx) { return cc_arena_alloc(ctx->arena, sizeof(dsl_branches)); }

static void branches_add(dsl_branches *bs, dsl_branch *b)
{
    if (bs->last)
        bs->last->next = b;
    else
        bs->first = b;
    bs->last = b;
    bs->count++;
}

/* Appends a list of branches (may be NULL) after a statement's own. */
static void append_branches(dsl_stmt *s, dsl_branches *b)
{
    if (!b || !b->first)
        return;
    if (s->branches.last)
        s->branches.last->next = b->first;
    else
        s->branches.first = b->first;
    s->branches.last = b->last;
    s->branches.count += b->count;
}

static dsl_branch *new_branch(dsl_ctx *ctx, bool is_case, cc_node *name, cc_node *operand, dsl_target *target)
{
    dsl_branch *b = cc_arena_alloc(ctx->arena, sizeof *b);
    b->is_case = is_case;
    b->name = name;
    b->operand = operand;
    b->target = target ? target : &ctx->no_target;
    return b;
}

static dsl_target *new_target(dsl_ctx *ctx, dsl_target_kind kind, cc_node *label, dsl_list *body, cc_loc loc)
{
    dsl_target *t = cc_arena_alloc(ctx->arena, sizeof *t);
    *t = (dsl_target){kind, label, body, loc};
    return t;
}

static cc_node *keyword_node(dsl_ctx *ctx, const char *word, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(ctx->arena, sizeof *n);
    *n = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = loc, .text = word, .len = strlen(word)};
    return n;
}

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
                ctx->dups = true;
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
        cc_free(p);
    }
}

static void free_items(dsl_items *p)
{
    if (p) {
        cc_vec_free(p);
        cc_free(p);
    }
}
}

%union {
    cc_node *node;
    dsl_stmt *stmt;
    dsl_list *list;
    dsl_target *target;
    dsl_branch *branch;
    dsl_branches *branches;
    dsl_pairs *pairs;
    dsl_items *items;
}

%token <node> IDENT "identifier" OPERATOR "operator" STRING "string" NUMBER "number"
%token <node> DURATION "duration" REF "reference" TRUE "true" FALSE "false" NULL_ "null"
%token FLOW "flow" IF "if" ELSE "else" SWITCH "switch" GOTO "goto" END "end"
%token ARROW "->" NL "end of line" BNL "branch line" BAD "invalid character"

%type <node> value map list key label header_map bname
%type <stmt> statement core block loop if_stmt if_head switch_stmt
%type <list> stmts body else_opt
%type <target> target next_opt
%type <branch> branch
%type <branches> branches sw_cases
%type <pairs> entries
%type <items> items

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
    : FLOW STRING header_map NL seps { ctx->flow_name = $2; ctx->header = $3; ctx->flow_loc = P(@1); ctx->saw_header = true; }
    | error NL seps { yyerrok; }
    ;

header_map
    : %empty { $$ = NULL; }
    | map
    ;

stmts
    : %empty { $$ = new_list(ctx); }
    | stmts statement NL seps { $$ = $1; list_add($$, $2); }
    | stmts error NL seps { $$ = $1; yyerrok; }
    ;

statement
    : core
    | label core { $$ = $2; $$->label = $1; $$->loc = P(@$); }
    | label label_end seps core { $$ = $4; $$->label = $1; } /* the label on a line of its own */
    | GOTO target { $$ = new_stmt(ctx, DSL_GOTO, P(@$)); $$->next = $2; }
    ;

label
    : IDENT ':' { $$ = $1; }
    | STRING ':' { $$ = $1; }
    ;

label_end
    : NL
    | BNL
    ;

core
    : block
    | loop
    | if_stmt
    | switch_stmt
    ;

block
    : IDENT next_opt branches
        { $$ = new_stmt(ctx, DSL_BLOCK, P(@$)); $$->kind_key = $1; $$->next = $2; append_branches($$, $3); }
    | IDENT value next_opt branches
        { $$ = new_stmt(ctx, DSL_BLOCK, P(@$)); $$->kind_key = $1; $$->value = $2; $$->next = $3; append_branches($$, $4); }
    ;

loop
    : IDENT value body next_opt branches
        {
            $$ = new_stmt(ctx, DSL_LOOP, P(@$));
            $$->kind_key = $1;
            $$->value = $2;
            $$->body = $3;
            $$->next = $4;
            append_branches($$, $5);
        }
    ;

if_stmt
    : if_head branches { $$ = $1; $$->loc = P(@$); append_branches($$, $2); }
    ;

if_head
    : IF REF OPERATOR value body else_opt
        {
            $$ = new_stmt(ctx, DSL_IF, P(@$));
            $$->kind_key = keyword_node(ctx, "if", P(@1));
            $$->value = $2;
            branches_add(&$$->branches, new_branch(ctx, true, $3, $4, new_target(ctx, DSL_TO_BODY, NULL, $5, P(@5))));
            $$->orelse = $6;
        }
    ;

else_opt
    : %empty { $$ = NULL; }
    | ELSE body { $$ = $2; }
    | ELSE if_head { $$ = new_list(ctx); list_add($$, $2); }
    ;

switch_stmt
    : SWITCH REF '{' seps sw_cases '}' branches
        {
            $$ = new_stmt(ctx, DSL_SWITCH, P(@$));
            $$->kind_key = keyword_node(ctx, "switch", P(@1));
            $$->value = $2;
            append_branches($$, $5);
            append_branches($$, $7);
        }
    | SWITCH REF '{' seps sw_cases ELSE body seps '}' branches
        {
            $$ = new_stmt(ctx, DSL_SWITCH, P(@$));
            $$->kind_key = keyword_node(ctx, "switch", P(@1));
            $$->value = $2;
            append_branches($$, $5);
            $$->orelse = $7;
            append_branches($$, $10);
        }
    ;

sw_cases
    : %empty { $$ = new_branches(ctx); }
    | sw_cases OPERATOR value body seps
        { $$ = $1; branches_add($$, new_branch(ctx, true, $2, $3, new_target(ctx, DSL_TO_BODY, NULL, $4, P(@4)))); }
    ;

body
    : '{' seps stmts '}' { $$ = $3; }
    | '{' seps stmts statement '}' { $$ = $3; list_add($$, $4); }
    ;

next_opt
    : %empty { $$ = &ctx->no_target; } /* shared: targets are only read once built */
    | ARROW target { $$ = $2; }
    ;

target
    : IDENT { $$ = new_target(ctx, DSL_TO_LABEL, $1, NULL, P(@1)); }
    | STRING { $$ = new_target(ctx, DSL_TO_LABEL, $1, NULL, P(@1)); }
    | END { $$ = new_target(ctx, DSL_TO_END, NULL, NULL, P(@1)); }
    | body { $$ = new_target(ctx, DSL_TO_BODY, NULL, $1, P(@1)); }
    ;

branches
    : %empty { $$ = NULL; }
    | branches branch { $$ = $1 ? $1 : new_branches(ctx); branches_add($$, $2); }
    ;

branch
    : BNL bname ARROW target { $$ = new_branch(ctx, false, $2, NULL, $4); }
    | BNL OPERATOR value next_opt { $$ = new_branch(ctx, true, $2, $3, $4); }
    ;

bname
    : IDENT
    | TRUE
    | FALSE
    ;

value
    : STRING
    | NUMBER
    | DURATION
    | REF
    | IDENT
    | TRUE
    | FALSE
    | NULL_
    | map
    | list
    ;

map
    : '{' seps '}' { $$ = make_map(ctx, NULL, P(@$)); }
    | '{' seps entries seps '}' { $$ = make_map(ctx, $3, P(@$)); free_pairs($3); }
    | '{' seps entries ',' seps '}' { $$ = make_map(ctx, $3, P(@$)); free_pairs($3); }
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
    : '[' seps ']' { $$ = make_list(ctx, NULL, P(@$)); }
    | '[' seps items seps ']' { $$ = make_list(ctx, $3, P(@$)); free_items($3); }
    | '[' seps items ',' seps ']' { $$ = make_list(ctx, $3, P(@$)); free_items($3); }
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
    cc_report(ctx->ds, CC_E101, dsl_place(ctx, *yypcontext_location(pctx)), "%s", msg.data);
    cc_buf_free(&msg);
    ctx->errors++;
    return 0;
}
