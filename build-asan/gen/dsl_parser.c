/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1

/* Substitute the type names.  */
#define YYSTYPE         DSL_STYPE
#define YYLTYPE         DSL_LTYPE
/* Substitute the variable and function names.  */
#define yyparse         dsl_parse
#define yylex           dsl_lex
#define yyerror         dsl_error
#define yydebug         dsl_debug
#define yynerrs         dsl_nerrs


# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "dsl_parser.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_IDENT = 3,                      /* "identifier"  */
  YYSYMBOL_OPERATOR = 4,                   /* "operator"  */
  YYSYMBOL_STRING = 5,                     /* "string"  */
  YYSYMBOL_NUMBER = 6,                     /* "number"  */
  YYSYMBOL_DURATION = 7,                   /* "duration"  */
  YYSYMBOL_REF = 8,                        /* "reference"  */
  YYSYMBOL_TRUE = 9,                       /* "true"  */
  YYSYMBOL_FALSE = 10,                     /* "false"  */
  YYSYMBOL_NULL_ = 11,                     /* "null"  */
  YYSYMBOL_FLOW = 12,                      /* "flow"  */
  YYSYMBOL_IF = 13,                        /* "if"  */
  YYSYMBOL_ELSE = 14,                      /* "else"  */
  YYSYMBOL_SWITCH = 15,                    /* "switch"  */
  YYSYMBOL_GOTO = 16,                      /* "goto"  */
  YYSYMBOL_END = 17,                       /* "end"  */
  YYSYMBOL_ARROW = 18,                     /* "->"  */
  YYSYMBOL_NL = 19,                        /* "end of line"  */
  YYSYMBOL_BNL = 20,                       /* "branch line"  */
  YYSYMBOL_BAD = 21,                       /* "invalid character"  */
  YYSYMBOL_22_ = 22,                       /* ':'  */
  YYSYMBOL_23_ = 23,                       /* '{'  */
  YYSYMBOL_24_ = 24,                       /* '}'  */
  YYSYMBOL_25_ = 25,                       /* ','  */
  YYSYMBOL_26_ = 26,                       /* '['  */
  YYSYMBOL_27_ = 27,                       /* ']'  */
  YYSYMBOL_YYACCEPT = 28,                  /* $accept  */
  YYSYMBOL_file = 29,                      /* file  */
  YYSYMBOL_seps = 30,                      /* seps  */
  YYSYMBOL_header = 31,                    /* header  */
  YYSYMBOL_header_map = 32,                /* header_map  */
  YYSYMBOL_stmts = 33,                     /* stmts  */
  YYSYMBOL_statement = 34,                 /* statement  */
  YYSYMBOL_label = 35,                     /* label  */
  YYSYMBOL_core = 36,                      /* core  */
  YYSYMBOL_block = 37,                     /* block  */
  YYSYMBOL_loop = 38,                      /* loop  */
  YYSYMBOL_if_stmt = 39,                   /* if_stmt  */
  YYSYMBOL_if_head = 40,                   /* if_head  */
  YYSYMBOL_else_opt = 41,                  /* else_opt  */
  YYSYMBOL_switch_stmt = 42,               /* switch_stmt  */
  YYSYMBOL_sw_cases = 43,                  /* sw_cases  */
  YYSYMBOL_body = 44,                      /* body  */
  YYSYMBOL_next_opt = 45,                  /* next_opt  */
  YYSYMBOL_target = 46,                    /* target  */
  YYSYMBOL_branches = 47,                  /* branches  */
  YYSYMBOL_branch = 48,                    /* branch  */
  YYSYMBOL_bname = 49,                     /* bname  */
  YYSYMBOL_value = 50,                     /* value  */
  YYSYMBOL_scalar = 51,                    /* scalar  */
  YYSYMBOL_map = 52,                       /* map  */
  YYSYMBOL_entries = 53,                   /* entries  */
  YYSYMBOL_key = 54,                       /* key  */
  YYSYMBOL_list = 55,                      /* list  */
  YYSYMBOL_items = 56                      /* items  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */

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


#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_uint8 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_USE_ALLOCA
#  if YYSTACK_USE_ALLOCA
#   ifdef __GNUC__
#    define YYSTACK_ALLOC __builtin_alloca
#   elif defined __BUILTIN_VA_ARG_INCR
#    include <alloca.h> /* INFRINGES ON USER NAME SPACE */
#   elif defined _AIX
#    define YYSTACK_ALLOC __alloca
#   elif defined _MSC_VER
#    include <malloc.h> /* INFRINGES ON USER NAME SPACE */
#    define alloca _alloca
#   else
#    define YYSTACK_ALLOC alloca
#    if ! defined _ALLOCA_H && ! defined EXIT_SUCCESS
#     include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
      /* Use EXIT_SUCCESS as a witness for stdlib.h.  */
#     ifndef EXIT_SUCCESS
#      define EXIT_SUCCESS 0
#     endif
#    endif
#   endif
#  endif
# endif

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined DSL_LTYPE_IS_TRIVIAL && DSL_LTYPE_IS_TRIVIAL \
             && defined DSL_STYPE_IS_TRIVIAL && DSL_STYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  3
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   239

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  28
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  29
/* YYNRULES -- Number of rules.  */
#define YYNRULES  74
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  139

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   276


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,    25,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,    22,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    26,     2,    27,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    23,     2,    24,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21
};

#if DSL_DEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,   176,   176,   180,   181,   182,   186,   187,   191,   192,
     196,   197,   198,   202,   203,   204,   208,   209,   213,   214,
     215,   216,   220,   221,   226,   231,   240,   253,   254,   255,
     259,   268,   281,   282,   287,   288,   292,   293,   297,   298,
     299,   300,   304,   305,   309,   310,   314,   315,   316,   320,
     321,   322,   326,   327,   328,   329,   330,   331,   332,   333,
     337,   338,   339,   343,   344,   348,   349,   350,   351,   352,
     356,   357,   358,   362,   363
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "identifier", "operator",
  "string", "number", "duration", "reference", "true", "false", "null",
  "flow", "if", "else", "switch", "goto", "end", "->", "end of line",
  "branch line", "invalid character", "':'", "'{'", "'}'", "','", "'['",
  "']'", "$accept", "file", "seps", "header", "header_map", "stmts",
  "statement", "label", "core", "block", "loop", "if_stmt", "if_head",
  "else_opt", "switch_stmt", "sw_cases", "body", "next_opt", "target",
  "branches", "branch", "bname", "value", "scalar", "map", "entries",
  "key", "list", "items", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-71)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-3)

#define yytable_value_is_error(Yyn) \
  0

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
     -71,     6,    93,   -71,     1,    19,   -71,   -71,   -71,   -71,
      31,   223,    16,   -71,     9,   -71,    20,   145,    45,    34,
      72,    35,    38,    48,   -71,   -71,   -71,   -71,   -71,   -71,
     198,   -71,   -71,   -71,   -71,   -71,   -71,   -71,   -71,   -71,
     -71,    35,   -71,   -71,   -71,    42,   -71,   -71,   -71,   -71,
      78,    60,   -71,   -71,   -71,   -71,   -71,   -71,   -71,   167,
     -71,    75,   -71,   -71,   -71,   -71,   -71,   -71,    71,    77,
      16,    16,   -71,    81,    75,    79,   -71,   189,   -71,    16,
      16,   107,   -71,   -71,   113,   -71,   -71,   -71,    84,   -71,
      75,    80,    16,    40,   -71,   189,   -71,   -71,    88,   201,
     -71,     7,   -71,    51,    75,   100,     5,   -71,    49,    79,
      35,   -71,    96,   -71,   120,   -71,    -2,   -71,   189,    80,
     -71,   -71,   -71,   -71,   -71,   -71,   -71,   -71,   -71,    80,
     -71,    75,     7,   -71,   125,   -71,    16,   -71,    75
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       3,     0,     0,     1,     0,     0,     4,     5,    10,     3,
       8,     0,     7,     3,     0,     9,     0,    36,     0,     0,
       0,     0,     0,     0,    13,    18,    19,    20,    42,    21,
       0,     3,     3,    56,    52,    53,    54,    55,    57,    58,
      59,     0,    16,     3,    42,    36,    49,    50,    51,    17,
       0,     0,    38,    39,    40,     3,    41,    15,     3,    36,
      14,    25,    65,    67,    66,    68,    69,    60,     3,     0,
       6,    12,    37,     0,    22,    36,    42,     0,     3,    10,
      11,     0,    43,     3,     0,     3,    70,    73,     3,    42,
      23,     0,    32,     0,    46,     0,    47,    48,     0,     0,
      61,     0,     3,     0,    24,    27,     0,    34,     0,    36,
       0,    62,     0,    63,     0,    71,     0,    26,     0,     0,
      42,    35,    45,    44,     3,    72,    74,    29,    28,     0,
       3,    30,     0,     3,     0,    64,    33,    42,    31
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int8 yypgoto[] =
{
     -71,   -71,    -9,   -71,   -71,    23,    26,   -71,    97,   -71,
     -71,   -71,    18,   -71,   -71,   -71,   -44,   -43,   -33,   -39,
     -71,   -71,   -70,   -71,   112,   -71,    36,   -71,   -71
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_int8 yydefgoto[] =
{
       0,     1,     2,     8,    14,    11,    22,    23,    24,    25,
      26,    27,    28,   117,    29,   106,    56,    44,    57,    61,
      82,    98,    45,    46,    47,    68,    69,    48,    88
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int16 yytable[] =
{
      12,    75,    76,    87,    30,    74,     3,    91,    72,   118,
      33,    19,    34,    35,    36,    37,    38,    39,    40,   119,
       9,    55,    70,    71,    10,   109,     6,     7,    31,   120,
      13,   113,    89,    43,    73,     6,     7,    90,    52,    32,
      53,    16,    50,    17,   126,    18,    79,   105,   129,    80,
     104,    59,    54,    19,    13,    20,    21,    58,    55,    84,
      41,    19,   135,    20,   107,    55,   122,    49,    58,    92,
       6,     7,   128,   121,    99,   130,   101,   123,   115,   103,
      51,   131,    77,    78,    33,   133,    34,    35,    36,    37,
      38,    39,    40,   114,     4,    81,    83,    41,   138,    85,
       6,     7,    93,    55,    13,     5,   110,    43,    86,   102,
      94,    95,     6,     7,   116,   132,    96,    97,   124,   108,
      60,   134,    15,    33,   136,    34,    35,    36,    37,    38,
      39,    40,     6,     7,   127,   112,     0,   100,     0,     6,
       7,     0,     0,    13,     6,     7,    43,   125,    33,   137,
      34,    35,    36,    37,    38,    39,    40,     0,     0,     0,
       0,     0,     0,    41,     0,     0,     0,    42,    13,     0,
      33,    43,    34,    35,    36,    37,    38,    39,    40,     0,
       0,     0,     0,     0,     0,    41,     0,     0,     0,     0,
      13,     0,    33,    43,    34,    35,    36,    37,    38,    39,
      40,    62,    63,    64,    62,    63,    64,    65,    66,     0,
      65,    66,    13,     0,     0,    43,     0,     6,     7,     0,
       6,     7,    67,    -2,    16,   111,    17,     0,    18,     0,
       0,     0,     0,     0,     0,     0,    19,     0,    20,    21
};

static const yytype_int16 yycheck[] =
{
       9,    45,    45,    73,    13,    44,     0,    77,    41,     4,
       3,    13,     5,     6,     7,     8,     9,    10,    11,    14,
      19,    23,    31,    32,     5,    95,    19,    20,    19,    24,
      23,   101,    75,    26,    43,    19,    20,    76,     3,    19,
       5,     1,     8,     3,   114,     5,    55,    91,   118,    58,
      89,     3,    17,    13,    23,    15,    16,    19,    23,    68,
      18,    13,   132,    15,    24,    23,   109,    22,    19,    78,
      19,    20,   116,    24,    83,   119,    85,   110,    27,    88,
       8,   120,     4,    23,     3,   129,     5,     6,     7,     8,
       9,    10,    11,   102,     1,    20,    25,    18,   137,    22,
      19,    20,    79,    23,    23,    12,    18,    26,    27,    25,
       3,     4,    19,    20,    14,   124,     9,    10,    22,    93,
      23,   130,    10,     3,   133,     5,     6,     7,     8,     9,
      10,    11,    19,    20,   116,    99,    -1,    24,    -1,    19,
      20,    -1,    -1,    23,    19,    20,    26,    27,     3,    24,
       5,     6,     7,     8,     9,    10,    11,    -1,    -1,    -1,
      -1,    -1,    -1,    18,    -1,    -1,    -1,    22,    23,    -1,
       3,    26,     5,     6,     7,     8,     9,    10,    11,    -1,
      -1,    -1,    -1,    -1,    -1,    18,    -1,    -1,    -1,    -1,
      23,    -1,     3,    26,     5,     6,     7,     8,     9,    10,
      11,     3,     4,     5,     3,     4,     5,     9,    10,    -1,
       9,    10,    23,    -1,    -1,    26,    -1,    19,    20,    -1,
      19,    20,    24,     0,     1,    24,     3,    -1,     5,    -1,
      -1,    -1,    -1,    -1,    -1,    -1,    13,    -1,    15,    16
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    29,    30,     0,     1,    12,    19,    20,    31,    19,
       5,    33,    30,    23,    32,    52,     1,     3,     5,    13,
      15,    16,    34,    35,    36,    37,    38,    39,    40,    42,
      30,    19,    19,     3,     5,     6,     7,     8,     9,    10,
      11,    18,    22,    26,    45,    50,    51,    52,    55,    22,
       8,     8,     3,     5,    17,    23,    44,    46,    19,     3,
      36,    47,     3,     4,     5,     9,    10,    24,    53,    54,
      30,    30,    46,    30,    47,    44,    45,     4,    23,    30,
      30,    20,    48,    25,    30,    22,    27,    50,    56,    45,
      47,    50,    30,    33,     3,     4,     9,    10,    49,    30,
      24,    30,    25,    30,    47,    44,    43,    24,    34,    50,
      18,    24,    54,    50,    30,    27,    14,    41,     4,    14,
      24,    24,    45,    46,    22,    27,    50,    40,    44,    50,
      44,    47,    30,    44,    30,    50,    30,    24,    47
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    28,    29,    30,    30,    30,    31,    31,    32,    32,
      33,    33,    33,    34,    34,    34,    35,    35,    36,    36,
      36,    36,    37,    37,    38,    39,    40,    41,    41,    41,
      42,    42,    43,    43,    44,    44,    45,    45,    46,    46,
      46,    46,    47,    47,    48,    48,    49,    49,    49,    50,
      50,    50,    51,    51,    51,    51,    51,    51,    51,    51,
      52,    52,    52,    53,    53,    54,    54,    54,    54,    54,
      55,    55,    55,    56,    56
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     3,     0,     2,     2,     5,     3,     0,     1,
       0,     4,     4,     1,     2,     2,     2,     2,     1,     1,
       1,     1,     3,     4,     5,     2,     6,     0,     2,     2,
       7,    10,     0,     5,     4,     5,     0,     2,     1,     1,
       1,     1,     0,     2,     4,     4,     1,     1,     1,     1,
       1,     1,     1,     1,     1,     1,     1,     1,     1,     1,
       3,     5,     6,     4,     7,     1,     1,     1,     1,     1,
       3,     5,     6,     1,     4
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = DSL_EMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == DSL_EMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, ctx, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use DSL_error or DSL_UNDEF. */
#define YYERRCODE DSL_UNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if DSL_DEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined DSL_LTYPE_IS_TRIVIAL && DSL_LTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, ctx); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, dsl_ctx *ctx)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (ctx);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, dsl_ctx *ctx)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, ctx);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, dsl_ctx *ctx)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), ctx);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, ctx); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !DSL_DEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !DSL_DEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  int yyn = yypact[+*yyctx->yyssp];
  if (!yypact_value_is_default (yyn))
    {
      /* Start YYX at -YYN if negative to avoid negative indexes in
         YYCHECK.  In other words, skip the first -YYN actions for
         this state because they are default actions.  */
      int yyxbegin = yyn < 0 ? -yyn : 0;
      /* Stay within bounds of both yycheck and yytname.  */
      int yychecklim = YYLAST - yyn + 1;
      int yyxend = yychecklim < YYNTOKENS ? yychecklim : YYNTOKENS;
      int yyx;
      for (yyx = yyxbegin; yyx < yyxend; ++yyx)
        if (yycheck[yyx + yyn] == yyx && yyx != YYSYMBOL_YYerror
            && !yytable_value_is_error (yytable[yyx + yyn]))
          {
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = YY_CAST (yysymbol_kind_t, yyx);
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




/* The kind of the lookahead of this context.  */
static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx)
{
  return yyctx->yytoken;
}

/* The location of the lookahead of this context.  */
static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx)
{
  return yyctx->yylloc;
}

/* User defined function to report a syntax error.  */
static int
yyreport_syntax_error (const yypcontext_t *yyctx, dsl_ctx *ctx);

/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, dsl_ctx *ctx)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (ctx);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  switch (yykind)
    {
    case YYSYMBOL_stmts: /* stmts  */
            { dsl_stmts_free(((*yyvaluep).stmts)); }
        break;

    case YYSYMBOL_statement: /* statement  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_core: /* core  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_block: /* block  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_loop: /* loop  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_if_stmt: /* if_stmt  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_if_head: /* if_head  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_else_opt: /* else_opt  */
            { dsl_stmts_free(((*yyvaluep).stmts)); }
        break;

    case YYSYMBOL_switch_stmt: /* switch_stmt  */
            { dsl_stmt_free(((*yyvaluep).stmt)); }
        break;

    case YYSYMBOL_sw_cases: /* sw_cases  */
            { free_branches(((*yyvaluep).branches)); }
        break;

    case YYSYMBOL_body: /* body  */
            { dsl_stmts_free(((*yyvaluep).stmts)); }
        break;

    case YYSYMBOL_next_opt: /* next_opt  */
            { dsl_target_free(&((*yyvaluep).target)); }
        break;

    case YYSYMBOL_target: /* target  */
            { dsl_target_free(&((*yyvaluep).target)); }
        break;

    case YYSYMBOL_branches: /* branches  */
            { free_branches(((*yyvaluep).branches)); }
        break;

    case YYSYMBOL_branch: /* branch  */
            { dsl_target_free(&((*yyvaluep).branch).target); }
        break;

    case YYSYMBOL_entries: /* entries  */
            { free_pairs(((*yyvaluep).pairs)); }
        break;

    case YYSYMBOL_items: /* items  */
            { free_items(((*yyvaluep).items)); }
        break;

      default:
        break;
    }
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (dsl_ctx *ctx)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined DSL_LTYPE_IS_TRIVIAL && DSL_LTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];



#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = DSL_EMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == DSL_EMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, ctx);
    }

  if (yychar <= DSL_EOF)
    {
      yychar = DSL_EOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == DSL_error)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = DSL_UNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    goto yydefault;
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = DSL_EMPTY;
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  switch (yyn)
    {
  case 2: /* file: seps header stmts  */
                        { ctx->stmts = (yyvsp[0].stmts); }
    break;

  case 6: /* header: "flow" "string" header_map "end of line" seps  */
                                     { ctx->flow_name = (yyvsp[-3].node); ctx->header = (yyvsp[-2].node); ctx->flow_loc = (yylsp[-4]); ctx->saw_header = true; }
    break;

  case 7: /* header: error "end of line" seps  */
                    { yyerrok; }
    break;

  case 8: /* header_map: %empty  */
             { (yyval.node) = NULL; }
    break;

  case 10: /* stmts: %empty  */
             { (yyval.stmts) = new_stmts(); }
    break;

  case 11: /* stmts: stmts statement "end of line" seps  */
                              { (yyval.stmts) = (yyvsp[-3].stmts); cc_vec_push((yyval.stmts), (yyvsp[-2].stmt)); }
    break;

  case 12: /* stmts: stmts error "end of line" seps  */
                          { (yyval.stmts) = (yyvsp[-3].stmts); yyerrok; }
    break;

  case 14: /* statement: label core  */
                 { (yyval.stmt) = (yyvsp[0].stmt); (yyval.stmt)->label = (yyvsp[-1].node); (yyval.stmt)->loc = (yyloc); }
    break;

  case 15: /* statement: "goto" target  */
                  { (yyval.stmt) = new_stmt(DSL_GOTO, (yyloc)); (yyval.stmt)->next = (yyvsp[0].target); }
    break;

  case 16: /* label: "identifier" ':'  */
                { (yyval.node) = (yyvsp[-1].node); }
    break;

  case 17: /* label: "string" ':'  */
                 { (yyval.node) = (yyvsp[-1].node); }
    break;

  case 22: /* block: "identifier" next_opt branches  */
                              { (yyval.stmt) = new_stmt(DSL_BLOCK, (yyloc)); (yyval.stmt)->kind_key = (yyvsp[-2].node); (yyval.stmt)->next = (yyvsp[-1].target); take_branches((yyval.stmt), (yyvsp[0].branches)); }
    break;

  case 23: /* block: "identifier" value next_opt branches  */
        { (yyval.stmt) = new_stmt(DSL_BLOCK, (yyloc)); (yyval.stmt)->kind_key = (yyvsp[-3].node); (yyval.stmt)->value = (yyvsp[-2].node); (yyval.stmt)->next = (yyvsp[-1].target); take_branches((yyval.stmt), (yyvsp[0].branches)); }
    break;

  case 24: /* loop: "identifier" value body next_opt branches  */
        { (yyval.stmt) = new_stmt(DSL_LOOP, (yyloc)); (yyval.stmt)->kind_key = (yyvsp[-4].node); (yyval.stmt)->value = (yyvsp[-3].node); (yyval.stmt)->body = (yyvsp[-2].stmts); (yyval.stmt)->next = (yyvsp[-1].target); take_branches((yyval.stmt), (yyvsp[0].branches)); }
    break;

  case 25: /* if_stmt: if_head branches  */
        {
            (yyval.stmt) = (yyvsp[-1].stmt);
            (yyval.stmt)->loc = (yyloc);
            append_branches((yyval.stmt), (yyvsp[0].branches));
        }
    break;

  case 26: /* if_head: "if" "reference" "operator" value body else_opt  */
        {
            (yyval.stmt) = new_stmt(DSL_IF, (yyloc));
            (yyval.stmt)->kind_key = cc_arena_alloc(ctx->arena, sizeof(cc_node));
            *(yyval.stmt)->kind_key = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = (yylsp[-5]), .text = "if", .len = 2};
            (yyval.stmt)->value = (yyvsp[-4].node);
            dsl_branch c = {true, (yyvsp[-3].node), (yyvsp[-2].node), body_target((yyvsp[-1].stmts), (yylsp[-1]))};
            cc_vec_push(&(yyval.stmt)->branches, c);
            (yyval.stmt)->orelse = (yyvsp[0].stmts);
        }
    break;

  case 27: /* else_opt: %empty  */
             { (yyval.stmts) = NULL; }
    break;

  case 28: /* else_opt: "else" body  */
                { (yyval.stmts) = (yyvsp[0].stmts); }
    break;

  case 29: /* else_opt: "else" if_head  */
                   { (yyval.stmts) = new_stmts(); cc_vec_push((yyval.stmts), (yyvsp[0].stmt)); }
    break;

  case 30: /* switch_stmt: "switch" "reference" '{' seps sw_cases '}' branches  */
        {
            (yyval.stmt) = new_stmt(DSL_SWITCH, (yyloc));
            (yyval.stmt)->kind_key = cc_arena_alloc(ctx->arena, sizeof(cc_node));
            *(yyval.stmt)->kind_key = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = (yylsp[-6]), .text = "switch", .len = 6};
            (yyval.stmt)->value = (yyvsp[-5].node);
            take_branches((yyval.stmt), (yyvsp[-2].branches));
            append_branches((yyval.stmt), (yyvsp[0].branches));
        }
    break;

  case 31: /* switch_stmt: "switch" "reference" '{' seps sw_cases "else" body seps '}' branches  */
        {
            (yyval.stmt) = new_stmt(DSL_SWITCH, (yyloc));
            (yyval.stmt)->kind_key = cc_arena_alloc(ctx->arena, sizeof(cc_node));
            *(yyval.stmt)->kind_key = (cc_node){.type = CC_NODE_SCALAR, .plain = true, .loc = (yylsp[-9]), .text = "switch", .len = 6};
            (yyval.stmt)->value = (yyvsp[-8].node);
            take_branches((yyval.stmt), (yyvsp[-5].branches));
            (yyval.stmt)->orelse = (yyvsp[-3].stmts);
            append_branches((yyval.stmt), (yyvsp[0].branches));
        }
    break;

  case 32: /* sw_cases: %empty  */
             { (yyval.branches) = cc_xcalloc(1, sizeof(dsl_branches)); }
    break;

  case 33: /* sw_cases: sw_cases "operator" value body seps  */
        { (yyval.branches) = (yyvsp[-4].branches); dsl_branch c = {true, (yyvsp[-3].node), (yyvsp[-2].node), body_target((yyvsp[-1].stmts), (yylsp[-1]))}; cc_vec_push((yyval.branches), c); }
    break;

  case 34: /* body: '{' seps stmts '}'  */
                         { (yyval.stmts) = (yyvsp[-1].stmts); }
    break;

  case 35: /* body: '{' seps stmts statement '}'  */
                                   { (yyval.stmts) = (yyvsp[-2].stmts); cc_vec_push((yyval.stmts), (yyvsp[-1].stmt)); }
    break;

  case 36: /* next_opt: %empty  */
             { (yyval.target) = (dsl_target){DSL_TO_NONE, NULL, NULL, (yyloc)}; }
    break;

  case 37: /* next_opt: "->" target  */
                   { (yyval.target) = (yyvsp[0].target); }
    break;

  case 38: /* target: "identifier"  */
            { (yyval.target) = (dsl_target){DSL_TO_LABEL, (yyvsp[0].node), NULL, (yylsp[0])}; }
    break;

  case 39: /* target: "string"  */
             { (yyval.target) = (dsl_target){DSL_TO_LABEL, (yyvsp[0].node), NULL, (yylsp[0])}; }
    break;

  case 40: /* target: "end"  */
          { (yyval.target) = (dsl_target){DSL_TO_END, NULL, NULL, (yylsp[0])}; }
    break;

  case 41: /* target: body  */
           { (yyval.target) = body_target((yyvsp[0].stmts), (yylsp[0])); }
    break;

  case 42: /* branches: %empty  */
             { (yyval.branches) = NULL; }
    break;

  case 43: /* branches: branches branch  */
                      { (yyval.branches) = (yyvsp[-1].branches) ? (yyvsp[-1].branches) : cc_xcalloc(1, sizeof(dsl_branches)); cc_vec_push((yyval.branches), (yyvsp[0].branch)); }
    break;

  case 44: /* branch: "branch line" bname "->" target  */
                             { (yyval.branch) = (dsl_branch){false, (yyvsp[-2].node), NULL, (yyvsp[0].target)}; }
    break;

  case 45: /* branch: "branch line" "operator" value next_opt  */
                                  { (yyval.branch) = (dsl_branch){true, (yyvsp[-2].node), (yyvsp[-1].node), (yyvsp[0].target)}; }
    break;

  case 60: /* map: '{' seps '}'  */
                   { (yyval.node) = make_map(ctx, NULL, (yyloc)); }
    break;

  case 61: /* map: '{' seps entries seps '}'  */
                                { (yyval.node) = make_map(ctx, (yyvsp[-2].pairs), (yyloc)); free_pairs((yyvsp[-2].pairs)); }
    break;

  case 62: /* map: '{' seps entries ',' seps '}'  */
                                    { (yyval.node) = make_map(ctx, (yyvsp[-3].pairs), (yyloc)); free_pairs((yyvsp[-3].pairs)); }
    break;

  case 63: /* entries: key ':' seps value  */
                         { (yyval.pairs) = cc_xcalloc(1, sizeof(dsl_pairs)); cc_pair p = {(yyvsp[-3].node), (yyvsp[0].node)}; cc_vec_push((yyval.pairs), p); }
    break;

  case 64: /* entries: entries ',' seps key ':' seps value  */
                                          { (yyval.pairs) = (yyvsp[-6].pairs); cc_pair p = {(yyvsp[-3].node), (yyvsp[0].node)}; cc_vec_push((yyval.pairs), p); }
    break;

  case 70: /* list: '[' seps ']'  */
                   { (yyval.node) = make_list(ctx, NULL, (yyloc)); }
    break;

  case 71: /* list: '[' seps items seps ']'  */
                              { (yyval.node) = make_list(ctx, (yyvsp[-2].items), (yyloc)); free_items((yyvsp[-2].items)); }
    break;

  case 72: /* list: '[' seps items ',' seps ']'  */
                                  { (yyval.node) = make_list(ctx, (yyvsp[-3].items), (yyloc)); free_items((yyvsp[-3].items)); }
    break;

  case 73: /* items: value  */
            { (yyval.items) = cc_xcalloc(1, sizeof(dsl_items)); cc_vec_push((yyval.items), (yyvsp[0].node)); }
    break;

  case 74: /* items: items ',' seps value  */
                           { (yyval.items) = (yyvsp[-3].items); cc_vec_push((yyval.items), (yyvsp[0].node)); }
    break;



      default: break;
    }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == DSL_EMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yytoken, &yylloc};
        if (yyreport_syntax_error (&yyctx, ctx) == 2)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= DSL_EOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == DSL_EOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, ctx);
          yychar = DSL_EMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, ctx);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, ctx, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != DSL_EMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, ctx);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, ctx);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif

  return yyresult;
}



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
