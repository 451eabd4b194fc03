/* cli.h — what the ccflow command's files share: the table-driven option parser, the options of
 * commands that read Connect flows, and how a command reports usage errors and finishes output. */
#ifndef CCFLOW_CLI_H
#define CCFLOW_CLI_H

#include "connect.h"
#include "ir.h"

#include <stdbool.h>
#include <stdio.h>

typedef CC_VEC(const char *) cli_args;

/* What an option does when it is given. */
typedef enum {
    OPT_HELP,   /* print the command's usage on standard output; the command ends with status 0 */
    OPT_TRUE,   /* set *(bool *)target */
    OPT_FALSE,  /* clear *(bool *)target */
    OPT_INT,    /* set *(int *)target to number */
    OPT_STRING, /* set *(const char **)target to the value */
    OPT_LIST,   /* add the value to *(cli_args *)target (repeatable) */
    OPT_CHOICE, /* set *(int *)target to the index of the value in choices, or report bad */
    OPT_CALL,   /* call take(target, value, usage): 0 taken, else the command's exit status */
} cli_opt_kind;

/* How an option takes its value. */
enum {
    OPT_EQ = 1,       /* also --name=VALUE */
    OPT_NONEMPTY = 2, /* an empty value counts as none */
    OPT_TYPED = 4,    /* the message for a missing value names the option as typed, not its name */
    OPT_OPTIONAL = 8, /* OPT_CALL: take() is called with NULL when the value is missing */
};

typedef struct {
    const char *name, *alias; /* "--quiet", "-q" (alias NULL when none) */
    cli_opt_kind kind;
    void *target;
    int number;               /* OPT_INT: the number to set */
    int flags;
    const char *missing;      /* usage message for a missing value (%s: the option); NULL: such an
                                 option is unknown */
    const char *const *choices; /* OPT_CHOICE: the values, NULL-terminated */
    const char *bad;          /* OPT_CHOICE: usage message for another value (%s: the value) */
    int (*take)(void *target, const char *value, const char *usage); /* OPT_CALL */
} cli_option;

/* A command's options and where its other arguments (its paths) go. */
typedef struct {
    const char *usage;
    const cli_option *options;
    size_t noptions;
    cli_args *paths;
    bool dashdash;          /* '--' ends the options (else it is an unknown option) */
    size_t max_paths;       /* 0: any number */
    const char *too_many;   /* usage message for a path beyond max_paths (%s: the path) */
} cli_command;

/* Reads argv[1..argc) by the command's table. -1 when the command goes on, else its exit status
 * (0 after --help, 2 after a usage error, already printed). */
int cli_parse(const cli_command *cmd, int argc, char **argv);

int usage_error(const char *usage, const char *fmt, const char *arg);
FILE *open_output(const char *path, const char *mode);
bool output_done(FILE *f, const char *path);
bool want_color(FILE *out);
bool has_ext(const char *path, const char *ext);

/* Options every command that reads Connect flows takes: --resources FILE and --type TYPE. */
typedef struct {
    cc_resources resources;
    bool have_resources;
    int type; /* -1: not given */
} connect_opts;

#define CONNECT_OPTIONS(co)                                                                                        \
    {.name = "--resources", .kind = OPT_CALL, .target = (co), .missing = "%s needs a file", .take = take_resources}, \
    {.name = "--type", .kind = OPT_CALL, .target = (co), .flags = OPT_OPTIONAL, .take = take_type}
int take_resources(void *co, const char *path, const char *usage);
int take_type(void *co, const char *name, const char *usage);
void connect_opts_free(connect_opts *o);
/* A new, empty bundle whose findings go to ds (also new), reading Connect flows with the options. */
void cli_bundle_init(cc_bundle *b, cc_diags *ds, const connect_opts *o);

/* What the commands that read a bundle take: its paths, the flows --flow names, the Connect
 * options. */
typedef struct {
    cli_args paths, only;
    connect_opts co;
} cli_inputs;
void cli_inputs_free(cli_inputs *in);

/* convert.c */
int cmd_fmt(int argc, char **argv);
int cmd_import(int argc, char **argv);

#endif
