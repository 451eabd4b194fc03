/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

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

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_DSL_BUILD_ASAN_GEN_DSL_PARSER_H_INCLUDED
# define YY_DSL_BUILD_ASAN_GEN_DSL_PARSER_H_INCLUDED
/* Debug traces.  */
#ifndef DSL_DEBUG
# if defined YYDEBUG
#if YYDEBUG
#   define DSL_DEBUG 1
#  else
#   define DSL_DEBUG 0
#  endif
# else /* ! defined YYDEBUG */
#  define DSL_DEBUG 0
# endif /* ! defined YYDEBUG */
#endif  /* ! defined DSL_DEBUG */
#if DSL_DEBUG
extern int dsl_debug;
#endif
/* "%code requires" blocks.  */

#include "dsl.h"
typedef CC_VEC(cc_pair) dsl_pairs;
typedef CC_VEC(cc_node *) dsl_items;


/* Token kinds.  */
#ifndef DSL_TOKENTYPE
# define DSL_TOKENTYPE
  enum dsl_tokentype
  {
    DSL_EMPTY = -2,
    DSL_EOF = 0,                   /* "end of file"  */
    DSL_error = 256,               /* error  */
    DSL_UNDEF = 257,               /* "invalid token"  */
    IDENT = 258,                   /* "identifier"  */
    OPERATOR = 259,                /* "operator"  */
    STRING = 260,                  /* "string"  */
    NUMBER = 261,                  /* "number"  */
    DURATION = 262,                /* "duration"  */
    REF = 263,                     /* "reference"  */
    TRUE = 264,                    /* "true"  */
    FALSE = 265,                   /* "false"  */
    NULL_ = 266,                   /* "null"  */
    FLOW = 267,                    /* "flow"  */
    IF = 268,                      /* "if"  */
    ELSE = 269,                    /* "else"  */
    SWITCH = 270,                  /* "switch"  */
    GOTO = 271,                    /* "goto"  */
    END = 272,                     /* "end"  */
    ARROW = 273,                   /* "->"  */
    NL = 274,                      /* "end of line"  */
    BNL = 275,                     /* "branch line"  */
    BAD = 276                      /* "invalid character"  */
  };
  typedef enum dsl_tokentype dsl_token_kind_t;
#endif

/* Value type.  */
#if ! defined DSL_STYPE && ! defined DSL_STYPE_IS_DECLARED
union DSL_STYPE
{

    cc_node *node;
    dsl_stmt *stmt;
    dsl_stmts *stmts;
    dsl_target target;
    dsl_branch branch;
    dsl_branches *branches;
    dsl_pairs *pairs;
    dsl_items *items;


};
typedef union DSL_STYPE DSL_STYPE;
# define DSL_STYPE_IS_TRIVIAL 1
# define DSL_STYPE_IS_DECLARED 1
#endif

/* Location type.  */
typedef cc_loc DSL_LTYPE;




int dsl_parse (dsl_ctx *ctx);

/* "%code provides" blocks.  */

int dsl_lex(DSL_STYPE *lval, cc_loc *lloc, dsl_ctx *ctx);


#endif /* !YY_DSL_BUILD_ASAN_GEN_DSL_PARSER_H_INCLUDED  */
