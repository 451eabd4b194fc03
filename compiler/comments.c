/* comments.c — finds the comments of a YAML text for `ccflow fmt`, which libyaml does not report:
 * a '#' that starts a line or follows a blank, outside quoted scalars and block scalars. */
#include "doc.h"

#include <string.h>

/* Scanner state that lasts across lines: quoted scalars and flow collections may span lines. */
typedef struct {
    enum { OUTSIDE, IN_DOUBLE, IN_SINGLE } quote;
    int flow_depth;
    int block_indent; /* >= 0: inside a block scalar whose content is indented more than this */
} scan_state;

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_flow_indicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

/* Whether the rest of a line after a '|' or '>' is a block scalar header: indentation and chomping
 * indicators, then nothing but blanks or a comment. */
static bool block_scalar_header(const char *p, const char *end)
{
    while (p < end && (*p == '+' || *p == '-' || (*p >= '1' && *p <= '9')))
        p++;
    if (p < end && !is_blank(*p))
        return false;
    while (p < end && is_blank(*p))
        p++;
    return p == end || *p == '#';
}

static void add_comment(cc_arena *arena, cc_comments *out, uint32_t line, bool trailing, const char *from,
                        const char *end)
{
    if (end > from && end[-1] == '\r')
        end--;
    cc_comment c = {line, trailing, cc_arena_strndup(arena, from, (size_t)(end - from))};
    cc_vec_push(out, c);
}

/* Scans one line [p, end). A plain scalar ends at ': ', at ' #', at the end of the line, and in a
 * flow collection at a flow indicator; quotes inside it are literal. */
static void scan_line(cc_arena *arena, scan_state *st, uint32_t line, const char *begin, const char *end,
                      cc_comments *out)
{
    const char *p = begin;
    int indent = 0;
    while (p + indent < end && p[indent] == ' ')
        indent++;
    if (st->block_indent >= 0) {
        const char *q = p + indent;
        bool empty = q == end || (q + 1 == end && *q == '\r');
        if (empty || indent > st->block_indent)
            return; /* a line of the block scalar's content */
        st->block_indent = -1;
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
            if (st->flow_depth == 0 && block_scalar_header(p + 1, end)) {
                st->block_indent = indent;
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
    scan_state st = {OUTSIDE, 0, -1};
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
