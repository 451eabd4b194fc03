/* bundle.c — gathers flow files (and directories of them) into a bundle, plus the standard flows. */
#include "connect.h"
#include "ir.h"
#include "stdlib_data.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cc_bundle_init(cc_bundle *b, cc_diags *ds)
{
    memset(b, 0, sizeof *b);
    cc_arena_init(&b->arena);
    b->ds = ds;
    b->connect_type = -1;
}

void cc_bundle_free(cc_bundle *b)
{
    cc_vec_free(&b->flows);
    cc_map_free(&b->by_name);
    for (size_t i = 0; i < b->walked.cap; i++)
        cc_free((void *)b->walked.keys[i]);
    cc_map_free(&b->walked);
    cc_arena_free(&b->arena);
}

cc_flow *cc_bundle_flow(const cc_bundle *b, const char *name) { return cc_map_get(&b->by_name, name); }

int32_t cc_flow_block_index(const cc_flow *f, const char *id)
{
    for (uint32_t i = 0; i < f->nblocks; i++)
        if (strcmp(f->blocks[i].id, id) == 0)
            return (int32_t)i;
    return CC_NO_BLOCK;
}

const cc_param *cc_block_param(const cc_block *blk, const char *name)
{
    for (uint32_t i = 0; i < blk->nparams; i++)
        if (strcmp(blk->params[i].spec->name, name) == 0)
            return &blk->params[i];
    return NULL;
}

const cc_branch *cc_block_branch(const cc_block *blk, const char *name)
{
    for (uint32_t i = 0; i < blk->nbranches; i++)
        if (strcmp(blk->branches[i].name, name) == 0)
            return &blk->branches[i];
    return NULL;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

cc_reader cc_flow_file_reader(const char *path)
{
    if (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))
        return CC_READER_YAML;
    if (has_suffix(path, ".flow"))
        return CC_READER_DSL;
    if (has_suffix(path, ".json"))
        return CC_READER_JSON;
    return CC_READER_NONE;
}

/* A text whose name does not tell: DSL when its first word (after blank and comment lines) is
 * `flow` and a quoted name follows, as every DSL file begins; YAML otherwise. */
static cc_reader sniff_reader(const char *text, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
            i++;
        if (i < len && text[i] == '#') {
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    if (i < len && (text[i] == '{' || text[i] == '['))
        return CC_READER_JSON;
    if (len - i < 5 || memcmp(text + i, "flow", 4) != 0 || (text[i + 4] != ' ' && text[i + 4] != '\t'))
        return CC_READER_YAML;
    for (i += 4; i < len && (text[i] == ' ' || text[i] == '\t');)
        i++;
    return i < len && text[i] == '"' ? CC_READER_DSL : CC_READER_YAML;
}

static void add_flow(cc_bundle *b, cc_flow *f, bool from_stdlib)
{
    f->from_stdlib = from_stdlib;
    cc_flow *prev = cc_map_get(&b->by_name, f->name);
    if (prev) {
        if (from_stdlib)
            return; /* a bundle's own flow of the same name wins */
        cc_diag *d = cc_report(b->ds, CC_E117, f->name_loc.file ? f->name_loc : (cc_loc){f->file, 1, 1, 1, 1},
                               "a second flow named '%s'; flow names are unique in a bundle", f->name);
        cc_note_add(d, prev->name_loc, "the first '%s' is here", f->name);
        return;
    }
    cc_map_put(&b->by_name, f->name, f);
    cc_vec_push(&b->flows, f);
}

bool cc_bundle_add_text(cc_bundle *b, const char *path, char *text, size_t len, bool from_stdlib)
{
    uint32_t file = cc_source_add(b->ds, path, text, len);
    /* a file counts as a flow file unless it is JSON that is no flow */
    b->files += !from_stdlib;
    if (memchr(text, '\0', len)) {
        /* libyaml would stop at the NUL silently; say what is wrong instead */
        size_t off = (size_t)((char *)memchr(text, '\0', len) - text);
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < off; i++)
            text[i] == '\n' ? (line++, col = 1) : col++;
        cc_report(b->ds, CC_E101, (cc_loc){file, line, col, line, col},
                  "the file holds a NUL byte; a flow file is UTF-8 text");
        return false;
    }
    cc_reader reader = cc_flow_file_reader(path);
    if (reader == CC_READER_NONE)
        reader = sniff_reader(text, len);
    cc_node *root;
    if (reader == CC_READER_JSON) {
        root = cc_json_read(&b->arena, b->ds, file, text, len);
        if (!root)
            return false;
        switch (cc_connect_classify(root)) {
        case CC_CONNECT_FLOW:
            root = cc_connect_to_doc(&b->arena, b->ds, b->resources, b->connect_type, file, path, root);
            break;
        case CC_CONNECT_LEGACY:
            cc_report(b->ds, CC_E122, root->loc,
                      "this is a flow in the legacy export format ('modules', version 1), which Amazon Connect no "
                      "longer imports; open it in the flow designer and export it again to get Flow-language JSON");
            return false;
        case CC_CONNECT_OTHER:
            b->files -= !from_stdlib;
            cc_report(b->ds, CC_N505, root->loc,
                      "not a flow: a Flow-language document has 'Version' and 'Actions'; the file is skipped");
            return false;
        }
    } else {
        root = reader == CC_READER_DSL ? cc_dsl_read(&b->arena, b->ds, file, text, len, NULL)
                                       : cc_yaml_read(&b->arena, b->ds, file, text, len);
    }
    if (!root)
        return false;
    cc_flow *f = cc_flow_from_doc(b, file, root);
    if (f)
        add_flow(b, f, from_stdlib);
    return f != NULL;
}

bool cc_bundle_add_file(cc_bundle *b, const char *path, bool from_stdlib)
{
    size_t len;
    bool from_stdin = !strcmp(path, "-");
    char *text = from_stdin ? cc_read_stream(stdin, &len) : cc_read_file(path, &len);
    if (from_stdin)
        path = b->stdin_name ? b->stdin_name : "<stdin>";
    if (!text) {
        int err = errno;
        cc_report(b->ds, CC_E100, (cc_loc){cc_source_add(b->ds, path, NULL, 0), 0, 0, 0, 0}, "cannot read '%s': %s",
                  path, strerror(err));
        return false;
    }
    cc_bundle_add_text(b, path, text, len, from_stdlib);
    return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void close_dir(void *dir) { closedir(dir); }

/* Whether --exclude skips a walked path: a glob matches the path as walked or its base name. */
/* Whether an --exclude glob matches a walked path: the whole path, or any tail of it that starts
 * after a '/' (so "legacy/STAR" and "legacy" match ./exports/legacy/x.json wherever the walk began,
 * and "STAR.draft.json" matches by name, STAR being '*'); a trailing '/' names a directory. */
static bool glob_matches(const char *glob, const char *path)
{
    char pat[1024];
    size_t n = strlen(glob);
    while (n > 1 && glob[n - 1] == '/')
        n--;
    if (n >= sizeof pat)
        return false;
    memcpy(pat, glob, n);
    pat[n] = '\0';
    if (fnmatch(pat, path, 0) == 0)
        return true;
    for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
        if (p[1] && fnmatch(pat, p + 1, 0) == 0)
            return true;
    return false;
}

static bool excluded(const cc_bundle *b, const char *path)
{
    for (size_t i = 0; i < b->nexcludes; i++)
        if (glob_matches(b->excludes[i], path))
            return true;
    return false;
}

/* Whether the walk has met this directory or file before (through a symbolic link, or a link
 * back up the tree); marks it met. Each is read once, and a loop of links ends. */
static bool walked_before(cc_bundle *b, const struct stat *st)
{
    char key[64];
    snprintf(key, sizeof key, "%llu:%llu", (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
    if (cc_map_get(&b->walked, key))
        return true;
    char *copy = cc_xstrdup(key);
    cc_map_put(&b->walked, copy, copy);
    return false;
}

static bool add_dir(cc_bundle *b, const char *path, bool from_stdlib, int depth)
{
    if (depth > 64) {
        cc_report(b->ds, CC_E100, (cc_loc){0}, "'%s' is nested too deeply", path);
        return false;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        int err = errno;
        cc_report(b->ds, CC_E100, (cc_loc){cc_source_add(b->ds, path, NULL, 0), 0, 0, 0, 0},
                  "cannot read directory '%s': %s", path, strerror(err));
        return false;
    }
    CC_VEC(char *) names = {0};
    struct dirent *e;
    cc_heap_defer(close_dir, dir);
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        cc_vec_push(&names, cc_xstrdup(e->d_name));
    }
    cc_heap_undefer();
    closedir(dir);
    if (names.len)
        qsort(names.items, names.len, sizeof *names.items, cmp_str);
    bool ok = true;
    for (size_t i = 0; i < names.len; i++) {
        cc_buf full = {0};
        cc_buf_printf(&full, "%s%s%s", path, has_suffix(path, "/") ? "" : "/", names.items[i]);
        struct stat st;
        if (excluded(b, full.data))
            ; /* skipped, directory or file */
        else if (stat(full.data, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (!walked_before(b, &st))
                ok &= add_dir(b, full.data, from_stdlib, depth + 1);
        } else if (cc_flow_file_reader(full.data) != CC_READER_NONE) {
            if (stat(full.data, &st) != 0 || !walked_before(b, &st))
                ok &= cc_bundle_add_file(b, full.data, from_stdlib);
        }
        cc_buf_free(&full);
        cc_free(names.items[i]);
    }
    cc_vec_free(&names);
    return ok;
}

bool cc_bundle_add_path(cc_bundle *b, const char *path, bool from_stdlib)
{
    if (!strcmp(path, "-"))
        return cc_bundle_add_file(b, path, from_stdlib);
    struct stat st;
    if (stat(path, &st) != 0) {
        int err = errno;
        cc_report(b->ds, CC_E100, (cc_loc){cc_source_add(b->ds, path, NULL, 0), 0, 0, 0, 0}, "cannot read '%s': %s",
                  path, strerror(err));
        return false;
    }
    if (walked_before(b, &st))
        return true; /* named twice, or inside a directory already named */
    if (S_ISDIR(st.st_mode))
        return add_dir(b, path, from_stdlib, 0);
    return cc_bundle_add_file(b, path, from_stdlib);
}

void cc_bundle_add_stdlib(cc_bundle *b)
{
    for (const cc_embedded_file *e = cc_stdlib_files; e->path; e++) {
        char *text = cc_xmalloc(e->len + 1);
        memcpy(text, e->text, e->len + 1);
        cc_bundle_add_text(b, e->path, text, e->len, true);
    }
}
