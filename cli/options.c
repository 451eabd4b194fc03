/* options.c — the ccflow command's table-driven option parser and what its commands share:
 * usage errors, finishing output, colour, and the Connect options (--resources, --type). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fputs("ccflow: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n\n", stderr);
    fputs(usage, stderr);
    return 2;
}

/* Where a command writes: standard output for no path or "-", else the file, opened with `mode`;
 * NULL, with the reason printed, when it cannot be opened. */
FILE *open_output(const char *path, const char *mode)
{
    if (!path || !strcmp(path, "-"))
        return stdout;
    FILE *f = fopen(path, mode);
    if (!f)
        fprintf(stderr, "ccflow: cannot write '%s': %s\n", path, strerror(errno));
    return f;
}

/* Flushes (and closes, unless it is standard output) what a command wrote to `path`: a write that
 * failed (disk full, a closed pipe) is reported and makes the exit status 2, never a silent
 * success. */
bool output_done(FILE *f, const char *path)
{
    /* errno is not cleared first: a write that failed earlier left its reason there (EPIPE,
     * ENOSPC), and a stream in error that flushes cleanly has no other */
    bool ok = fflush(f) == 0 && !ferror(f);
    int err = errno;
    if (f != stdout && fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok && f == stdout)
        fprintf(stderr, "ccflow: cannot write standard output: %s\n", strerror(err ? err : EIO));
    else if (!ok)
        fprintf(stderr, "ccflow: cannot write '%s': %s\n", path, strerror(err ? err : EIO));
    return ok;
}

bool want_color(FILE *out)
{
    const char *term = getenv("TERM");
    return isatty(fileno(out)) && !getenv("NO_COLOR") && (!term || strcmp(term, "dumb") != 0);
}

bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), m = strlen(ext);
    return n >= m && strcmp(path + n - m, ext) == 0;
}

/* The option argv[*i] names (its value taken from after '=' or from the next argument), or NULL. */
static const cli_option *find_option(const cli_command *cmd, int argc, char **argv, int *i, const char **value)
{
    const char *a = argv[*i];
    for (size_t k = 0; k < cmd->noptions; k++) {
        const cli_option *o = &cmd->options[k];
        size_t n = strlen(o->name);
        bool takes = o->kind >= OPT_STRING;
        *value = NULL;
        if (!strcmp(a, o->name) || (o->alias && !strcmp(a, o->alias))) {
            if (takes && *i + 1 < argc)
                *value = argv[++*i];
            else if (takes && !o->missing && !(o->flags & OPT_OPTIONAL))
                return NULL; /* without its value, an unknown option */
            return o;
        }
        if ((o->flags & OPT_EQ) && !strncmp(a, o->name, n) && a[n] == '=') {
            *value = a + n + 1;
            return o;
        }
    }
    return NULL;
}

/* Does what option o says with value (NULL: none given, a usage error unless it may be missing).
 * -1 taken, else the command's exit status. */
static int take_option(const cli_command *cmd, const cli_option *o, const char *typed, const char *value)
{
    if (o->kind >= OPT_STRING && (o->flags & OPT_NONEMPTY) && value && !*value)
        value = NULL;
    if (o->kind >= OPT_STRING && !value && !(o->flags & OPT_OPTIONAL))
        return usage_error(cmd->usage, o->missing, (o->flags & OPT_TYPED) ? typed : o->name);
    switch (o->kind) {
    case OPT_HELP:
        fputs(cmd->usage, stdout);
        return 0;
    case OPT_TRUE:
    case OPT_FALSE:
        *(bool *)o->target = o->kind == OPT_TRUE;
        return -1;
    case OPT_INT:
        *(int *)o->target = o->number;
        return -1;
    case OPT_STRING:
        *(const char **)o->target = value;
        return -1;
    case OPT_LIST:
        cc_vec_push((cli_args *)o->target, value);
        return -1;
    case OPT_CHOICE:
        for (int c = 0; o->choices[c]; c++)
            if (!strcmp(value, o->choices[c])) {
                *(int *)o->target = c;
                return -1;
            }
        return usage_error(cmd->usage, o->bad, value);
    case OPT_CALL: {
        int status = o->take(o->target, value, cmd->usage);
        return status ? status : -1;
    }
    }
    return -1;
}

int cli_parse(const cli_command *cmd, int argc, char **argv)
{
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        if (!options || a[0] != '-' || !strcmp(a, "-")) {
            if (cmd->max_paths && cmd->paths->len == cmd->max_paths)
                return usage_error(cmd->usage, cmd->too_many, a);
            cc_vec_push(cmd->paths, a);
            continue;
        }
        if (cmd->dashdash && !strcmp(a, "--")) {
            options = false;
            continue;
        }
        const cli_option *o = find_option(cmd, argc, argv, &i, &value);
        if (!o)
            return usage_error(cmd->usage, "unknown option '%s'", a);
        int status = take_option(cmd, o, a, value);
        if (status >= 0)
            return status;
    }
    return -1;
}

int take_resources(void *opts, const char *path, const char *usage)
{
    connect_opts *o = opts;
    (void)usage;
    if (!o->have_resources)
        cc_resources_init(&o->resources);
    cc_diags ds;
    cc_diags_init(&ds);
    bool ok = cc_resources_load(&o->resources, &ds, path);
    if (ds.diags.len)
        cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
    bool bad = !ok || ds.errors;
    cc_diags_free(&ds);
    o->have_resources = true;
    if (bad) {
        fprintf(stderr, "ccflow: cannot use the resources file '%s'\n", path);
        return 2;
    }
    return 0;
}

int take_type(void *opts, const char *name, const char *usage)
{
    connect_opts *o = opts;
    (void)usage;
    if (!name || (o->type = cc_flow_type_parse(name)) < 0) {
        fprintf(stderr, "ccflow: --type takes a flow type: ");
        for (int t = 0; t < CC_FT_COUNT; t++)
            fprintf(stderr, "%s%s", t ? ", " : "", cc_flow_types[t].name);
        fprintf(stderr, " (or Connect's spelling: CONTACT_FLOW, contactFlow...)\n");
        return 2;
    }
    return 0;
}

void connect_opts_free(connect_opts *o)
{
    if (o->have_resources)
        cc_resources_free(&o->resources);
}

void cli_bundle_init(cc_bundle *b, cc_diags *ds, const connect_opts *o)
{
    cc_diags_init(ds);
    cc_bundle_init(b, ds);
    b->resources = o->have_resources ? &o->resources : NULL;
    b->connect_type = o->type;
}

void cli_inputs_free(cli_inputs *in)
{
    cc_vec_free(&in->paths);
    cc_vec_free(&in->only);
    connect_opts_free(&in->co);
}
