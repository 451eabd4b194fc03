/* ir.h — the flow IR: flows of blocks with typed parameters, cases and branches, each carrying
 * its source location. Every front end (YAML, DSL, Connect JSON) builds it; validation and code
 * generation read only it. */
#ifndef CCFLOW_IR_H
#define CCFLOW_IR_H

#include "catalog.h"
#include "doc.h"

#define CC_NO_BLOCK (-1)

typedef struct {
    const cc_param_spec *spec;
    cc_loc key_loc;   /* the parameter's key (or the kind key for a shorthand) */
    cc_node *value;   /* as written */
    bool is_ref;      /* a $. reference, read at run time */
    bool invalid;     /* written but wrong (already diagnosed): counts as given, is never used */
    int64_t num;      /* CC_PT_INT, CC_PT_DURATION (ms), CC_PT_BOOL */
} cc_param;

typedef struct {
    const char *op;   /* operator as written: "equals", "greater_than", "percent"... */
    cc_loc op_loc;
    cc_node *operand;
    int64_t num;      /* numeric operand, when the operator compares numbers */
    const char *target;
    cc_loc target_loc;
    int32_t to;       /* resolved block index, or CC_NO_BLOCK */
    cc_loc loc;       /* the whole case */
} cc_case;

typedef struct {
    const char *name; /* "next", "error", "at_capacity"... */
    int index;        /* -1 next, else index in the kind's branch list */
    cc_loc name_loc;
    const char *target;
    cc_loc target_loc;
    int32_t to;       /* resolved block index, or CC_NO_BLOCK */
} cc_branch;

typedef struct {
    const char *id;
    cc_loc id_loc;
    const cc_block_spec *spec; /* NULL when the kind is unknown (already diagnosed) */
    cc_loc kind_loc;
    cc_param *params;
    uint32_t nparams;
    cc_case *cases;
    uint32_t ncases;
    cc_branch *branches;
    uint32_t nbranches;
    /* Set by cc_check_bundle (false and 0 before it runs): */
    bool reachable;    /* a path from its flow's start leads to it */
    unsigned channels_in; /* CC_CH_* mask of the channels whose contacts reach it (SPEC §5: the
                           * data flow within and across flows, narrowed by $.Channel checks) */
} cc_block;

typedef struct {
    const char *name;
    cc_loc name_loc;
    int type; /* cc_flow_type, or -1 when unknown */
    cc_loc type_loc;
    unsigned channels; /* declared channels, or the type's when not declared */
    bool channels_declared;
    cc_loc channels_loc;
    const char *description; /* or NULL */
    const char *start; /* NULL: the first block */
    cc_loc start_loc;
    int32_t start_index;
    cc_block *blocks;
    uint32_t nblocks;
    uint32_t file;
    bool from_stdlib;
    const cc_node *connect; /* `connect:` metadata: what Connect export gives back (identifiers, layout) */
    unsigned channels_entry; /* set by cc_check_bundle: the channels whose contacts enter the flow */
} cc_flow;

struct cc_resources;

typedef struct {
    cc_arena arena;
    cc_diags *ds;
    CC_VEC(cc_flow *) flows;
    cc_map by_name;
    /* inputs: set before adding paths */
    const char *const *excludes; /* globs whose matches a directory walk skips */
    size_t nexcludes;
    const char *stdin_name; /* the name "-" reads standard input as (default "<stdin>") */
    size_t files;           /* flow files read so far, outside the standard flows */
    cc_map walked; /* "device:inode" of the directories and files a walk has read: each once */
    const struct cc_resources *resources; /* names of Connect ARNs and ids, or NULL */
    int connect_type;                     /* flow type of Connect flows that give none, or -1 */
} cc_bundle;

/* The reader a flow file needs. */
typedef enum { CC_READER_NONE, CC_READER_YAML, CC_READER_DSL, CC_READER_JSON } cc_reader;

/* Which reader a file needs, by its name (.yaml and .yml YAML, .flow the DSL); CC_READER_NONE
 * when it is not a flow file, which a directory walk skips. The one place that decides it. */
cc_reader cc_flow_file_reader(const char *path);

void cc_bundle_init(cc_bundle *b, cc_diags *ds);
void cc_bundle_free(cc_bundle *b);

/* Builds a flow from a document tree, diagnosing every schema problem; returns NULL only when
 * the tree is not a flow at all. The flow is not yet added to the bundle. */
cc_flow *cc_flow_from_doc(cc_bundle *b, uint32_t file, const cc_node *root);

/* Reads a flow file and adds its flow to the bundle ("-" reads standard input). Returns false on
 * I/O failure. */
bool cc_bundle_add_file(cc_bundle *b, const char *path, bool from_stdlib);
/* Adds a file, or every flow file under a directory, recursively, in name order, skipping
 * what b->excludes match. */
bool cc_bundle_add_path(cc_bundle *b, const char *path, bool from_stdlib);
/* Adds a flow from text (taken over by the bundle); false when the text holds no usable flow.
 * The reader comes from the path's extension, or from the text when the path has none that
 * names a reader (standard input, a file named on the command line). */
bool cc_bundle_add_text(cc_bundle *b, const char *path, char *text, size_t len, bool from_stdlib);
/* Adds the standard flows (stdlib/flows, built in) that the bundle does not define itself; call it
 * after the bundle's own files, so that a bundle's flow of the same name wins. */
void cc_bundle_add_stdlib(cc_bundle *b);

cc_flow *cc_bundle_flow(const cc_bundle *b, const char *name);
int32_t cc_flow_block_index(const cc_flow *f, const char *id);
const cc_param *cc_block_param(const cc_block *blk, const char *name);
const cc_branch *cc_block_branch(const cc_block *blk, const char *name);

/* The whole front half of check and compile: adds the paths (files or directories), the standard
 * flows when asked, and runs every check. Returns false when a path could not be read, or held
 * no flow file (each such path is reported: no flows found in PATH). */
bool cc_bundle_load_and_check(cc_bundle *b, const char *const *paths, size_t n, bool stdlib);

/* Runs every check of SPEC §5 on the bundle (resolution, graph, flow types, channels), and
 * records what the analysis found in each cc_block (reachable, channels_in) and cc_flow
 * (channels_entry) for the commands that show it (ccflow graph). */
void cc_check_bundle(cc_bundle *b);

/* Appends a canonical, location-free text form of a flow's IR to out. */
void cc_flow_dump(const cc_flow *f, cc_buf *out);

/* Whether text is a $. reference ccflow understands; *why explains a rejection. */
bool cc_ref_valid(const char *text, const char **why);

#endif
