/* convert.c — ccflow fmt and ccflow import: flows rewritten between YAML, the DSL and Amazon
 * Connect exports, to standard output, beside their inputs (-w) or into a directory (-o). */
/* realpath (the file a -w output replaces when its name is a link) is an XSI interface */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "fmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_fmt[] =
    "usage: ccflow fmt [--to dsl|yaml] [-w [--force]] [--strip] [-q] [--resources FILE] [--type TYPE] FILE...\n"
    "       ccflow fmt --check FILE...\n"
    "\n"
    "Writes each flow in the other spelling (a .yaml file as DSL, a .flow file as YAML, an Amazon\n"
    "Connect .json export as DSL), or in the one --to names, with a normalised layout. Every block\n"
    "keeps its id and its place, and comments are kept. Only syntax is checked, not the bundle (use\n"
    "'ccflow check' for that).\n"
    "\n"
    "options:\n"
    "  --to dsl|yaml      the spelling to write (default: the other one; DSL for Connect JSON)\n"
    "  -w                 write each result to a file beside its input (x.yaml -> x.flow, x.flow ->\n"
    "                     x.yaml, x.json -> x.flow or x.yaml; the input itself when the spelling\n"
    "                     does not change); each file is written whole (a temporary file renamed)\n"
    "  --force            with -w, replace a file beside the input that holds something else (without\n"
    "                     it such a file is left as it is, and the status is 2)\n"
    "  --check            write nothing: name each YAML or DSL file that is not in fmt's layout (fmt\n"
    "                     --to its own spelling would change it) on standard output, and exit 1 if any\n"
    "  --strip            leave out the `connect:` metadata of a Connect flow (identifiers, layout,\n"
    "                     other Connect parameters): what a reviewer reads, not what export needs\n"
    "  -q, --quiet        print nothing about a file that is written (a Connect flow is written\n"
    "                     with its findings; use 'ccflow check' to see them): for git's textconv\n"
    "  --resources FILE   names for the ARNs and ids of a Connect flow (see 'ccflow import --help')\n"
    "  --type TYPE        the flow type of a Connect flow whose Metadata gives none\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit status: 0 when every output was written (a Connect flow with findings included), 1 when\n"
    "a file cannot be read as a flow (or with --check, is not formatted), 2 usage or I/O error (a file\n"
    "-w would replace without --force included)\n";

static const char usage_import[] =
    "usage: ccflow import [--to yaml|dsl] [-o DIR] [--strip] [--resources FILE] [--type TYPE] FILE.json...\n"
    "\n"
    "Writes each Amazon Connect Flow-language export as a ccflow flow: one block per action, with\n"
    "readable ids (the action's identifier when people can read it, else its kind and a number).\n"
    "The action identifiers, the designer's layout and the Connect parameters a block does not hold\n"
    "are kept in the flow's `connect:` metadata, so 'ccflow export --connect' gives them back.\n"
    "Problems found while reading an export (Connect's limits, action types, placeholders) are\n"
    "reported and the flow is still written; only a file that cannot be read as a Connect flow is\n"
    "refused. Run 'ccflow check' on the exports (or on what import wrote) for the flows' findings.\n"
    "\n"
    "options:\n"
    "  --to yaml|dsl      the spelling to write (default: yaml)\n"
    "  -o DIR             write each flow to DIR/NAME.yaml (or .flow), NAME from the input file\n"
    "                     (DIR is made when missing); without it the flows go to standard output\n"
    "  --strip            leave the `connect:` metadata out\n"
    "  --resources FILE   names for the ARNs and ids the flows use: a YAML or JSON mapping of ARN\n"
    "                     or id to name, or the saved output of 'aws connect list-contact-flows',\n"
    "                     'list-queues', 'list-hours-of-operations', 'list-prompts'...\n"
    "  --type TYPE        the flow type of flows whose Metadata gives none (default: inbound)\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit status: 0 all written, 1 a file had errors (its flow is still written when it could be\n"
    "read), 2 usage or I/O error\n";


static char *sibling_path(const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    cc_buf b = {0};
    cc_buf_put(&b, path, stem);
    cc_buf_puts(&b, ext);
    return b.data;
}

/* Reads a flow file in any of its spellings into its document tree: YAML (with its comments),
 * the DSL, or a Connect export (as the document its import gives). NULL when the file holds no
 * flow that can be written out; the reasons are in ds. */
static cc_node *read_flow_doc(const char *path, const char *text, size_t len, uint32_t file, cc_arena *arena,
                              cc_diags *ds, cc_comments *comments, const connect_opts *co)
{
    switch (cc_flow_file_reader(path)) {
    case CC_READER_DSL:
        return cc_dsl_read(arena, ds, file, text, len, comments);
    case CC_READER_JSON: {
        cc_node *root = cc_json_read(arena, ds, file, text, len);
        if (!root)
            return NULL;
        switch (cc_connect_classify(root)) {
        case CC_CONNECT_FLOW:
            return cc_connect_to_doc(arena, ds, co->have_resources ? &co->resources : NULL, co->type, file, path, root);
        case CC_CONNECT_LEGACY:
            cc_report(ds, CC_E122, root->loc,
                      "this is a flow in the legacy export format ('modules', version 1), which Amazon Connect no "
                      "longer imports; open it in the flow designer and export it again to get Flow-language JSON");
            return NULL;
        case CC_CONNECT_OTHER:
            cc_report(ds, CC_E102, root->loc, "not a flow: a Flow-language document has 'Version' and 'Actions'");
            return NULL;
        }
        return NULL;
    }
    default: {
        cc_node *root = cc_yaml_read(arena, ds, file, text, len);
        if (root)
            cc_yaml_comments(arena, text, len, comments);
        return root;
    }
    }
}

/* The document without its `connect:` metadata. */
static cc_node *strip_connect(cc_arena *arena, cc_node *root)
{
    if (!root || root->type != CC_NODE_MAP || !cc_node_get(root, "connect"))
        return root;
    cc_node *copy = cc_arena_alloc(arena, sizeof *copy);
    *copy = *root;
    copy->pairs = cc_arena_alloc(arena, root->count * sizeof *copy->pairs);
    copy->count = 0;
    for (uint32_t i = 0; i < root->count; i++)
        if (strcmp(root->pairs[i].key->text, "connect") != 0)
            copy->pairs[copy->count++] = root->pairs[i];
    return copy;
}

/* Writes one output file, or standard output when path is NULL; false on an I/O error. A file is
 * written whole or not at all: into a temporary file beside it, flushed to the disk, then renamed
 * over it, so an interrupted run never leaves half a flow. A file that exists keeps its mode, and
 * a symbolic link keeps pointing at the file it names, which is the one replaced. */
static bool write_output(const char *path, const cc_buf *out)
{
    if (!path) {
        fwrite(out->data ? out->data : "", 1, out->len, stdout);
        return true;
    }
    char *real = realpath(path, NULL); /* NULL when the file does not exist yet */
    const char *dest = real ? real : path;
    struct stat st;
    mode_t mode;
    if (real && stat(dest, &st) == 0)
        mode = st.st_mode & 07777;
    else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    cc_buf tmp = {0};
    cc_buf_printf(&tmp, "%s.XXXXXX", dest);
    int fd = mkstemp(tmp.data);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool ok = f != NULL;
    if (!ok) {
        fprintf(stderr, "ccflow: cannot write '%s': %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    } else {
        fwrite(out->data ? out->data : "", 1, out->len, f);
        if (fflush(f) == 0 && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
            ok = false; /* errno names the reason; output_done reports it */
        ok = output_done(f, path) && ok;
        if (ok && rename(tmp.data, dest) != 0) {
            fprintf(stderr, "ccflow: cannot write '%s': %s\n", path, strerror(errno));
            ok = false;
        }
    }
    if (!ok && fd >= 0)
        unlink(tmp.data);
    cc_buf_free(&tmp);
    free(real);
    return ok;
}

/* Whether the file at path holds exactly out (false when it cannot be read). */
static bool file_holds(const char *path, const cc_buf *out)
{
    size_t len;
    char *text = cc_read_file(path, &len);
    bool same = text && len == out->len && (len == 0 || memcmp(text, out->data, len) == 0);
    cc_free(text);
    return same;
}

/* fmt and import: each file read in its spelling and written in another. */
/* One fmt or import run: its options, and what it has done so far. */
typedef struct {
    bool import, write, strip, quiet, force, check;
    int to; /* 0 yaml, 1 dsl, -1 the other one */
    const char *out_dir;
    connect_opts co;
    CC_VEC(char *) written; /* outputs of this run: two inputs may not write one file */
    size_t unformatted;
    int status;
} convert_run;

/* Converts (or with --check, compares) one file; what went wrong is in r->status. */
static void convert_file(convert_run *r, const char *path)
{
    cc_reader reader = cc_flow_file_reader(path);
    bool from_dsl = reader == CC_READER_DSL;
    bool to_dsl = r->check ? from_dsl : r->to < 0 ? !from_dsl : r->to == 1;
    if (r->check && reader == CC_READER_JSON) {
        fprintf(stderr, "ccflow: '%s' is an Amazon Connect export; fmt --check compares YAML and DSL files with "
                        "their fmt layout\n", path);
        r->status = 2;
        return;
    }
    if (r->import && reader != CC_READER_JSON) {
        fprintf(stderr, "ccflow: '%s' is not a .json file; import reads Amazon Connect exports\n", path);
        r->status = 2;
        return;
    }
    cc_diags ds;
    cc_diags_init(&ds);
    cc_arena arena;
    cc_arena_init(&arena);
    cc_comments comments = {0};
    size_t len;
    char *text = cc_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ccflow: cannot read '%s': %s\n", path, strerror(errno));
        r->status = 2;
        goto next;
    }
    uint32_t file = cc_source_add(&ds, path, text, len);
    cc_node *root = read_flow_doc(path, text, len, file, &arena, &ds, &comments, &r->co);
    /* a Connect flow is written with its findings (import refuses only what it cannot read);
     * a YAML or DSL file with errors is not */
    bool refuse = !root || (reader != CC_READER_JSON && ds.errors);
    if (ds.diags.len && (refuse || !r->quiet))
        cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
    /* import's status counts the findings of what it writes; fmt's only what it refuses, so
     * that a Connect flow with findings still converts with status 0 (git's textconv needs it) */
    if ((r->import ? ds.errors : refuse) && r->status == 0)
        r->status = 1;
    if (refuse)
        goto next;
    if (r->strip)
        root = strip_connect(&arena, root);
    cc_loc where;
    const char *why = NULL;
    if (to_dsl && !cc_fmt_dsl_lossless(root, &where, &why)) {
        cc_report(&ds, CC_E101, where, "this flow cannot be written in the DSL without losing something: %s", why);
        cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
        if (r->status == 0)
            r->status = 1;
        goto next;
    }
    cc_buf out = {0};
    if (to_dsl)
        cc_fmt_dsl(root, &comments, &out);
    else
        cc_fmt_yaml(root, &comments, &out);
    if (r->check) {
        if (!file_holds(path, &out)) {
            printf("%s\n", path);
            r->unformatted++;
            if (r->status == 0)
                r->status = 1;
        }
        cc_buf_free(&out);
        goto next;
    }
    char *target = NULL;
    if (r->out_dir) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        cc_buf t = {0};
        cc_buf_printf(&t, "%s%s%.*s%s", r->out_dir, has_ext(r->out_dir, "/") ? "" : "/",
                      (int)(strlen(base) - (has_ext(base, ".json") ? 5 : 0)), base, to_dsl ? ".flow" : ".yaml");
        target = cc_xstrdup(t.data);
        cc_buf_free(&t);
    } else if (r->write) {
        target = to_dsl == from_dsl && reader != CC_READER_JSON ? cc_xstrdup(path)
                                                              : sibling_path(path, to_dsl ? ".flow" : ".yaml");
    }
    bool clash = false;
    for (size_t w = 0; target && w < r->written.len && !clash; w++)
        clash = !strcmp(r->written.items[w], target);
    /* -w replaces its input, or a file beside it that already holds this output; any other
     * file there is someone's work, kept unless --force */
    bool other = r->write && target && strcmp(target, path) != 0 && access(target, F_OK) == 0 &&
                 !file_holds(target, &out);
    if (clash) {
        fprintf(stderr, "ccflow: '%s' would be written twice; '%s' is left out (import the files with the same "
                        "name into different directories)\n",
                target, path);
        r->status = 2;
        cc_free(target);
    } else if (other && !r->force) {
        fprintf(stderr, "ccflow: '%s' exists and holds something else; it is left as it is (fmt -w --force "
                        "replaces it with '%s' in the other spelling)\n",
                target, path);
        r->status = 2;
        cc_free(target);
    } else {
        if (!write_output(target, &out))
            r->status = 2;
        if (target)
            cc_vec_push(&r->written, target);
    }
    cc_buf_free(&out);
next:
    cc_vec_free(&comments);
    cc_arena_free(&arena);
    cc_diags_free(&ds);
}

/* Checks the options against each other and makes -o's directory; -1 when the run goes on. */
static int convert_ready(convert_run *r, const char *usage, bool to_given)
{
    if (r->check && (r->write || to_given || r->strip))
        return usage_error(usage, "%s", "--check writes nothing and compares each file with its own spelling: it "
                                        "takes no -w, --to or --strip");
    if (r->force && !r->write)
        return usage_error(usage, "%s", "--force goes with -w");
    if (r->out_dir) {
        struct stat st;
        if (stat(r->out_dir, &st) != 0 && mkdir(r->out_dir, 0777) != 0) {
            fprintf(stderr, "ccflow: cannot make directory '%s': %s\n", r->out_dir, strerror(errno));
            return 2;
        }
        if (stat(r->out_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "ccflow: '%s' is not a directory\n", r->out_dir);
            return 2;
        }
    }
    return -1;
}

static int convert_files(int argc, char **argv, bool import)
{
    const char *usage = import ? usage_import : usage_fmt;
    convert_run r = {.import = import, .to = import ? 0 : -1, .co = {.type = -1}};
    cli_args files = {0};
    static const char *const spellings[] = {"yaml", "dsl", NULL};
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--to", .kind = OPT_CHOICE, .target = &r.to, .flags = OPT_EQ, .missing = "--to takes 'dsl' or 'yaml'",
         .choices = spellings, .bad = "--to takes 'dsl' or 'yaml'"},
        {.name = "--strip", .kind = OPT_TRUE, .target = &r.strip},
        CONNECT_OPTIONS(&r.co),
        /* fmt's */
        {.name = "-w", .kind = OPT_TRUE, .target = &r.write},
        {.name = "--force", .kind = OPT_TRUE, .target = &r.force},
        {.name = "--check", .kind = OPT_TRUE, .target = &r.check},
        {.name = "--quiet", .alias = "-q", .kind = OPT_TRUE, .target = &r.quiet},
    };
    const cli_option import_options[] = {
        options[0], options[1], options[2], options[3], options[4],
        {.name = "-o", .kind = OPT_STRING, .target = &r.out_dir, .missing = "-o needs a directory"},
    };
    const cli_command cmd = {usage, import ? import_options : options,
                             import ? CC_ARRAY_LEN(import_options) : CC_ARRAY_LEN(options), &files, true, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && !files.len)
        status = usage_error(usage, "%s", "no files given");
    /* fmt's --to changes its default (the other spelling); import's default is yaml */
    if (status < 0)
        status = convert_ready(&r, usage, r.to >= 0 && !import);
    if (status < 0) {
        for (size_t i = 0; i < files.len; i++)
            convert_file(&r, files.items[i]);
        for (size_t w = 0; w < r.written.len; w++)
            cc_free(r.written.items[w]);
        cc_vec_free(&r.written);
        if (r.unformatted)
            fprintf(stderr, "ccflow: %zu file%s not in fmt layout (ccflow fmt -w --to yaml|dsl FILE formats one in "
                            "place)\n",
                    r.unformatted, r.unformatted == 1 ? " is" : "s are");
        status = r.status;
    }
    cc_vec_free(&files);
    connect_opts_free(&r.co);
    return status;
}

int cmd_fmt(int argc, char **argv) { return convert_files(argc, argv, false); }
int cmd_import(int argc, char **argv) { return convert_files(argc, argv, true); }
