/* comments.c — finds the comments of a YAML text for `ccflow fmt`, which libyaml does not report:
 * a '#' that starts a line or follows a blank, outside quoted scalars and block scalars. */
#include "doc.h"

#include <string.h>

/* Scanner state that lasts across lines: quoted scalars and flow collections may span lines, and
 * a block scalar (| or >) holds the lines below its header that are indented enough. */
typedef struct {
    enum { OUTSIDE, IN_DOUBLE, IN_SINGLE } quote;
    int flow_depth;
    bool in_block;     /* inside a block scalar's content */
    int block_parent;  /* indentation of the node that holds the block scalar */
    int block_indent;  /* its content's indentation; 0 until its first non-empty line sets it */
    int block_blanks;  /* the most spaces on a blank line before that first line */
} scan_state;

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_flow_indicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

/* Whether the rest of a line after a '|' or '>' is a block scalar header: indentation and chomping
 * indicators, then nothing but blanks or a comment. Sets *increment to the indentation indicator
 * (0 when absent). */
static bool block_scalar_header(const char *p, const char *end, int *increment)
{
    *increment = 0;
    for (; p < end && (*p == '+' || *p == '-' || (*p >= '1' && *p <= '9')); p++)
        if (*p >= '1' && *p <= '9')
            *increment = *p - '0';
    if (p < end && !is_blank(*p) && *p != '\r')
        return false;
    while (p < end && (is_blank(*p) || *p == '\r'))
        p++;
    return p == end || *p == '#';
}

/* The indentation of the node that owns a block scalar header on a line: the column of its key,
 * after any `- ` of sequences, or of the last `-` when the scalar is itself a sequence item. */
static int header_parent(const char *line, const char *header)
{
    const char *p = line;
    while (p < header && *p == ' ')
        p++;
    const char *dash = NULL;
    while (p + 1 < header && *p == '-' && is_blank(p[1])) {
        dash = p;
        for (p++; p < header && is_blank(*p); p++)
            ;
    }
    return (int)((p == header && dash ? dash : p) - line);
}

static void add_comment(cc_arena *arena, cc_comments *out, uint32_t line, bool trailing, const char *from,
                        const char *end)
{
    if (end > from && end[-1] == '\r')
        end--;
    cc_comment c = {line, trailing, cc_arena_strndup(arena, from, (size_t)(end - from))};
    cc_vec_push(out, c);
}

/* Whether a line belongs to the block scalar being read, as libyaml decides: blank lines do, and
 * the first non-empty line fixes the content's indentation (at least one more than its parent and
 * than the blank lines before it); a line indented less ends the scalar. */
static bool block_scalar_line(scan_state *st, int indent, bool blank)
{
    if (blank) {
        if (!st->block_indent && indent > st->block_blanks)
            st->block_blanks = indent;
        return true;
    }
    if (!st->block_indent) {
        st->block_indent = indent > st->block_blanks ? indent : st->block_blanks;
        if (st->block_indent < st->block_parent + 1)
            st->block_indent = st->block_parent + 1;
    }
    if (indent >= st->block_indent)
        return true;
    st->in_block = false;
    return false;
}

/* Scans one line [begin, end). A plain scalar ends at ': ', at ' #', at the end of the line, and
 * in a flow collection at a flow indicator; quotes inside it are literal. */
static void scan_line(cc_arena *arena, scan_state *st, uint32_t line, const char *begin, const char *end,
                      cc_comments *out)
{
    const char *p = begin;
    int indent = 0;
    while (p + indent < end && p[indent] == ' ')
        indent++;
    if (st->in_block) {
        const char *q = p + indent;
        while (q < end && (is_blank(*q) || *q == '\r'))
            q++;
        if (block_scalar_line(st, indent, q == end))
            return;
    }
    bool in_plain = false, in_word = false, seen_text = false;
    for (; p < end; p++) {
        char c = *p;
        if (st->quote == IN_DOUBLE) {
            if (c == '\\' && p + 1 < end)
                p++;
            else if (c == '"')
                st->quote = OUTSIDE;
            continue;
        }
        if (st->quote == IN_SINGLE) {
            if (c == '\'' && p + 1 < end && p[1] == '\'')
                p++;
            else if (c == '\'')
                st->quote = OUTSIDE;
            continue;
        }
        if (is_blank(c) || c == '\r') {
            in_word = false;
            continue;
        }
        if (c == '#' && (p == begin || is_blank(p[-1]))) {
            add_comment(arena, out, line, seen_text, p + 1, end);
            return;
        }
        seen_text = true;
        char next = p + 1 < end ? p[1] : '\n';
        bool next_ends = is_blank(next) || next == '\n' || next == '\r' ||
                         (st->flow_depth > 0 && is_flow_indicator(next));
        if (in_plain) {
            if (c == ':' && next_ends)
                in_plain = false;
            else if (st->flow_depth > 0 && is_flow_indicator(c)) {
                in_plain = false;
                p--; /* the indicator is read again below, outside the scalar */
            }
            continue;
        }
        if (in_word)
            continue; /* the rest of an anchor, alias or tag */
        int increment;
        switch (c) {
        case '"':
            st->quote = IN_DOUBLE;
            break;
        case '\'':
            st->quote = IN_SINGLE;
            break;
        case '[':
        case '{':
            st->flow_depth++;
            break;
        case ']':
        case '}':
            if (st->flow_depth > 0)
                st->flow_depth--;
            break;
        case ',':
            break;
        case '&':
        case '*':
        case '!':
            in_word = true;
            break;
        case '|':
        case '>':
            if (st->flow_depth == 0 && block_scalar_header(p + 1, end, &increment)) {
                st->in_block = true;
                st->block_parent = header_parent(begin, p);
                st->block_indent = increment ? st->block_parent + increment : 0;
                st->block_blanks = 0;
                const char *hash = memchr(p, '#', (size_t)(end - p));
                if (hash && is_blank(hash[-1]))
                    add_comment(arena, out, line, true, hash + 1, end);
                return;
            }
            in_plain = true;
            break;
        case '-':
        case '?':
        case ':':
            if (next_ends)
                break; /* an indicator: `- item`, `? key`, `: value` */
            in_plain = true;
            break;
        default:
            in_plain = true;
            break;
        }
    }
}

void cc_yaml_comments(cc_arena *arena, const char *text, size_t len, cc_comments *out)
{
    scan_state st = {0};
    const char *p = text, *end = text + len;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        p += 3; /* a byte order mark is not text before a comment */
    uint32_t line = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        scan_line(arena, &st, line, p, line_end, out);
        line++;
        p = nl ? nl + 1 : end;
    }
}
