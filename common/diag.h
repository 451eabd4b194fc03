/* diag.h — the one diagnostic sink: source files, locations, findings and their renderings. */
#ifndef CCFLOW_DIAG_H
#define CCFLOW_DIAG_H

#include "util.h"

#include <stdio.h>

/* A span in a source file: 1-based lines and columns (columns count characters). */
typedef struct {
    uint32_t file; /* index into the source table; 0 means "no location" */
    uint32_t line, col;
    uint32_t end_line, end_col; /* inclusive end; equal to line/col for a point */
} cc_loc;

typedef struct {
    char *path;
    char *text; /* whole file, NUL-terminated; may be NULL when unreadable */
    size_t len;
    uint32_t *line_starts; /* computed when a line is first printed */
    size_t nlines;
} cc_source;

/* Every stable diagnostic code: X(code, severity, slug, one-line summary).
 * docs/diagnostics.md documents each with a failing and a fixed example; tests/docs_examples.sh
 * checks that the two examples still do what the page says. */
#define CC_DIAG_CODES(X)                                                                          \
    X(E100, ERROR, "io", "a file or directory cannot be read")                                   \
    X(E101, ERROR, "syntax", "the file is not well-formed YAML, DSL or JSON")                        \
    X(E102, ERROR, "empty", "the file holds no flow")                                            \
    X(E103, ERROR, "duplicate-key", "a mapping has the same key twice")                          \
    X(E104, ERROR, "unknown-key", "a key that the flow format does not know")                    \
    X(E105, ERROR, "missing-key", "a required key or parameter is absent")                       \
    X(E106, ERROR, "wrong-type", "a value has the wrong type (mapping, list, text, number...)")  \
    X(E107, ERROR, "out-of-range", "a number or duration is outside its allowed range")          \
    X(E108, ERROR, "bad-value", "a value is not one of those allowed")                           \
    X(E109, ERROR, "unknown-kind", "a block kind that the catalogue does not know")              \
    X(E110, ERROR, "block-shape", "a block lacks a kind key or has more than one")               \
    X(E111, ERROR, "unknown-branch", "a branch name that the block's kind does not have, or cannot take with its parameters")        \
    X(E112, ERROR, "bad-id", "a block id is too long or holds a forbidden character")            \
    X(E113, ERROR, "duplicate-id", "two blocks share an id")                                     \
    X(E114, ERROR, "undefined-target", "a branch or start names a block that does not exist")   \
    X(E115, ERROR, "bad-reference", "a $. reference names nothing ccflow knows")                 \
    X(E116, ERROR, "exclusive-params", "parameters that exclude each other, or none of a required set") \
    X(E117, ERROR, "duplicate-flow", "two flows of a bundle share a name")                       \
    X(E118, ERROR, "unknown-flow", "a flow name that the bundle lacks")                          \
    X(E119, ERROR, "bad-percentages", "distribution percentages that sum to more than 100")      \
    X(E120, ERROR, "connect-limit", "an Amazon Connect limit is exceeded (actions, size, identifiers, conditions)") \
    X(E121, ERROR, "connect-action", "an action type that Amazon Connect does not have")          \
    X(E122, ERROR, "connect-legacy", "a flow in the legacy export format (`modules`)")            \
    X(E123, ERROR, "connect-shape", "a Flow-language document or action without the fields it needs") \
    X(W201, WARNING, "unreachable", "a block that no path from the start reaches")               \
    X(W202, WARNING, "unconnected-branch", "a branch with no target: the contact's flow ends there") \
    X(E203, ERROR, "spinning-cycle", "a cycle that never suspends the contact and no loop bounds") \
    X(W204, WARNING, "no-working-queue", "a queue-dependent block reachable before a working queue is set") \
    X(E301, ERROR, "block-flow-type", "a block that the flow's type does not allow")             \
    X(E302, ERROR, "flow-ref-type", "a flow reference that names a flow of the wrong type")      \
    X(E303, ERROR, "type-channels", "declared channels that the flow's type cannot carry")       \
    X(E401, ERROR, "channel-unsupported", "a channel reaches a block that fails for it (Error branch)") \
    X(W402, WARNING, "channel-no-effect", "a channel reaches a block that does nothing for it")  \
    X(E403, ERROR, "channel-not-accepted", "a caller sends a channel that the called flow does not declare") \
    X(W404, WARNING, "channel-value", "a comparison of $.Channel with a value no contact has")    \
    X(W501, WARNING, "placeholder", "an unresolved template placeholder (${...}, {{...}}, %%...%%)") \
    X(W502, WARNING, "unresolved-resource", "a flow given by ARN, id or run-time reference that the analysis cannot follow")  \
    X(W503, WARNING, "connect-unmodelled", "a transition ccflow does not model: kept for export only") \
    X(N504, NOTE, "undocumented-action", "an action type seen in console exports but not documented") \
    X(N505, NOTE, "not-a-flow", "a JSON file that is not a flow, skipped")                       \
    X(N506, NOTE, "default-type", "a Connect flow without a type, read as inbound")

typedef enum {
#define CC_DIAG_ENUM(code, sev, slug, summary) CC_##code,
    CC_DIAG_CODES(CC_DIAG_ENUM)
#undef CC_DIAG_ENUM
        CC_DIAG_COUNT
} cc_diag_code;

typedef enum { CC_SEV_NOTE, CC_SEV_WARNING, CC_SEV_ERROR } cc_severity;

typedef struct {
    const char *code; /* "E101" */
    cc_severity severity;
    const char *slug;
    const char *summary;
} cc_diag_info;

const cc_diag_info *cc_diag_info_of(cc_diag_code code);

typedef struct {
    cc_loc loc;
    char *message;
} cc_note;

typedef struct {
    cc_diag_code code;
    cc_severity severity;
    cc_loc loc;
    char *message;
    CC_VEC(cc_note) notes;
    size_t seq;        /* emission order, to keep sorting stable */
    unsigned channels; /* a channel verdict's (E401, W402, E403) CC_CH_* mask of the channels it
                        * concerns, as its message names them; 0 for other diagnostics */
} cc_diag;

typedef struct {
    CC_VEC(cc_source) sources; /* index 0 is a placeholder for "no file" */
    CC_VEC(cc_diag *) diags;
    size_t errors, warnings;
} cc_diags;

void cc_diags_init(cc_diags *ds);
void cc_diags_free(cc_diags *ds);

/* Registers a source file; the sink takes ownership of text. Returns its file index. */
uint32_t cc_source_add(cc_diags *ds, const char *path, char *text, size_t len);
const cc_source *cc_source_get(const cc_diags *ds, uint32_t file);

cc_diag *cc_report(cc_diags *ds, cc_diag_code code, cc_loc loc, const char *fmt, ...) CC_PRINTF(4, 5);
void cc_note_add(cc_diag *d, cc_loc loc, const char *fmt, ...) CC_PRINTF(3, 4);
void cc_notes_free(cc_diag *d); /* a diagnostic's notes, leaving it without any */

typedef enum { CC_FORMAT_TEXT, CC_FORMAT_JSON, CC_FORMAT_SARIF } cc_format;

/* Sorts the findings by file, line and column (stable: emission order breaks ties). */
void cc_diags_sort(cc_diags *ds);

/* Sorts by file, line and column, and writes every diagnostic in the chosen format. */
void cc_diags_render(cc_diags *ds, FILE *out, cc_format format, bool color);

#endif
