/* dsl_lexer.re — the DSL scanner (re2c): the whole input in memory with a NUL sentinel, state in
 * dsl_ctx, no globals. Newlines end statements; a line that starts a branch (`name ->` or a case
 * operator) continues the block above and is announced with BNL; a line starting with `else`
 * continues the statement above silently. */
#include "dsl.h"
#include "dsl_parser.h"

#include <string.h>

/* Column (in characters, 1-based) of p on the current line. Tokens come in order, so the count
 * resumes from the last position asked about instead of restarting at the line's start. */
static uint32_t column_of(dsl_ctx *ctx, const char *p)
{
    if (ctx->ascii)
        return (uint32_t)(p - ctx->line_start) + 1;
    if (ctx->col_at < ctx->line_start || ctx->col_at > p) {
        ctx->col_at = ctx->line_start;
        ctx->col = 1;
    }
    for (const char *q = ctx->col_at; q < p; q++)
        if (((unsigned char)*q & 0xc0) != 0x80)
            ctx->col++;
    ctx->col_at = p;
    return ctx->col;
}

/* Whether the text has no byte above 0x7f, eight bytes at a time. */
static bool all_ascii(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull)
            return false;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Line (1-based) holding byte offset off. Most questions are about the last few lines scanned. */
static uint32_t line_of(const dsl_ctx *ctx, uint32_t off)
{
    size_t n = ctx->lines.len;
    for (size_t back = 1; back <= 4 && back <= n; back++)
        if (off >= ctx->lines.items[n - back])
            return (uint32_t)(n - back + 1);
    size_t lo = 0, hi = ctx->lines.len;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (ctx->lines.items[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo + 1;
}

static uint32_t column_at(const dsl_ctx *ctx, uint32_t line, uint32_t off)
{
    if (ctx->ascii) /* one byte, one character */
        return off - ctx->lines.items[line - 1] + 1;
    uint32_t col = 1;
    for (uint32_t i = ctx->lines.items[line - 1]; i < off; i++)
        if (((unsigned char)ctx->text[i] & 0xc0) != 0x80)
            col++;
    return col;
}

cc_loc dsl_place(dsl_ctx *ctx, dsl_loc loc)
{
    uint32_t line = line_of(ctx, loc.start);
    uint32_t last = loc.end > loc.start ? loc.end - 1 : loc.start;
    uint32_t end_line = line_of(ctx, last);
    return (cc_loc){ctx->file, line, column_at(ctx, line, loc.start), end_line, column_at(ctx, end_line, last)};
}

static cc_loc span(dsl_ctx *ctx, const char *from, const char *to)
{
    uint32_t c = column_of(ctx, from);
    uint32_t e = to > from ? column_of(ctx, to - 1) : c;
    return (cc_loc){ctx->file, ctx->line, c, ctx->line, e};
}

static cc_node *scalar(dsl_ctx *ctx, const char *s, size_t n, bool plain, cc_loc loc)
{
    cc_node *node = cc_arena_alloc(ctx->arena, sizeof *node);
    node->type = CC_NODE_SCALAR;
    node->plain = plain;
    node->loc = loc;
    node->text = cc_arena_strndup(ctx->arena, s, n);
    node->len = n;
    return node;
}

static const char *const operators[] = {"equals", "contains", "starts_with", "ends_with", "greater_than",
                                        "less_than", "greater_or_equal", "less_or_equal", "percent"};

static bool is_operator(const char *s, size_t n)
{
    /* cheap rejection: identifiers are mostly not operators */
    if (n < 6 || n > 16 || !(s[0] == 'e' || s[0] == 'c' || s[0] == 'l' || s[0] == 's' || s[0] == 'g' || s[0] == 'p'))
        return false;
    for (size_t i = 0; i < CC_ARRAY_LEN(operators); i++)
        if (operators[i][0] == s[0] && strlen(operators[i]) == n && !memcmp(operators[i], s, n))
            return true;
    return false;
}

/* The keyword token of an identifier, or IDENT / OPERATOR. */
static int word_token(const char *s, size_t n)
{
    static const struct {
        const char *word;
        unsigned char len;
        int token;
    } keywords[] = {{"flow", 4, FLOW}, {"if", 2, IF},     {"else", 4, ELSE}, {"switch", 6, SWITCH}, {"goto", 4, GOTO},
                    {"end", 3, END},   {"true", 4, TRUE}, {"false", 5, FALSE}, {"null", 4, NULL_}};
    if (n <= 6 && strchr("fiesgtn", s[0]))
        for (size_t i = 0; i < CC_ARRAY_LEN(keywords); i++)
            if (keywords[i].len == n && keywords[i].word[0] == s[0] && !memcmp(keywords[i].word, s, n))
                return keywords[i].token;
    return is_operator(s, n) ? OPERATOR : IDENT;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void put_utf8(cc_buf *b, unsigned cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80)
        out[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    else if (cp < 0x10000)
        out[0] = (char)(0xe0 | cp >> 12), out[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
        out[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    else
        out[0] = (char)(0xf0 | cp >> 18), out[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    cc_buf_put(b, out, n);
}

/* Unescapes the body of a string literal (between the quotes); reports bad escapes. */
static cc_node *string_literal(dsl_ctx *ctx, const char *s, const char *e, cc_loc loc)
{
    if (!memchr(s, '\\', (size_t)(e - s)))
        return scalar(ctx, s, (size_t)(e - s), false, loc); /* no escapes: the text as it stands */
    cc_buf b = {0};
    cc_buf_put(&b, "", 0);
    for (const char *p = s; p < e; p++) {
        if (*p != '\\') {
            cc_buf_putc(&b, *p);
            continue;
        }
        const char *esc = p++;
        switch (*p) {
        case 'n': cc_buf_putc(&b, '\n'); break;
        case 't': cc_buf_putc(&b, '\t'); break;
        case 'r': cc_buf_putc(&b, '\r'); break;
        case '0': cc_buf_putc(&b, '\0'); break;
        case '"': cc_buf_putc(&b, '"'); break;
        case '\\': cc_buf_putc(&b, '\\'); break;
        case 'x':
            if (p + 2 < e + 1 && hexval(p[1]) >= 0 && hexval(p[2]) >= 0 && hexval(p[1]) < 8) {
                cc_buf_putc(&b, (char)(hexval(p[1]) * 16 + hexval(p[2])));
                p += 2;
                break;
            }
            cc_report(ctx->ds, CC_E101, span(ctx, esc, p + 1), "'\\x' takes two hex digits of an ASCII character (00 to 7f)");
            ctx->errors++;
            break;
        case 'u': {
            unsigned cp = 0;
            int k;
            for (k = 1; k <= 4 && p + k < e && hexval(p[k]) >= 0; k++)
                cp = cp * 16 + (unsigned)hexval(p[k]);
            if (k == 5 && !(cp >= 0xd800 && cp <= 0xdfff)) {
                put_utf8(&b, cp);
                p += 4;
                break;
            }
            cc_report(ctx->ds, CC_E101, span(ctx, esc, p + 1), "'\\u' takes four hex digits of a Unicode character");
            ctx->errors++;
            break;
        }
        default:
            cc_report(ctx->ds, CC_E101, span(ctx, esc, p + 1),
                      "unknown escape '\\%c'; strings know \\n \\t \\r \\0 \\\" \\\\ \\xHH \\uHHHH", *p);
            ctx->errors++;
            break;
        }
    }
    cc_node *n = scalar(ctx, b.data, b.len, false, loc);
    cc_buf_free(&b);
    return n;
}

static void add_comment(dsl_ctx *ctx, const char *hash, const char *end)
{
    if (!ctx->comments)
        return;
    bool trailing = false;
    for (const char *q = ctx->line_start; q < hash; q++)
        if (*q != ' ' && *q != '\t')
            trailing = true;
    cc_comment c = {ctx->line, trailing, cc_arena_strndup(ctx->arena, hash + 1, (size_t)(end - hash - 1))};
    cc_vec_push(ctx->comments, c);
}

/* After a newline: what the next line that holds a token starts with. */
typedef enum { NEXT_STATEMENT, NEXT_BRANCH, NEXT_ELSE, NEXT_EOF } next_line;

static next_line peek_line(const char *p, const char *lim)
{
    for (;;) {
        while (p < lim && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p >= lim)
            return NEXT_EOF;
        if (*p != '#')
            break;
        while (p < lim && *p != '\n')
            p++;
    }
    const char *w = p;
    while (p < lim && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                       *p == '-'))
        p++;
    if (p == w)
        return NEXT_STATEMENT;
    size_t n = (size_t)(p - w);
    if (n == 4 && !memcmp(w, "else", 4))
        return NEXT_ELSE;
    if (is_operator(w, n))
        return NEXT_BRANCH;
    while (p < lim && (*p == ' ' || *p == '\t'))
        p++;
    return p + 1 < lim && p[0] == '-' && p[1] == '>' ? NEXT_BRANCH : NEXT_STATEMENT;
}

/* Whether the line starting at p holds nothing but blanks and perhaps a comment. */
static bool line_is_empty(const char *p, const char *lim)
{
    while (p < lim && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p >= lim || *p == '\n' || *p == '#';
}

static bool valid_utf8_span(const char *s, const char *e) { return cc_utf8_valid(s, (size_t)(e - s)); }

#define OFFSETS(from, to) ((dsl_loc){(uint32_t)((from) - ctx->text), (uint32_t)((to) - ctx->text)})

int dsl_lex(DSL_STYPE *lval, dsl_loc *lloc, dsl_ctx *ctx)
{
    if (!ctx->lines.len) {
        cc_vec_push(&ctx->lines, 0u);
        ctx->ascii = all_ascii(ctx->text, (size_t)(ctx->lim - ctx->text));
    }
    for (;;) {
        ctx->tok = ctx->cur;
        const char *YYMARKER = NULL;
        /*!re2c
            re2c:api:style = free-form;
            re2c:define:YYCTYPE = "unsigned char";
            re2c:define:YYCURSOR = "ctx->cur";
            re2c:define:YYMARKER = "YYMARKER";
            re2c:yyfill:enable = 0;
            re2c:flags:utf-8 = 0;

            ident    = [a-zA-Z_][a-zA-Z0-9_-]*;
            digits   = [0-9]+;
            number   = "-"? digits ("." digits)?;
            duration = [+-]? digits ("ms" | "s" | "m" | "h" | "d");
            refpart  = [a-zA-Z0-9_] [a-zA-Z0-9_:-]*;
            ref      = "$." refpart ("." refpart)*;
            strchar  = [^"\\\n\x00] | "\\" [^\n\x00];

            "\x00" {
                if (ctx->tok < ctx->lim) {
                    *lloc = OFFSETS(ctx->tok, ctx->cur);
                    cc_report(ctx->ds, CC_E101, span(ctx, ctx->tok, ctx->cur), "a NUL byte; a flow file is UTF-8 text");
                    ctx->errors++;
                    continue;
                }
                ctx->cur--; /* stay on the sentinel */
                *lloc = OFFSETS(ctx->tok, ctx->tok);
                if (!ctx->saw_eof_nl) {
                    ctx->saw_eof_nl = true; /* the last line ends like any other */
                    return NL;
                }
                return DSL_EOF;
            }
            [ \t\r]+ { continue; }
            "#" [^\n\x00]* { add_comment(ctx, ctx->tok, ctx->cur); continue; }
            "\n" {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                ctx->line++;
                ctx->line_start = ctx->cur;
                cc_vec_push(&ctx->lines, (uint32_t)(ctx->cur - ctx->text));
                if (line_is_empty(ctx->cur, ctx->lim))
                    continue; /* blank and comment-only lines: the newline that ends them speaks */
                switch (peek_line(ctx->cur, ctx->lim)) {
                case NEXT_BRANCH: return BNL;
                case NEXT_ELSE: continue;
                default: return NL;
                }
            }
            "->" { *lloc = OFFSETS(ctx->tok, ctx->cur); return ARROW; }
            [{}[\]:,] { *lloc = OFFSETS(ctx->tok, ctx->cur); return (unsigned char)*ctx->tok; }
            duration {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                lval->node = scalar(ctx, ctx->tok, (size_t)(ctx->cur - ctx->tok), true, span(ctx, ctx->tok, ctx->cur));
                return DURATION;
            }
            number {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                lval->node = scalar(ctx, ctx->tok, (size_t)(ctx->cur - ctx->tok), true, span(ctx, ctx->tok, ctx->cur));
                return NUMBER;
            }
            ref {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                lval->node = scalar(ctx, ctx->tok, (size_t)(ctx->cur - ctx->tok), true, span(ctx, ctx->tok, ctx->cur));
                return REF;
            }
            ident {
                size_t n = (size_t)(ctx->cur - ctx->tok);
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                lval->node = scalar(ctx, ctx->tok, n, true, span(ctx, ctx->tok, ctx->cur));
                return word_token(ctx->tok, n);
            }
            ["] strchar* ["] {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                if (!valid_utf8_span(ctx->tok, ctx->cur)) {
                    cc_report(ctx->ds, CC_E101, span(ctx, ctx->tok, ctx->cur), "a string that is not valid UTF-8");
                    ctx->errors++;
                }
                lval->node = string_literal(ctx, ctx->tok + 1, ctx->cur - 1, span(ctx, ctx->tok, ctx->cur));
                return STRING;
            }
            ["] strchar* {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                cc_report(ctx->ds, CC_E101, span(ctx, ctx->tok, ctx->cur), "a string without its closing '\"' before the end of the line");
                ctx->errors++;
                lval->node = string_literal(ctx, ctx->tok + 1, ctx->cur, span(ctx, ctx->tok, ctx->cur));
                return STRING;
            }
            * {
                *lloc = OFFSETS(ctx->tok, ctx->cur);
                unsigned char c = (unsigned char)*ctx->tok;
                if (c >= 0x80) {
                    /* skip the rest of a UTF-8 sequence so the column stays right */
                    while (((unsigned char)*ctx->cur & 0xc0) == 0x80)
                        ctx->cur++;
                    cc_report(ctx->ds, CC_E101, span(ctx, ctx->tok, ctx->cur), "unexpected character outside a string; text goes in \"quotes\"");
                } else if (c == '$')
                    cc_report(ctx->ds, CC_E101, span(ctx, ctx->tok, ctx->cur), "a reference is '$.' followed by a path, such as $.Attributes.tier");
                else
                    cc_report(ctx->ds, CC_E101, span(ctx, ctx->tok, ctx->cur), "unexpected character '%c'", c >= 0x20 && c < 0x7f ? c : '?');
                ctx->errors++;
                return BAD;
            }
        */
    }
}
