/* main.c — the ccflow command line: dispatches subcommands and maps outcomes to exit status
 * 0 (clean), 1 (findings) and 2 (usage or I/O error); check, compile, disasm, run and test, ir,
 * blocks, export, graph and diff (fmt and import are in convert.c). */
#include "ccflow.h"
#include "cli.h"
#include "codegen.h"
#include "diff.h"
#include "graph.h"
#include "scenario.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_main[] =
    "usage: ccflow COMMAND [OPTIONS] ...\n"
    "\n"
    "Compiler and VM for contact-center flows.\n"
    "\n"
    "commands:\n"
    "  check     validate flows: schema, graph, flow types and per-channel block support\n"
    "  blocks    print the block catalogue as Markdown (the source of docs/blocks.md)\n"
    "  compile   check a bundle and write its bytecode (.ccfb)\n"
    "  disasm    print a bytecode bundle one instruction a line\n"
    "  fmt       convert flows between YAML and the DSL, and normalise their layout\n"
    "  import    write Amazon Connect flow exports (JSON) as YAML or DSL flows\n"
    "  run       simulate a scenario on a virtual clock and report\n"
    "  test      run scenarios and check their expectations\n"
    "  ir        print the flow IR of each file, without locations (to compare spellings)\n"
    "  export    write flows as Amazon Connect Flow-language JSON (--connect)\n"
    "  graph     draw flows as Graphviz DOT, SVG or Mermaid, with the channels reaching each block\n"
    "  diff      compare two flows or bundles by meaning, channel verdicts included\n"
    "  version   print the version\n"
    "\n"
    "Run 'ccflow COMMAND --help' for a command's options.\n";

static const char usage_check[] =
    "usage: ccflow check [OPTIONS] [--] PATH...\n"
    "\n"
    "Validates the flows in the given files and directories (searched recursively for .yaml, .yml,\n"
    ".flow and Amazon Connect .json files) as one bundle: flows refer to each other by name, and the standard flows of\n"
    "stdlib/ are available unless the bundle defines a flow of the same name. A PATH of '-' reads\n"
    "one flow (YAML or DSL) from standard input. A PATH that holds no flow is an error.\n"
    "\n"
    "options:\n"
    "  --format text|json|sarif   how to print diagnostics (default: text)\n"
    "  --werror                   treat warnings as errors (exit 1 when there are any)\n"
    "  --no-stdlib                do not add the standard flows to the bundle\n"
    "  --resources FILE           names for the ARNs and ids of Amazon Connect flows (a mapping,\n"
    "                             or saved 'aws connect list-...' output; see 'ccflow import')\n"
    "  --type TYPE                flow type of Connect flows whose Metadata gives none\n"
    "  --exclude GLOB             skip the files and directories a walk meets whose path, or a\n"
    "                             tail of it after a '/', GLOB matches: 'drafts', 'legacy/*',\n"
    "                             '*.draft.json' (repeatable)\n"
    "  --stdin-name NAME          the name standard input's flow has in messages (default\n"
    "                             <stdin>); its extension (.yaml, .flow) picks the reader\n"
    "  --color / --no-color       force colour on or off (default: on for a terminal)\n"
    "  -o FILE                    write the diagnostics to FILE ('-', the default: standard output)\n"
    "  --                         what follows is a PATH, even when it starts with '-'\n"
    "  -h, --help                 print this help\n"
    "\n"
    "exit status: 0 no errors, 1 errors (or warnings with --werror), 2 usage or I/O error\n"
    "(a path that cannot be read or holds no flow, an output that cannot be written)\n";

static const char usage_blocks[] =
    "usage: ccflow blocks [-o FILE]\n"
    "\n"
    "Prints the block catalogue (every block kind with its parameters, branches, flow types and\n"
    "per-channel support) as Markdown.\n";


static bool check_wrote; /* whether cmd_check rendered its findings */

static int cmd_check(int argc, char **argv)
{
    int format = CC_FORMAT_TEXT, color = -1;
    bool werror = false, stdlib = true;
    const char *out_path = NULL, *stdin_name = NULL;
    cli_inputs in = {.co = {.type = -1}};
    cli_args excludes = {0};
    static const char *const formats[] = {"text", "json", "sarif", NULL};
    const cli_option options[] = {
        {.name = "--exclude", .kind = OPT_LIST, .target = &excludes, .flags = OPT_EQ | OPT_NONEMPTY,
         .missing = "%s needs a value"},
        {.name = "--stdin-name", .kind = OPT_STRING, .target = &stdin_name, .flags = OPT_EQ | OPT_NONEMPTY,
         .missing = "%s needs a value"},
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--format", .kind = OPT_CHOICE, .target = &format, .flags = OPT_EQ, .missing = "%s needs a value",
         .choices = formats, .bad = "unknown format '%s'; expected text, json or sarif"},
        {.name = "--werror", .kind = OPT_TRUE, .target = &werror},
        {.name = "--no-stdlib", .kind = OPT_FALSE, .target = &stdlib},
        CONNECT_OPTIONS(&in.co),
        {.name = "--color", .kind = OPT_INT, .target = &color, .number = 1},
        {.name = "--no-color", .kind = OPT_INT, .target = &color, .number = 0},
        {.name = "-o", .kind = OPT_STRING, .target = &out_path, .missing = "%s needs a file"},
    };
    const cli_command cmd = {usage_check, options, CC_ARRAY_LEN(options), &in.paths, true, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    FILE *out = stdout;
    if (status < 0 && !in.paths.len)
        status = usage_error(usage_check, "%s", "no flows given");
    if (status < 0 && !(out = open_output(out_path, "w")))
        status = 2;
    if (status >= 0) {
        cli_inputs_free(&in);
        cc_vec_free(&excludes);
        return status;
    }
    cc_diags ds;
    cc_bundle b;
    cli_bundle_init(&b, &ds, &in.co);
    b.excludes = excludes.items;
    b.nexcludes = excludes.len;
    b.stdin_name = stdin_name;
    bool io_ok = cc_bundle_load_and_check(&b, in.paths.items, in.paths.len, stdlib);
    cc_diags_render(&ds, out, (cc_format)format, color < 0 ? (!out_path && want_color(out)) : color);
    check_wrote = true;
    if (format == CC_FORMAT_TEXT && (ds.errors || ds.warnings))
        fprintf(out, "%zu error%s and %zu warning%s\n", ds.errors, ds.errors == 1 ? "" : "s", ds.warnings,
                ds.warnings == 1 ? "" : "s");
    /* nothing checked is never a pass: load_and_check reports a path without flows as an I/O
     * error, so --werror (or not) cannot succeed on an empty bundle */
    status = !io_ok || !b.files ? 2 : ds.errors || (werror && ds.warnings) ? 1 : 0;
    if (out != stdout && !output_done(out, out_path))
        status = 2;
    cc_bundle_free(&b);
    cc_diags_free(&ds);
    cli_inputs_free(&in);
    cc_vec_free(&excludes);
    return status;
}

static const char usage_compile[] =
    "usage: ccflow compile [--strip] [--no-stdlib] [--resources FILE] [--type TYPE] -o BUNDLE.ccfb PATH...\n"
    "\n"
    "Checks the flows in the given files and directories as one bundle (as 'ccflow check' does) and,\n"
    "when there are no errors, writes their bytecode. The same flows always give the same bytes.\n"
    "\n"
    "options:\n"
    "  -o FILE       where to write the bundle ('-' for standard output)\n"
    "  --strip       leave the source map out: the same flows in YAML or the DSL give identical bytes\n"
    "  --no-stdlib   do not add the standard flows\n"
    "  --werror      refuse warnings as well\n"
    "  --resources FILE, --type TYPE\n"
    "                as for 'ccflow check': names for Connect ARNs, the type of untyped Connect flows\n"
    "  -h, --help    print this help\n"
    "\n"
    "exit status: 0 written, 1 the bundle has errors (nothing written), 2 usage or I/O error\n";

static const char usage_disasm[] =
    "usage: ccflow disasm [--no-checksum] BUNDLE.ccfb\n"
    "\n"
    "Verifies a bytecode bundle and prints it one instruction a line: offset, opcode, operands with\n"
    "their names resolved, the source location (unless the bundle was stripped) and what the opcode\n"
    "does. --no-checksum skips the checksum (the verifier still checks every byte).\n"
    "\n"
    "exit status: 0 printed, 1 the bundle is malformed, 2 usage or I/O error\n";

/* check whose usage or input was refused before any finding was rendered still writes what
 * --format promises: one JSON array, or one SARIF log, so a CI step that parses it never meets
 * an empty file (the reason is on standard error). */
static int check_or_empty(int argc, char **argv)
{
    cc_format format = CC_FORMAT_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *v = !strcmp(argv[i], "--format") && i + 1 < argc ? argv[i + 1]
                        : !strncmp(argv[i], "--format=", 9)         ? argv[i] + 9
                                                                    : NULL;
        if (!strcmp(argv[i], "--"))
            break;
        if (v && !strcmp(v, "json"))
            format = CC_FORMAT_JSON;
        else if (v && !strcmp(v, "sarif"))
            format = CC_FORMAT_SARIF;
    }
    check_wrote = false;
    int status = cmd_check(argc, argv);
    if (!check_wrote && status == 2 && format != CC_FORMAT_TEXT) {
        cc_diags none;
        cc_diags_init(&none);
        cc_diags_render(&none, stdout, format, false);
        cc_diags_free(&none);
    }
    return status;
}

static int cmd_compile(int argc, char **argv)
{
    bool strip = false, stdlib = true, werror = false;
    const char *out_path = NULL;
    cli_inputs in = {.co = {.type = -1}};
    const cli_option options[] = {
        CONNECT_OPTIONS(&in.co),
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--strip", .kind = OPT_TRUE, .target = &strip},
        {.name = "--no-stdlib", .kind = OPT_FALSE, .target = &stdlib},
        {.name = "--werror", .kind = OPT_TRUE, .target = &werror},
        {.name = "-o", .kind = OPT_STRING, .target = &out_path}, /* without a file, an unknown option */
    };
    const cli_command cmd = {usage_compile, options, CC_ARRAY_LEN(options), &in.paths, false, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && (!in.paths.len || !out_path))
        status = usage_error(usage_compile, "%s", !out_path ? "no output given (-o FILE)" : "no flows given");
    if (status >= 0) {
        cli_inputs_free(&in);
        return status;
    }
    cc_diags ds;
    cc_bundle b;
    cli_bundle_init(&b, &ds, &in.co);
    bool io_ok = cc_bundle_load_and_check(&b, in.paths.items, in.paths.len, stdlib);
    cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
    status = !io_ok ? 2 : ds.errors || (werror && ds.warnings) ? 1 : 0;
    if (status == 0) {
        cc_buf bytes = {0};
        cc_codegen(&b, strip, &bytes);
        FILE *f = open_output(out_path, "wb");
        if (!f)
            status = 2;
        else {
            fwrite(bytes.data, 1, bytes.len, f);
            if (f != stdout && !output_done(f, out_path))
                status = 2;
        }
        cc_buf_free(&bytes);
    } else if (status == 1)
        fprintf(stderr, "ccflow: nothing written: the bundle has %s\n", ds.errors ? "errors" : "warnings (--werror)");
    cc_bundle_free(&b);
    cc_diags_free(&ds);
    cli_inputs_free(&in);
    return status;
}

static int cmd_disasm(int argc, char **argv)
{
    bool check_crc = true;
    cli_args paths = {0};
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--no-checksum", .kind = OPT_FALSE, .target = &check_crc},
    };
    const cli_command cmd = {usage_disasm, options, CC_ARRAY_LEN(options), &paths, false, 1,
                             "one bundle at a time; '%s' is a second"};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && !paths.len)
        status = usage_error(usage_disasm, "%s", "no bundle given");
    const char *path = paths.len ? paths.items[0] : NULL;
    cc_vec_free(&paths);
    if (status >= 0)
        return status;
    size_t len;
    char *bytes = cc_read_file(path, &len);
    if (!bytes) {
        fprintf(stderr, "ccflow: cannot read '%s': ", path);
        perror(NULL);
        return 2;
    }
    char err[256], *text;
    size_t text_len;
    if (ccflow_disasm(bytes, len, check_crc ? 0 : CCFLOW_LOAD_NO_CHECKSUM, &text, &text_len, err, sizeof err) != 0) {
        fprintf(stderr, "%s: error: malformed bundle: %s\n", path, err);
        cc_free(bytes);
        return 1;
    }
    fwrite(text, 1, text_len, stdout);
    ccflow_free(text);
    cc_free(bytes);
    return 0;
}

static const char usage_run[] =
    "usage: ccflow run [--records FILE] [--trace] [--until D] SCENARIO.yaml\n"
    "\n"
    "Runs a scenario (flows, queues, agents, functions, events, arrivals) on a virtual clock and\n"
    "prints a report per queue and a line of totals. The same file gives the same output.\n"
    "\n"
    "options:\n"
    "  --records FILE   write a contact record (JSON, one a line) for every contact that ends\n"
    "  --trace          print a line for every block a contact enters and every change it goes through\n"
    "  --until D        stop after D of simulated time (8h, 7d...) instead of the scenario's 'until'\n"
    "  --stats          print the memory the run used a contact (resident, on Linux)\n"
    "  --restart-at D   save the VM's state at D, restore it into a new VM and go on there (the\n"
    "                   output is the same as without: a check of saving and restoring)\n"
    "  -h, --help       print this help\n";

static const char usage_test[] =
    "usage: ccflow test [--restart-at D] SCENARIO.yaml...\n"
    "\n"
    "Runs each scenario and checks its 'expect' list; prints each failed expectation with what was\n"
    "seen and ends with 'N passed, N failed' (exit status 1 when any failed).\n";

static int cmd_run(int argc, char **argv, bool test)
{
    cc_scenario_options opts = {.report = !test, .expectations = test, .color = want_color(stderr)};
    cli_args files = {0};
    /* without their values, --records, --until and --restart-at are unknown options */
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--restart-at", .kind = OPT_STRING, .target = &opts.restart_at},
        {.name = "--records", .kind = OPT_STRING, .target = &opts.records_path},
        {.name = "--trace", .kind = OPT_TRUE, .target = &opts.trace},
        {.name = "--until", .kind = OPT_STRING, .target = &opts.until},
        {.name = "--stats", .kind = OPT_TRUE, .target = &opts.stats},
    };
    const char *usage = test ? usage_test : usage_run;
    const cli_command cmd = {usage, options, test ? 2 : CC_ARRAY_LEN(options), &files, false, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && (!files.len || (!test && files.len > 1)))
        status = usage_error(usage, "%s", !files.len ? "no scenario given" : "one scenario at a time");
    if (status >= 0) {
        cc_vec_free(&files);
        return status;
    }
    opts.progress = !test && isatty(fileno(stderr));
    status = 0;
    unsigned passed = 0, failed = 0;
    for (size_t i = 0; i < files.len; i++) {
        cc_scenario_result r = cc_scenario_run(files.items[i], &opts, stdout);
        passed += r.passed;
        failed += r.failed;
        if (test && r.status) { /* a scenario that cannot run fails as a whole */
            printf("%s: FAIL the scenario could not run (see the messages above)\n", files.items[i]);
            failed++;
        }
        if (r.status > status)
            status = r.status;
    }
    if (test) {
        printf("%u passed, %u failed\n", passed, failed);
        if (failed && !status)
            status = 1;
    }
    cc_vec_free(&files);
    return status;
}

static const char usage_ir[] =
    "usage: ccflow ir FILE...\n"
    "\n"
    "Prints the flow IR that each file (YAML or DSL) builds, in a canonical text without source\n"
    "locations: two spellings of the same flow print the same. Problems are reported as by\n"
    "'ccflow check' (without the bundle checks); exit status 1 when a file has errors.\n";

static int cmd_ir(int argc, char **argv)
{
    cli_args files = {0};
    const cli_option options[] = {{.name = "--help", .alias = "-h", .kind = OPT_HELP}};
    const cli_command cmd = {usage_ir, options, CC_ARRAY_LEN(options), &files, false, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && !files.len)
        status = usage_error(usage_ir, "%s", "no files given");
    if (status >= 0) {
        cc_vec_free(&files);
        return status;
    }
    cc_diags ds;
    cc_diags_init(&ds);
    bool io_ok = true;
    for (size_t i = 0; i < files.len; i++) {
        cc_bundle b;
        cc_bundle_init(&b, &ds);
        io_ok &= cc_bundle_add_file(&b, files.items[i], false);
        for (size_t k = 0; k < b.flows.len; k++) {
            cc_buf out = {0};
            cc_flow *f = b.flows.items[k];
            /* resolve the start block as the checker would, without running the checks */
            f->start_index = f->start ? cc_flow_block_index(f, f->start) : f->nblocks ? 0 : CC_NO_BLOCK;
            cc_flow_dump(f, &out);
            fwrite(out.data, 1, out.len, stdout);
            cc_buf_free(&out);
        }
        cc_bundle_free(&b);
    }
    cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
    status = !io_ok ? 2 : ds.errors ? 1 : 0;
    cc_diags_free(&ds);
    cc_vec_free(&files);
    return status;
}

static int cmd_blocks(int argc, char **argv)
{
    const char *out_path = NULL;
    cli_args extra = {0};
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "-o", .kind = OPT_STRING, .target = &out_path, .missing = "%s needs a file"},
    };
    const cli_command cmd = {usage_blocks, options, CC_ARRAY_LEN(options), &extra, false, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && extra.len)
        status = usage_error(usage_blocks, "unexpected argument '%s'", extra.items[0]);
    cc_vec_free(&extra);
    if (status >= 0)
        return status;
    FILE *out = open_output(out_path, "w");
    if (!out)
        return 2;
    cc_catalog_markdown(out);
    if (out != stdout && !output_done(out, out_path))
        return 2;
    return 0;
}

static const char usage_export[] =
    "usage: ccflow export --connect [OPTIONS] [--] PATH...\n"
    "\n"
    "Writes each flow of the given files and directories (YAML, DSL and Connect JSON, read as one\n"
    "bundle as by 'ccflow check') as Amazon Connect Flow-language JSON: one FLOW.json per flow in\n"
    "DIR, or the only flow on standard output when no -o is given. Identifiers, action types,\n"
    "parameters and designer positions an import kept in the flow's `connect:` metadata are\n"
    "written back; the rest comes from the catalogue and an automatic layout (docs/connect.md).\n"
    "Findings are reported on standard error as by check; they do not stop the export.\n"
    "\n"
    "options:\n"
    "  --connect          the output format: Amazon Connect Flow-language JSON (required)\n"
    "  -o DIR             write one .json file per flow into DIR (created when missing)\n"
    "  --flow NAME        export only the flow NAME (repeatable)\n"
    "  --resources FILE   map resource names to ARNs (and Connect ARNs in inputs to names)\n"
    "  --type T           the flow type of Connect inputs whose Metadata gives none\n"
    "  --                 what follows is a PATH, even when it starts with '-'\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit status: 0 written, 1 written but some input has errors (a file that cannot be parsed\n"
    "is left out), 2 usage or I/O error (nothing to export, an output that cannot be written)\n";

/* A file name from a flow name: letters, digits, '.', '-' and '_' kept, anything else '_'. */
static char *export_file_name(const char *dir, const char *flow)
{
    cc_buf b = {0};
    cc_buf_printf(&b, "%s/", dir);
    size_t start = b.len;
    for (const char *p = flow; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  (c == '.' && b.len > start);
        cc_buf_putc(&b, ok ? c : '_');
    }
    if (b.len == start)
        cc_buf_puts(&b, "flow");
    cc_buf_puts(&b, ".json");
    return b.data;
}

static int cmd_export(int argc, char **argv)
{
    bool connect = false;
    const char *out_dir = NULL;
    cli_inputs in = {.co = {.type = -1}};
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--connect", .kind = OPT_TRUE, .target = &connect},
        CONNECT_OPTIONS(&in.co),
        {.name = "-o", .kind = OPT_STRING, .target = &out_dir, .missing = "%s needs a value"},
        {.name = "--flow", .kind = OPT_LIST, .target = &in.only, .missing = "%s needs a value"},
    };
    const cli_command cmd = {usage_export, options, CC_ARRAY_LEN(options), &in.paths, true, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && !connect)
        status = usage_error(usage_export, "%s", "give the output format: --connect (Amazon Connect Flow-language JSON)");
    if (status < 0 && !in.paths.len)
        status = usage_error(usage_export, "%s", "no flows given");
    if (status >= 0) {
        cli_inputs_free(&in);
        return status;
    }
    status = 0;

    cc_diags ds;
    cc_bundle b;
    cli_bundle_init(&b, &ds, &in.co);
    bool io_ok = cc_bundle_load_and_check(&b, in.paths.items, in.paths.len, false);
    /* the flows to write: the bundle's own, or those --flow names */
    CC_VEC(const cc_flow *) flows = {0};
    for (size_t k = 0; k < b.flows.len; k++) {
        const cc_flow *f = b.flows.items[k];
        bool want = !f->from_stdlib && !in.only.len;
        for (size_t j = 0; j < in.only.len; j++)
            want |= !f->from_stdlib && !strcmp(in.only.items[j], f->name);
        if (want)
            cc_vec_push(&flows, f);
    }
    for (size_t j = 0; io_ok && j < in.only.len; j++)
        if (!cc_bundle_flow(&b, in.only.items[j])) {
            cc_report(&ds, CC_E100, (cc_loc){0}, "no flow named '%s' in the inputs", in.only.items[j]);
            io_ok = false;
        }
    cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
    if (!io_ok)
        status = 2;
    else if (!out_dir && flows.len != 1) {
        status = usage_error(usage_export, flows.len ? "%s" : "no flow to export%s",
                             flows.len ? "several flows: give -o DIR, or --flow NAME to pick one" : "");
    } else {
        if (out_dir && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "ccflow: cannot make '%s': %s\n", out_dir, strerror(errno));
            status = 2;
        }
        cc_map written = {0};
        for (size_t k = 0; status != 2 && k < flows.len; k++) {
            cc_buf json = {0};
            cc_connect_export(&b, flows.items[k], b.resources, &json);
            if (!out_dir) {
                fwrite(json.data, 1, json.len, stdout);
            } else {
                char *path = export_file_name(out_dir, flows.items[k]->name);
                if (cc_map_get(&written, path)) {
                    fprintf(stderr, "ccflow: flows '%s' and '%s' would both be written to '%s'\n",
                            (const char *)cc_map_get(&written, path), flows.items[k]->name, path);
                    status = 2;
                    cc_free(path);
                } else {
                    FILE *out = open_output(path, "w");
                    if (out)
                        fwrite(json.data, 1, json.len, out);
                    if (!out || !output_done(out, path))
                        status = 2;
                    cc_map_put(&written, path, (void *)flows.items[k]->name);
                }
            }
            cc_buf_free(&json);
        }
        for (size_t i = 0; i < written.cap; i++)
            if (written.keys && written.keys[i])
                cc_free((void *)written.keys[i]);
        cc_map_free(&written);
        if (!status && ds.errors)
            status = 1;
    }
    cc_vec_free(&flows);
    cc_bundle_free(&b);
    cc_diags_free(&ds);
    cli_inputs_free(&in);
    return status;
}

static const char usage_graph[] =
    "usage: ccflow graph [OPTIONS] [--] PATH...\n"
    "\n"
    "Draws the flows of the given files and directories (YAML, DSL and Connect JSON, read and checked\n"
    "as one bundle as by 'ccflow check'): every block with its id, kind and key parameters, branches\n"
    "labelled, the start marked, the channels that reach each block; a block that a reaching channel\n"
    "does not support in red, unreachable blocks grey; each flow a cluster, with dashed edges for\n"
    "the flows a block names (queue, disconnect, whisper and hold flows, transfers, modules, tasks).\n"
    "A flow with errors is drawn as far as it could be read (see docs/graph.md).\n"
    "\n"
    "options:\n"
    "  --format dot|svg|mermaid   Graphviz DOT (default); SVG, through Graphviz's 'dot' program;\n"
    "                             or a Mermaid flowchart (GitHub draws it in Markdown)\n"
    "  --flow NAME                draw only the flow NAME (repeatable); the flows it names appear\n"
    "                             as one node each\n"
    "  -o FILE                    write to FILE instead of standard output\n"
    "  --no-stdlib                do not add the standard flows to the bundle\n"
    "  --resources FILE, --type TYPE\n"
    "                             as for 'ccflow check': names for Connect ARNs, the type of\n"
    "                             untyped Connect flows\n"
    "  --                         what follows is a PATH, even when it starts with '-'\n"
    "  -h, --help                 print this help\n"
    "\n"
    "A compiled bundle (.ccfb) is drawn from the source files its source map names.\n"
    "\n"
    "exit status: 0 drawn (findings in the flows do not change it; 'ccflow check' reports them),\n"
    "2 usage or I/O error (a path that cannot be read or holds no flow, an unknown --flow, no\n"
    "'dot' program for --format svg, an output that cannot be written)\n";

/* Runs Graphviz's dot -Tsvg with the DOT text on its standard input and its standard output on
 * fd. Returns 0, or 2 after saying why (dot missing, failing or killed). */
static int graph_svg(const cc_buf *dot_text, int fd)
{
    int in[2];
    if (pipe(in) != 0) {
        fprintf(stderr, "ccflow: cannot run dot: %s\n", strerror(errno));
        return 2;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "ccflow: cannot run dot: %s\n", strerror(errno));
        close(in[0]);
        close(in[1]);
        return 2;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        if (fd != 1)
            dup2(fd, 1);
        close(in[0]);
        close(in[1]);
        execlp("dot", "dot", "-Tsvg", (char *)NULL);
        _exit(errno == ENOENT ? 127 : 126);
    }
    close(in[0]);
    size_t done = 0;
    while (done < dot_text->len) {
        ssize_t w = write(in[1], dot_text->data + done, dot_text->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* dot went away: its status says why */
        done += (size_t)w;
    }
    close(in[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "ccflow: cannot wait for dot: %s\n", strerror(errno));
            return 2;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        fprintf(stderr, "ccflow: --format svg needs Graphviz's 'dot' program, which is not on PATH "
                        "(Debian package graphviz); --format dot writes the DOT text it reads\n");
        return 2;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || done < dot_text->len) {
        fprintf(stderr, "ccflow: dot -Tsvg failed (%s %d)\n", WIFEXITED(st) ? "exit status" : "signal",
                WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        return 2;
    }
    return 0;
}

typedef CC_VEC(char *) cli_names; /* strings the vector owns */

static void names_free(cli_names *v)
{
    for (size_t k = 0; k < v->len; k++)
        cc_free(v->items[k]);
    cc_vec_free(v);
}

/* The compiled bundles among paths give way to the sources their source maps name (kept in
 * sources). False after saying why a bundle cannot be read or names no sources. */
static bool graph_sources(cli_args *paths, cli_names *sources)
{
    for (size_t i = 0; i < paths->len; i++) {
        if (!has_ext(paths->items[i], ".ccfb"))
            continue;
        size_t len;
        char *bytes = cc_read_file(paths->items[i], &len);
        char err[256] = "", *names = NULL;
        size_t count = 0;
        if (!bytes || ccflow_bundle_sources(bytes, len, 0, &names, &count, err, sizeof err) != 0) {
            fprintf(stderr, "ccflow: cannot read the bundle '%s': %s\n", paths->items[i], bytes ? err : strerror(errno));
            cc_free(bytes);
            return false;
        }
        size_t added = 0;
        const char *name = names;
        for (size_t f = 0; f < count; f++, name += strlen(name) + 1)
            if (strncmp(name, "<stdlib>/", 9) != 0) { /* the standard flows come with every bundle */
                cc_vec_push(sources, cc_xstrdup(name));
                added++;
            }
        ccflow_free(names);
        cc_free(bytes);
        if (!added) {
            fprintf(stderr, "ccflow: '%s' has no source map (compiled with --strip): no sources to draw\n",
                    paths->items[i]);
            return false;
        }
    }
    if (sources->len) { /* the bundles' sources in place of the bundles */
        size_t kept = 0;
        for (size_t i = 0; i < paths->len; i++)
            if (!has_ext(paths->items[i], ".ccfb"))
                paths->items[kept++] = paths->items[i];
        paths->len = kept;
        for (size_t k = 0; k < sources->len; k++)
            cc_vec_push(paths, sources->items[k]);
    }
    return true;
}

static int cmd_graph(int argc, char **argv)
{
    bool stdlib = true;
    int format = 0; /* 0 dot, 1 svg, 2 mermaid */
    const char *out_path = NULL;
    cli_inputs in = {.co = {.type = -1}};
    static const char *const formats[] = {"dot", "svg", "mermaid", NULL};
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--no-stdlib", .kind = OPT_FALSE, .target = &stdlib},
        CONNECT_OPTIONS(&in.co),
        {.name = "-o", .kind = OPT_STRING, .target = &out_path, .flags = OPT_NONEMPTY | OPT_TYPED,
         .missing = "%s needs a value"},
        {.name = "--flow", .kind = OPT_LIST, .target = &in.only, .flags = OPT_NONEMPTY | OPT_TYPED,
         .missing = "%s needs a value"},
        {.name = "--format", .kind = OPT_CHOICE, .target = &format, .flags = OPT_EQ | OPT_NONEMPTY | OPT_TYPED,
         .missing = "%s needs a value", .choices = formats, .bad = "unknown format '%s'; expected dot, svg or mermaid"},
    };
    const cli_command cmd = {usage_graph, options, CC_ARRAY_LEN(options), &in.paths, true, 0, NULL};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && !in.paths.len)
        status = usage_error(usage_graph, "%s", "no flows given");
    if (status >= 0) {
        cli_inputs_free(&in);
        return status;
    }
    status = 0;

    cli_names sources = {0}; /* a compiled bundle is drawn from the sources its source map names */
    if (!graph_sources(&in.paths, &sources)) {
        names_free(&sources);
        cli_inputs_free(&in);
        return 2;
    }

    cc_diags ds;
    cc_bundle b;
    cli_bundle_init(&b, &ds, &in.co);
    bool io_ok = cc_bundle_load_and_check(&b, in.paths.items, in.paths.len, stdlib);
    for (size_t j = 0; io_ok && j < in.only.len; j++)
        if (!cc_bundle_flow(&b, in.only.items[j])) {
            cc_report(&ds, CC_E100, (cc_loc){0}, "no flow named '%s' in the inputs", in.only.items[j]);
            io_ok = false;
        }
    if (!io_ok || !b.files) {
        /* what could not be read, and why; the findings of flows that could are check's business */
        cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
        status = 2;
    } else {
        if (ds.errors)
            fprintf(stderr, "ccflow: note: the flows have %zu error%s; 'ccflow check' lists them\n", ds.errors,
                    ds.errors == 1 ? "" : "s");
        cc_buf text = {0};
        cc_graph_render(&b, in.only.items, in.only.len, format == 2 ? CC_GRAPH_MERMAID : CC_GRAPH_DOT, &text);
        FILE *out = open_output(out_path, "w");
        if (!out)
            status = 2;
        else {
            if (format == 1) {
                fflush(out);
                status = graph_svg(&text, fileno(out));
            } else
                fwrite(text.data, 1, text.len, out);
            if (out != stdout && !output_done(out, out_path))
                status = 2;
        }
        cc_buf_free(&text);
    }
    cc_bundle_free(&b);
    cc_diags_free(&ds);
    names_free(&sources);
    cli_inputs_free(&in);
    return status;
}

static const char usage_diff[] =
    "usage: ccflow diff [--format text|markdown|json] [--no-stdlib] [--resources FILE] [--type TYPE] OLD NEW\n"
    "\n"
    "Compares two flows or bundles (files or directories, in any mix of YAML, DSL and Amazon\n"
    "Connect JSON) by meaning: layout, whitespace, comments, key and action order and the syntax a\n"
    "flow is written in are no change. Flows match by name; blocks by Connect identifier, id, then\n"
    "by structure when only a block's id changed. Reports flows and blocks added, removed and\n"
    "changed (kind, parameters, branch targets, start), and the channel verdicts (E401, W402,\n"
    "E403) that appear or disappear.\n"
    "\n"
    "options:\n"
    "  --format text|markdown|json  how to print the report (default: text; markdown suits a\n"
    "                               pull-request comment; json is described in docs/diff.md)\n"
    "  --no-stdlib                  do not add the standard flows to either bundle\n"
    "  --resources FILE             names for the ARNs and ids of Amazon Connect flows (both sides)\n"
    "  --type TYPE                  flow type of Connect flows whose Metadata gives none\n"
    "  -h, --help                   print this help\n"
    "\n"
    "exit status: 0 no semantic change, 1 changes, 2 usage or I/O error (a path that cannot be\n"
    "read, holds no flow or holds a file that is not a flow)\n";

/* Loads one side of a diff as check would; false (its findings told on standard error) when it
 * cannot be compared: unreadable, empty, or a file that is no flow at all. */
static bool diff_load(cc_bundle *b, cc_diags *ds, const char *path, const connect_opts *co, bool stdlib)
{
    cli_bundle_init(b, ds, co);
    bool ok = cc_bundle_load_and_check(b, &path, 1, stdlib) && b->files;
    for (size_t i = 0; i < ds->diags.len && ok; i++)
        ok = ds->diags.items[i]->code != CC_E100 && ds->diags.items[i]->code != CC_E101 &&
             ds->diags.items[i]->code != CC_E102;
    if (!ok) {
        cc_diags_render(ds, stderr, CC_FORMAT_TEXT, want_color(stderr));
        fprintf(stderr, "ccflow: cannot compare '%s'\n", path);
    }
    return ok;
}

static int cmd_diff(int argc, char **argv)
{
    int format = CC_DIFF_TEXT;
    bool stdlib = true;
    cli_inputs in = {.co = {.type = -1}};
    static const char *const formats[] = {"text", "markdown", "json", NULL};
    const cli_option options[] = {
        {.name = "--help", .alias = "-h", .kind = OPT_HELP},
        {.name = "--format", .kind = OPT_CHOICE, .target = &format, .flags = OPT_EQ,
         .missing = "--format takes text, markdown or json (none given)", .choices = formats,
         .bad = "--format takes text, markdown or json"},
        {.name = "--no-stdlib", .kind = OPT_FALSE, .target = &stdlib},
        CONNECT_OPTIONS(&in.co),
    };
    const cli_command cmd = {usage_diff, options, CC_ARRAY_LEN(options), &in.paths, true, 2,
                             "two paths, OLD and NEW; '%s' is a third"};
    int status = cli_parse(&cmd, argc, argv);
    if (status < 0 && in.paths.len != 2)
        status = usage_error(usage_diff, "%s", "two paths needed: OLD and NEW");
    if (status >= 0) {
        cli_inputs_free(&in);
        return status;
    }
    cc_diags ds_old, ds_new;
    cc_bundle old_b, new_b;
    bool ok = diff_load(&old_b, &ds_old, in.paths.items[0], &in.co, stdlib);
    ok &= diff_load(&new_b, &ds_new, in.paths.items[1], &in.co, stdlib);
    status = 2;
    if (ok) {
        cc_buf out = {0};
        status = cc_diff_bundles(&old_b, &new_b, (cc_diff_format)format, &out) ? 1 : 0;
        if (out.len)
            fwrite(out.data, 1, out.len, stdout);
        cc_buf_free(&out);
    }
    cc_bundle_free(&old_b);
    cc_bundle_free(&new_b);
    cc_diags_free(&ds_old);
    cc_diags_free(&ds_new);
    cli_inputs_free(&in);
    return status;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(usage_main, "%s", "no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("ccflow %s\n", ccflow_version());
        return 0;
    }
    if (!strcmp(cmd, "check"))
        return check_or_empty(argc - 1, argv + 1);
    if (!strcmp(cmd, "compile"))
        return cmd_compile(argc - 1, argv + 1);
    if (!strcmp(cmd, "disasm"))
        return cmd_disasm(argc - 1, argv + 1);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1, false);
    if (!strcmp(cmd, "test"))
        return cmd_run(argc - 1, argv + 1, true);
    if (!strcmp(cmd, "import"))
        return cmd_import(argc - 1, argv + 1);
    if (!strcmp(cmd, "fmt"))
        return cmd_fmt(argc - 1, argv + 1);
    if (!strcmp(cmd, "ir"))
        return cmd_ir(argc - 1, argv + 1);
    if (!strcmp(cmd, "blocks"))
        return cmd_blocks(argc - 1, argv + 1);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "graph"))
        return cmd_graph(argc - 1, argv + 1);
    if (!strcmp(cmd, "diff"))
        return cmd_diff(argc - 1, argv + 1);
    return usage_error(usage_main, "unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    /* a reader that goes away (ccflow check dir | head) is a write error, exit 2, not a signal */
    signal(SIGPIPE, SIG_IGN);
    int status = dispatch(argc, argv);
    /* every command's standard output is checked once, here: what could not be written fails */
    if (!output_done(stdout, NULL))
        status = 2;
    return status;
}
