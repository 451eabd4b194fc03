/* frontends.c — benchmark of the front ends on one large bundle written twice, in YAML and in the
 * DSL: libyaml alone (events only), the YAML front end, the DSL front end, and a whole check.
 * Prints each time and the ratios SPEC §11 names; the minimum of several runs counts. */
#include "ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

enum { BLOCKS = 20000, RUNS = 15 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The same flow in both spellings: chains of attribute updates, channel checks and waits. */
static void generate(cc_buf *yaml, cc_buf *dsl)
{
    cc_buf_puts(yaml, "flow: Large\ntype: inbound\nchannels: [task, chat]\nblocks:\n");
    cc_buf_puts(dsl, "flow \"Large\" { type: inbound, channels: [task, chat] }\n\n");
    for (int i = 0; i < BLOCKS; i += 4) {
        char next[32];
        snprintf(next, sizeof next, i + 4 < BLOCKS ? "set_%d" : "bye", i + 4);
        cc_buf_printf(yaml,
                      "  set_%d:\n    set_contact_attributes: { step: \"%d\", tier: $.Attributes.tier }\n"
                      "    next: check_%d\n    on: { error: bye }\n"
                      "  check_%d:\n    check_contact_attributes:\n      value: $.Channel\n      cases:\n"
                      "        - { equals: TASK, next: wait_%d }\n    on: { no_match: metrics_%d }\n"
                      "  wait_%d:\n    wait: 90s\n    on: { timeout: metrics_%d, error: bye }\n"
                      "  metrics_%d:\n    get_queue_metrics: { queue: Support }\n    next: %s\n"
                      "    on: { error: bye }\n",
                      i, i, i, i, i, i, i, i, i, next);
        cc_buf_printf(dsl,
                      "set_%d: set_contact_attributes { step: \"%d\", tier: $.Attributes.tier }\n"
                      "    error -> bye\n"
                      "check_%d: check_contact_attributes { value: $.Channel }\n"
                      "    equals \"TASK\" -> wait_%d\n    no_match -> metrics_%d\n"
                      "wait_%d: wait 90s\n    timeout -> metrics_%d\n    error -> bye\n"
                      "metrics_%d: get_queue_metrics { queue: Support } -> %s\n    error -> bye\n",
                      i, i, i, i, i, i, i, i, next);
    }
    cc_buf_puts(yaml, "  bye:\n    disconnect: {}\n");
    cc_buf_puts(dsl, "bye: disconnect\n");
}

static size_t libyaml_events(const cc_buf *text)
{
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text->data, text->len);
    size_t n = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev))
            break;
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        n++;
        if (done)
            break;
    }
    yaml_parser_delete(&p);
    return n;
}

/* Reads one flow through a front end (read + lower to IR), optionally checking it. */
static size_t front_end(const cc_buf *text, const char *name, bool check)
{
    cc_diags ds;
    cc_diags_init(&ds);
    cc_bundle b;
    cc_bundle_init(&b, &ds);
    char *copy = cc_xmalloc(text->len + 1);
    memcpy(copy, text->data, text->len + 1);
    cc_bundle_add_text(&b, name, copy, text->len, false);
    if (check)
        cc_check_bundle(&b);
    size_t blocks = b.flows.len ? b.flows.items[0]->nblocks : 0;
    if (ds.errors)
        cc_fatal("benchmark input has %zu errors", ds.errors);
    cc_bundle_free(&b);
    cc_diags_free(&ds);
    return blocks;
}

/* Reads the document tree only (no lowering to IR). */
static size_t tree_only(const cc_buf *text, const char *name, bool dsl)
{
    (void)name;
    cc_diags ds;
    cc_diags_init(&ds);
    cc_arena arena;
    cc_arena_init(&arena);
    cc_node *root = dsl ? cc_dsl_read(&arena, &ds, 1, text->data, text->len, NULL)
                        : cc_yaml_read(&arena, &ds, 1, text->data, text->len);
    size_t n = root ? root->count : 0;
    cc_arena_free(&arena);
    cc_diags_free(&ds);
    return n;
}

static size_t libyaml_adapter(const cc_buf *t, const char *name, bool check)
{
    (void)name;
    (void)check;
    return libyaml_events(t);
}

int main(int argc, char **argv)
{
    cc_buf yaml = {0}, dsl = {0};
    generate(&yaml, &dsl);
    /* `frontends --once WHAT` runs one reader once, for instruction counting under callgrind */
    if (argc == 3 && !strcmp(argv[1], "--once")) {
        if (!strcmp(argv[2], "libyaml"))
            libyaml_events(&yaml);
        else if (!strcmp(argv[2], "yaml-reader"))
            tree_only(&yaml, NULL, false);
        else if (!strcmp(argv[2], "dsl-reader"))
            tree_only(&dsl, NULL, true);
        else if (!strcmp(argv[2], "check"))
            front_end(&yaml, "large.yaml", true);
        else if (!strcmp(argv[2], "nothing"))
            ;
        else
            cc_fatal("unknown measurement '%s'", argv[2]);
        cc_buf_free(&yaml);
        cc_buf_free(&dsl);
        return 0;
    }
    size_t ny = front_end(&yaml, "large.yaml", true), nd = front_end(&dsl, "large.flow", true);
    if (ny != nd || ny != BLOCKS + 1)
        cc_fatal("the two spellings differ: %zu and %zu blocks", ny, nd);
    /* The measurements take turns, round after round, so that a burst of load on the machine
     * hits them alike; each keeps its best round. */
    struct {
        size_t (*fn)(const cc_buf *, const char *, bool);
        const cc_buf *text;
        const char *name;
        bool flag;
        double best;
    } m[] = {
        {libyaml_adapter, &yaml, NULL, false, 1e9},       {tree_only, &yaml, NULL, false, 1e9},
        {tree_only, &dsl, NULL, true, 1e9},               {front_end, &yaml, "large.yaml", false, 1e9},
        {front_end, &dsl, "large.flow", false, 1e9},      {front_end, &yaml, "large.yaml", true, 1e9},
    };
    for (int r = 0; r < RUNS; r++)
        for (size_t i = 0; i < CC_ARRAY_LEN(m); i++) {
            double t0 = now();
            m[i].fn(m[i].text, m[i].name, m[i].flag);
            double dt = now() - t0;
            if (dt < m[i].best)
                m[i].best = dt;
        }
    double t_libyaml = m[0].best, t_ytree = m[1].best, t_dtree = m[2].best, t_yaml = m[3].best, t_dsl = m[4].best,
           t_check = m[5].best;
    printf("front ends on one flow of %d blocks (%zu bytes of YAML, %zu of DSL), best of %d rounds:\n", BLOCKS + 1,
           yaml.len, dsl.len, RUNS);
    printf("  libyaml events only       %8.2f ms\n", t_libyaml * 1e3);
    printf("  YAML reader (to a tree)   %8.2f ms\n", t_ytree * 1e3);
    printf("  DSL reader (to a tree)    %8.2f ms\n", t_dtree * 1e3);
    printf("  YAML front end (to IR)    %8.2f ms\n", t_yaml * 1e3);
    printf("  DSL front end (to IR)     %8.2f ms\n", t_dsl * 1e3);
    printf("  check of the YAML bundle  %8.2f ms\n", t_check * 1e3);
    printf("check / libyaml alone: %.2f (target <= 1.5)\n", t_check / t_libyaml);
    printf("YAML reader / DSL reader (parsing to the shared tree): %.2f (target >= 3)\n", t_ytree / t_dtree);
    printf("YAML front end / DSL front end (to the flow IR): %.2f\n", t_yaml / t_dsl);
    cc_buf_free(&yaml);
    cc_buf_free(&dsl);
    return 0;
}
