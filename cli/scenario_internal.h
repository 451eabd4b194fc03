/* scenario_internal.h — what the scenario driver's files share: the scenario being read and run,
 * the plan read from it, and the helpers that read values and report problems. */
#ifndef CCFLOW_SCENARIO_INTERNAL_H
#define CCFLOW_SCENARIO_INTERNAL_H

#include "scenario.h"

#include "bytecode.h"
#include "codegen.h"
#include "ir.h"
#include "runtime.h"

#include <stdint.h>

/* One thing that happens at a moment of the scenario: a contact to start or an agent's status. */
typedef struct {
    int64_t at;
    const cc_node *start_task;    /* the start_task mapping, or NULL */
    const cc_node *start_contact; /* the start_contact mapping (voice, chat, email), or NULL */
    const cc_node *agent;      /* the agent mapping, or NULL */
    uint64_t order;
    const cc_node *api; /* update_attributes, stop_contact or update_schedule (the event mapping) */
} action;

typedef struct {
    int64_t every, next;
    uint64_t left, made;
    const cc_node *start_task;
} arrival;

typedef struct {
    cc_diags *ds;
    const char *dir;
    FILE *records;
    bool ok;
    /* contacts seen ended, for expectations: id -> record summary */
    cc_map ended;
    cc_map rejected; /* id -> exception name */
    cc_map refused;  /* id -> exception name of the last API call refused for that contact */
    cc_map wanted;   /* made ids (task-NNNNNNN) that expectations name: kept like explicit ones */
    cc_arena arena;
    int64_t start;
} scenario;

typedef struct {
    char *reason, *agent, *previous, *related, *created_by, *initiation;
    int64_t started, ended;
    CC_VEC(char *) attrs; /* key, value, key, value... */
    CC_VEC(char *) refs;  /* name, value, name, value... */
} ended_contact;

/* Room for the texts of one request (pointers into the scenario tree). */
typedef struct {
    const char *keys[256], *values[256];
    const char *blocks[64], *branches[64];
    const char *ref_names[64], *ref_types[64], *ref_values[64];
} request_texts;

/* What a scenario file says, read and checked before anything runs: the bundle it names, compiled
 * and loaded into a VM that holds its resources, and what happens when, in time order. */
typedef struct {
    cc_bundle bundle;
    cc_buf bytes;
    ccfb_module m;
    bool loaded;
    cc_rt *rt;
    int64_t until; /* -1: until nothing is left to happen */
    uint64_t seed;
    int64_t levels[CC_METRIC_THRESHOLDS]; /* the report's service level thresholds */
    size_t nlevels;
    CC_VEC(action) actions;
    CC_VEC(arrival) arrivals;
    const cc_node *expect;
    request_texts texts;
} scenario_plan;

/* The longest duration or offset a scenario takes (about 10,000 years): the start plus a few of
 * them stays far inside int64 milliseconds, wherever the runtime adds them up. */
#define SCENARIO_MAX_MS (3650000LL * 86400000LL)

static inline bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR && !cc_node_is_null(n); }

/* scenario_read.c */
void problem(scenario *s, const cc_node *at, const char *fmt, const char *arg);
void problemf(scenario *s, const cc_node *at, const char *fmt, ...) CC_PRINTF(3, 4);
const char *shown(const cc_node *n, char *buf, size_t size);
bool keys_known(scenario *s, const cc_node *map, const char *what, const char *const *known, size_t n);
bool whole_number(scenario *s, const cc_node *n, const char *what, uint64_t min, uint64_t max, uint64_t *out);
bool option_duration(const char *option, const char *text, int64_t *ms);
bool duration_of(scenario *s, const cc_node *n, int64_t *ms);
bool scheduled_of(scenario *s, const cc_node *n, int64_t *when);
bool outcomes_of(scenario *s, const cc_rt *rt, const cc_node *v, cc_task_request *req, const char **blocks,
                 const char **branches, size_t cap);
bool task_request(scenario *s, const cc_rt *rt, const cc_node *st, cc_task_request *req, request_texts *t);
/* Reads the scenario at path into p (s->ok false after reporting problems). False when nothing
 * may run; *status is then 2 for an I/O or command-line problem, else left alone. */
bool scenario_read(scenario *s, scenario_plan *p, const char *path, const cc_scenario_options *opts, FILE *out,
                   int *status);
void scenario_plan_free(scenario_plan *p);

/* scenario_expect.c */
ended_contact *contact_summary(const cc_record *r);
void ended_contact_free(ended_contact *e);
bool expect_item_valid(scenario *s, const cc_rt *rt, const cc_node *item);
bool check_expect(scenario *s, cc_rt *rt, const cc_node *item, FILE *out);

/* scenario.c */
/* Sends the VM's records (and its trace, when asked) to the scenario. */
void scenario_watch(scenario *s, cc_rt *rt, const cc_scenario_options *opts, FILE *out);
bool api_event(scenario *s, cc_rt *rt, const cc_node *ev, request_texts *t, FILE *out, bool dry);
bool start_contact_event(scenario *s, cc_rt *rt, const cc_node *sc, bool dry, const char **keys,
                         const char **values, FILE *out);

#endif
