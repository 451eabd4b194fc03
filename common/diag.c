/* diag.c — collects diagnostics from every stage and renders them as GCC-style text, JSON or SARIF. */
#include "diag.h"
#include "ccflow.h"
#include "json_writer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unistr.h>
#include <uniwidth.h>

static const cc_diag_info diag_infos[CC_DIAG_COUNT] = {
#define CC_DIAG_INFO(code, sev, slug, summary) {#code, CC_SEV_##sev, slug, summary},
    CC_DIAG_CODES(CC_DIAG_INFO)
#undef CC_DIAG_INFO
};

const cc_diag_info *cc_diag_info_of(cc_diag_code code) { return &diag_infos[code]; }

void cc_diags_init(cc_diags *ds)
{
    memset(ds, 0, sizeof *ds);
    cc_source none = {0};
    cc_vec_push(&ds->sources, none);
}

void cc_notes_free(cc_diag *d)
{
    for (size_t j = 0; j < d->notes.len; j++)
        cc_free(d->notes.items[j].message);
    cc_vec_free(&d->notes);
}

void cc_diags_free(cc_diags *ds)
{
    for (size_t i = 0; i < ds->sources.len; i++) {
        cc_free(ds->sources.items[i].path);
        cc_free(ds->sources.items[i].text);
        cc_free(ds->sources.items[i].line_starts);
    }
    cc_vec_free(&ds->sources);
    for (size_t i = 0; i < ds->diags.len; i++) {
        cc_diag *d = ds->diags.items[i];
        cc_notes_free(d);
        cc_free(d->message);
        cc_free(d);
    }
    cc_vec_free(&ds->diags);
}

uint32_t cc_source_add(cc_diags *ds, const char *path, char *text, size_t len)
{
    cc_source s = {.path = cc_xstrdup(path), .text = text, .len = len};
    cc_vec_push(&ds->sources, s);
    return (uint32_t)(ds->sources.len - 1);
}

const cc_source *cc_source_get(const cc_diags *ds, uint32_t file)
{
    return file && file < ds->sources.len ? &ds->sources.items[file] : NULL;
}

static char *vformat(const char *fmt, va_list ap)
{
    cc_buf b = {0};
    cc_buf_vprintf(&b, fmt, ap);
    return b.data ? b.data : cc_xstrdup("");
}

cc_diag *cc_report(cc_diags *ds, cc_diag_code code, cc_loc loc, const char *fmt, ...)
{
    cc_diag *d = cc_xcalloc(1, sizeof *d);
    d->code = code;
    d->severity = diag_infos[code].severity;
    d->loc = loc;
    va_list ap;
    va_start(ap, fmt);
    d->message = vformat(fmt, ap);
    va_end(ap);
    d->seq = ds->diags.len;
    cc_vec_push(&ds->diags, d);
    if (d->severity == CC_SEV_ERROR)
        ds->errors++;
    else if (d->severity == CC_SEV_WARNING)
        ds->warnings++; /* notes inform; --werror does not refuse them */
    return d;
}

void cc_note_add(cc_diag *d, cc_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_note n = {loc, vformat(fmt, ap)};
    va_end(ap);
    cc_vec_push(&d->notes, n);
}

/* ---- rendering ---- */

static int diag_cmp(const void *a, const void *b)
{
    const cc_diag *x = *(cc_diag *const *)a, *y = *(cc_diag *const *)b;
    if (x->loc.file != y->loc.file)
        return x->loc.file < y->loc.file ? -1 : 1;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    if (x->loc.col != y->loc.col)
        return x->loc.col < y->loc.col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void index_lines(cc_source *s)
{
    if (s->line_starts || !s->text)
        return;
    size_t n = 1;
    for (size_t i = 0; i < s->len; i++)
        n += s->text[i] == '\n';
    s->line_starts = cc_xmalloc((n + 1) * sizeof *s->line_starts);
    size_t k = 0;
    s->line_starts[k++] = 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            s->line_starts[k++] = (uint32_t)(i + 1);
    s->nlines = n;
}

/* The text of line `line` (1-based), without its newline. */
static const char *source_line(cc_source *s, uint32_t line, size_t *len)
{
    index_lines(s);
    if (!s->text || line == 0 || line > s->nlines)
        return NULL;
    size_t start = s->line_starts[line - 1];
    size_t end = line < s->nlines ? s->line_starts[line] - 1 : s->len;
    if (end > start && s->text[end - 1] == '\r')
        end--;
    *len = end - start;
    return s->text + start;
}

/* Byte offset in a line of the character column col (1-based). */
static size_t column_offset(const char *text, size_t len, uint32_t col)
{
    size_t i = 0;
    for (uint32_t c = 1; c < col && i < len; c++) {
        i++;
        while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80)
            i++;
    }
    return i < len ? i : len;
}

/* Byte length of the character at line[i] (a byte that is not UTF-8 counts as one character, as
 * the columns count it). */
static size_t char_len(const char *line, size_t len, size_t i)
{
    size_t j = i + 1;
    while (j < len && ((unsigned char)line[j] & 0xc0) == 0x80)
        j++;
    return j - i;
}

/* Terminal cells the character at line[i] takes when the source line is printed: two for a wide
 * (East Asian) character, none for a combining one, one for the rest, the '?' that stands for a
 * control character and an invalid byte included (libunistring's tables, not the locale's, so
 * the caret is placed the same way under any LANG). */
static int char_cells(const char *line, size_t len, size_t i)
{
    ucs4_t uc;
    size_t n = char_len(line, len, i);
    if ((unsigned char)line[i] < 0x80 || u8_mbtouc(&uc, (const uint8_t *)line + i, n) != (int)n || uc == 0xfffd)
        return 1;
    int w = uc_width(uc, "UTF-8");
    return w < 0 ? 1 : w;
}

static const char *sev_name(cc_severity s)
{
    return s == CC_SEV_ERROR ? "error" : s == CC_SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(cc_severity s)
{
    return s == CC_SEV_ERROR ? "\033[1;31m" : s == CC_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}

static void render_one(cc_diags *ds, cc_buf *out, cc_severity sev, cc_loc loc, const char *msg,
                       const char *code, bool color)
{
    cc_source *s = loc.file && loc.file < ds->sources.len ? &ds->sources.items[loc.file] : NULL;
    if (color)
        cc_buf_puts(out, "\033[1m");
    if (s && loc.line)
        cc_buf_printf(out, "%s:%u:%u: ", s->path, loc.line, loc.col);
    else if (s)
        cc_buf_printf(out, "%s: ", s->path);
    else
        cc_buf_puts(out, "ccflow: ");
    if (color)
        cc_buf_printf(out, "%s%s:\033[0m\033[1m %s", sev_color(sev), sev_name(sev), msg);
    else
        cc_buf_printf(out, "%s: %s", sev_name(sev), msg);
    if (code)
        cc_buf_printf(out, " [%s]", code);
    if (color)
        cc_buf_puts(out, "\033[0m");
    cc_buf_putc(out, '\n');
    size_t len;
    const char *line = s && loc.line ? source_line(s, loc.line, &len) : NULL;
    if (!line)
        return;
    size_t start = column_offset(line, len, loc.col);
    size_t end = loc.end_line == loc.line && loc.end_col >= loc.col ? column_offset(line, len, loc.end_col + 1)
                                                                    : start + 1;
    if (end <= start)
        end = start + 1;
    /* A very long line is shown as a window around the span, marked with "...". */
    const char *prefix = "";
    if (len > 200) {
        size_t from = start > 80 ? start - 80 : 0;
        while (from > 0 && ((unsigned char)line[from] & 0xc0) == 0x80)
            from--;
        size_t to = start + 120 < len ? start + 120 : len;
        while (to < len && ((unsigned char)line[to] & 0xc0) == 0x80)
            to++;
        if (from > 0)
            prefix = "...";
        line += from;
        start -= from;
        end = (end - from < to - from) ? end - from : to - from;
        len = to - from;
    }
    /* Control characters other than tab would garble the terminal; show them as '?'. */
    cc_buf_printf(out, "    %s", prefix);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        cc_buf_putc(out, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c);
    }
    /* The caret line: the cells of the characters before the span as spaces (a tab as a tab), then
     * '^' and a '~' for every further cell of the span. */
    cc_buf_printf(out, "\n    %s", *prefix ? "   " : "");
    for (size_t i = 0; i < start && i < len; i += char_len(line, len, i)) {
        if (line[i] == '\t')
            cc_buf_putc(out, '\t');
        else
            for (int c = char_cells(line, len, i); c > 0; c--)
                cc_buf_putc(out, ' ');
    }
    if (color)
        cc_buf_puts(out, "\033[1;32m");
    cc_buf_putc(out, '^');
    int cells = start < len ? char_cells(line, len, start) - 1 : 0;
    for (size_t i = start < len ? start + char_len(line, len, start) : len; i < end && i < len; i += char_len(line, len, i))
        cells += char_cells(line, len, i);
    for (; cells > 0; cells--)
        cc_buf_putc(out, '~');
    if (color)
        cc_buf_puts(out, "\033[0m");
    cc_buf_putc(out, '\n');
}

static void render_text(cc_diags *ds, cc_buf *out, bool color)
{
    for (size_t i = 0; i < ds->diags.len; i++) {
        cc_diag *d = ds->diags.items[i];
        render_one(ds, out, d->severity, d->loc, d->message, diag_infos[d->code].code, color);
        for (size_t j = 0; j < d->notes.len; j++)
            render_one(ds, out, CC_SEV_NOTE, d->notes.items[j].loc, d->notes.items[j].message, NULL, color);
    }
}

static const char *loc_path(cc_diags *ds, cc_loc loc)
{
    return loc.file && loc.file < ds->sources.len ? ds->sources.items[loc.file].path : "";
}

/* One finding an array member on a line of its own, each on one line (`check --format json`). */
static void render_json(cc_diags *ds, cc_buf *out)
{
    cc_jw w;
    cc_jw_init(&w, out, 1, true);
    cc_jw_array(&w);
    for (size_t i = 0; i < ds->diags.len; i++) {
        cc_diag *d = ds->diags.items[i];
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "file", loc_path(ds, d->loc));
        cc_jw_kv_int(&w, "line", d->loc.line);
        cc_jw_kv_int(&w, "column", d->loc.col);
        cc_jw_kv_int(&w, "end_line", d->loc.end_line);
        cc_jw_kv_int(&w, "end_column", d->loc.end_col);
        cc_jw_kv_string(&w, "severity", sev_name(d->severity));
        cc_jw_kv_string(&w, "code", diag_infos[d->code].code);
        cc_jw_kv_string(&w, "message", d->message);
        cc_jw_key(&w, "notes");
        cc_jw_array(&w);
        for (size_t j = 0; j < d->notes.len; j++) {
            cc_note *n = &d->notes.items[j];
            cc_jw_object(&w);
            cc_jw_kv_string(&w, "file", loc_path(ds, n->loc));
            cc_jw_kv_int(&w, "line", n->loc.line);
            cc_jw_kv_int(&w, "column", n->loc.col);
            cc_jw_kv_string(&w, "message", n->message);
            cc_jw_object_end(&w);
        }
        cc_jw_array_end(&w);
        cc_jw_object_end(&w);
    }
    cc_jw_array_end(&w);
    cc_jw_finish(&w);
    cc_buf_putc(out, '\n');
}

/* Bytes of a URI path as they are when unreserved (or '/'), the rest percent-encoded. */
static void uri_path(cc_buf *u, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            cc_buf_putc(u, (char)*p);
        else
            cc_buf_printf(u, "%%%02X", *p);
    }
}

/* The current directory as a file URI ending in '/': what %SRCROOT% stands for. */
static void srcroot_uri(cc_buf *u, const char **cwd_out)
{
    static char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, "/");
    cc_buf_puts(u, "file://");
    uri_path(u, cwd);
    if (!u->len || u->data[u->len - 1] != '/')
        cc_buf_putc(u, '/');
    *cwd_out = cwd;
}

/* A location's artifact: relative to %SRCROOT% (code scanning resolves it against the checkout),
 * or an absolute file URI for an absolute path outside the current directory. */
static void sarif_artifact(cc_jw *w, const char *path, const char *cwd)
{
    cc_buf u = {0};
    size_t n = strlen(cwd);
    bool absolute = path[0] == '/';
    if (absolute && !strncmp(path, cwd, n) && (path[n] == '/' || cwd[n - 1] == '/')) {
        path += n + (path[n] == '/');
        absolute = false;
    }
    while (!absolute && !strncmp(path, "./", 2))
        path += 2;
    if (absolute)
        cc_buf_puts(&u, "file://");
    uri_path(&u, path);
    cc_jw_key(w, "artifactLocation");
    cc_jw_object(w);
    cc_jw_kv_string(w, "uri", u.data ? u.data : "");
    if (!absolute)
        cc_jw_kv_string(w, "uriBaseId", "%SRCROOT%");
    cc_jw_object_end(w);
    cc_buf_free(&u);
}

/* A SARIF location (without its closing brace, so a caller may add members): the file and the
 * span, columns counted in characters from 1 as in the text output, endColumn exclusive. */
static void sarif_location(cc_diags *ds, cc_jw *w, cc_loc loc, const char *cwd)
{
    cc_jw_object(w);
    if (!loc.file || loc.file >= ds->sources.len)
        return;
    cc_jw_key(w, "physicalLocation");
    cc_jw_object(w);
    sarif_artifact(w, loc_path(ds, loc), cwd);
    if (loc.line) {
        cc_jw_key(w, "region");
        cc_jw_object(w);
        cc_jw_kv_int(w, "startLine", loc.line);
        cc_jw_kv_int(w, "startColumn", loc.col ? loc.col : 1);
        cc_jw_kv_int(w, "endLine", loc.end_line ? loc.end_line : loc.line);
        cc_jw_kv_int(w, "endColumn", loc.end_line ? loc.end_col + 1 : (loc.col ? loc.col : 1) + 1);
        cc_jw_object_end(w);
    }
    cc_jw_object_end(w);
}

/* The section of docs/diagnostics.md that documents a code ("## E109 unknown-kind" has the
 * anchor e109-unknown-kind), as an absolute URI (SARIF wants one) under the published docs/. */
static void help_uri(cc_buf *u, const cc_diag_info *info)
{
    cc_buf_puts(u, CCFLOW_DOCS_URI "diagnostics.md#");
    for (const char *c = info->code; *c; c++)
        cc_buf_putc(u, (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c));
    cc_buf_printf(u, "-%s", info->slug);
}

static const char *sarif_level(cc_severity s) { return s == CC_SEV_ERROR ? "error" : s == CC_SEV_WARNING ? "warning" : "note"; }

/* SARIF 2.1.0: one run whose driver lists a rule for each code the results use (in code order,
 * so ruleIndex is stable for a given set of codes). */
static void render_sarif(cc_diags *ds, cc_buf *out)
{
    int rule_index[CC_DIAG_COUNT];
    int nrules = 0;
    for (int c = 0; c < CC_DIAG_COUNT; c++)
        rule_index[c] = -1;
    for (size_t i = 0; i < ds->diags.len; i++)
        rule_index[ds->diags.items[i]->code] = 0;
    for (int c = 0; c < CC_DIAG_COUNT; c++)
        if (rule_index[c] == 0) /* used */
            rule_index[c] = nrules++;
    const char *cwd;
    cc_buf root = {0}, uri = {0};
    srcroot_uri(&root, &cwd);

    cc_jw w;
    cc_jw_init(&w, out, UINT32_MAX, true);
    cc_jw_object(&w);
    cc_jw_kv_string(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    cc_jw_kv_string(&w, "version", "2.1.0");
    cc_jw_key(&w, "runs");
    cc_jw_array(&w);
    cc_jw_object(&w);
    cc_jw_key(&w, "tool");
    cc_jw_object(&w);
    cc_jw_key(&w, "driver");
    cc_jw_object(&w);
    cc_jw_kv_string(&w, "name", "ccflow");
    cc_jw_kv_string(&w, "version", CCFLOW_VERSION);
    cc_jw_kv_string(&w, "semanticVersion", CCFLOW_VERSION);
    cc_jw_kv_string(&w, "informationUri", CCFLOW_HOMEPAGE);
    cc_jw_key(&w, "rules");
    cc_jw_array(&w);
    for (int c = 0; c < CC_DIAG_COUNT; c++) {
        if (rule_index[c] < 0)
            continue;
        const cc_diag_info *info = &diag_infos[c];
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "id", info->code);
        cc_jw_kv_string(&w, "name", info->slug);
        cc_jw_key(&w, "shortDescription");
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "text", info->summary);
        cc_jw_object_end(&w);
        uri.len = 0;
        help_uri(&uri, info);
        cc_jw_kv_string(&w, "helpUri", uri.data);
        cc_jw_key(&w, "defaultConfiguration");
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "level", sarif_level(info->severity));
        cc_jw_object_end(&w);
        cc_jw_object_end(&w);
    }
    cc_jw_array_end(&w);
    cc_jw_object_end(&w); /* driver */
    cc_jw_object_end(&w); /* tool */
    cc_jw_key(&w, "originalUriBaseIds");
    cc_jw_object(&w);
    cc_jw_key(&w, "%SRCROOT%");
    cc_jw_object(&w);
    cc_jw_kv_string(&w, "uri", root.data);
    cc_jw_object_end(&w);
    cc_jw_object_end(&w);
    cc_jw_kv_string(&w, "columnKind", "unicodeCodePoints");
    cc_jw_key(&w, "results");
    cc_jw_array(&w);
    for (size_t i = 0; i < ds->diags.len; i++) {
        cc_diag *d = ds->diags.items[i];
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "ruleId", diag_infos[d->code].code);
        cc_jw_kv_int(&w, "ruleIndex", rule_index[d->code]);
        cc_jw_kv_string(&w, "level", sarif_level(d->severity));
        cc_jw_key(&w, "message");
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "text", d->message);
        cc_jw_object_end(&w);
        cc_jw_key(&w, "locations");
        cc_jw_array(&w);
        if (d->loc.file) {
            sarif_location(ds, &w, d->loc, cwd);
            cc_jw_object_end(&w);
        }
        cc_jw_array_end(&w);
        if (d->notes.len) {
            cc_jw_key(&w, "relatedLocations");
            cc_jw_array(&w);
            for (size_t j = 0; j < d->notes.len; j++) {
                cc_note *n = &d->notes.items[j];
                sarif_location(ds, &w, n->loc, cwd);
                cc_jw_kv_int(&w, "id", (int64_t)j);
                cc_jw_key(&w, "message");
                cc_jw_object(&w);
                cc_jw_kv_string(&w, "text", n->message);
                cc_jw_object_end(&w);
                cc_jw_object_end(&w);
            }
            cc_jw_array_end(&w);
        }
        cc_jw_object_end(&w);
    }
    cc_jw_array_end(&w);
    cc_jw_object_end(&w); /* run */
    cc_jw_array_end(&w);
    cc_jw_object_end(&w);
    cc_jw_finish(&w);
    cc_buf_putc(out, '\n');
    cc_buf_free(&root);
    cc_buf_free(&uri);
}

void cc_diags_sort(cc_diags *ds)
{
    if (ds->diags.len > 1)
        qsort(ds->diags.items, ds->diags.len, sizeof *ds->diags.items, diag_cmp);
}

void cc_diags_render(cc_diags *ds, FILE *out, cc_format format, bool color)
{
    cc_diags_sort(ds);
    cc_buf b = {0};
    if (format == CC_FORMAT_JSON)
        render_json(ds, &b);
    else if (format == CC_FORMAT_SARIF)
        render_sarif(ds, &b);
    else
        render_text(ds, &b, color);
    if (b.len)
        fwrite(b.data, 1, b.len, out);
    cc_buf_free(&b);
}
