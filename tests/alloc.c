/* alloc.c — the library under an allocator that fails: a whole embedding (check the example
 * flows and a DSL flow, render, compile, load, route tasks, call a host function, save, restore,
 * run on) is repeated with the Nth allocation failing, for every N up to the number a clean run
 * makes (or every STRIDE-th, from the command line). Each time, every call must either succeed
 * or fail cleanly with the handle reporting out of memory, and once the handles are freed the
 * allocator must hold nothing: no crash, no leak, no half-made handle. */
#include <ccflow.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct {
    unsigned long calls;   /* allocations and resizes so far */
    unsigned long fail_at; /* the one that fails; 0: none */
    long live;             /* blocks held */
    int failed;            /* the failure was handed out */
} counting;

static void *counting_realloc(void *user, void *p, size_t n)
{
    counting *a = user;
    if (n == 0) {
        if (p)
            a->live--;
        free(p);
        return NULL;
    }
    if (++a->calls == a->fail_at) {
        a->failed = 1;
        return NULL;
    }
    void *q = realloc(p, n);
    if (q && !p)
        a->live++;
    return q;
}

static const char dsl[] = "flow \"Lookup\" { type: inbound, channels: [task] }\n"
                          "call: invoke_lambda { function: crm, timeout: 5s, parameters: { who: $.Name } }\n"
                          "    error -> failed\n"
                          "keep: set_contact_attributes { tier: $.External.tier }\n"
                          "    error -> failed\n"
                          "route: transfer_to_queue { queue: Support }\n"
                          "    at_capacity -> failed\n"
                          "    error -> failed\n"
                          "failed: disconnect\n";

static const char broken[] = "flow: Broken\ntype: inbound\nblocks:\n  a: { wiat: 5s }\n";

typedef struct {
    ccflow_vm *vm;
    unsigned long long pending[16];
    int n;
} host;

static void crm(void *user, unsigned long long call, const char *contact, const char *function,
                const char *const *keys, const char *const *values, size_t count)
{
    host *h = user;
    (void)contact, (void)function, (void)keys, (void)values, (void)count;
    if (h->n % 2 == 0) { /* every other call is answered at once, from inside the callback */
        const char *k[] = {"tier"}, *v[] = {"gold"};
        ccflow_vm_answer(h->vm, call, 1, k, v, 1);
    } else if (h->n < 16)
        h->pending[h->n] = call;
    h->n++;
}

/* Problems inside a run are counted, and the first few printed, rather than checked one by one. */
static unsigned long problems;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond) && problems++ < 5) {                                                           \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                           \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static void record_seen(void *user, const ccflow_record *r) { (void)user, (void)r; }

static void record(void *user, const ccflow_record *r)
{
    (*(int *)user)++;
    (void)r;
}

/* One embedding. Returns 1 when it ran to the end, 0 when a call failed for want of memory; a
 * failure of any other kind, or one the handle does not own up to, is a test failure. */
static int embedding(const ccflow_allocator *al, const counting *a, int *records)
{
    int ok = 0;
    void *bytes = NULL, *state = NULL;
    size_t size = 0, state_size = 0;
    ccflow_vm *vm = NULL, *again = NULL;
    char err[256];

    ccflow_check *c = ccflow_check_new_with(al);
    if (!c)
        return 0;
    ccflow_check *bad = ccflow_check_new_with(al);
    if (!bad)
        goto out;
    ccflow_check_use_stdlib(bad, 0);
    if (ccflow_check_add_source(bad, "broken.yaml", broken, strlen(broken)) != 0 || ccflow_check_run(bad) != 1 || !ccflow_check_render(bad, CCFLOW_FORMAT_SARIF)) {
        EXPECT(ccflow_check_out_of_memory(bad), "the broken flow fails only for want of memory");
        goto out;
    }
    if (ccflow_check_add_path(c, "flows") != 0 || ccflow_check_add_source(c, "lookup.flow", dsl, strlen(dsl)) != 0 ||
        ccflow_check_run(c) != 0 || !ccflow_check_render(c, CCFLOW_FORMAT_JSON) ||
        ccflow_check_compile(c, 0, &bytes, &size) != 0) {
        EXPECT(ccflow_check_out_of_memory(c), "the checker fails only for want of memory");
        goto out;
    }
    if (!(vm = ccflow_vm_new_with(al, bytes, size, 0, 1700000000000ll, 7, err, sizeof err))) {
        EXPECT(a->failed && !strcmp(err, "out of memory"), "the VM is refused only for want of memory: %s", err);
        goto out;
    }
    host h = {vm, {0}, 0};
    ccflow_vm_on_record(vm, record, records);
    const char *queues[] = {"Support"};
    ccflow_agent agent = {"alice", queues, 1, {0, 0, 2, 0}, 60000, 5000, 1};
    if (ccflow_vm_add_queue(vm, "Support", 0) != 0 || ccflow_vm_add_queue(vm, "Claims", 0) != 0 ||
        ccflow_vm_add_queue(vm, "Sales", 0) != 0 || ccflow_vm_add_agent(vm, &agent) != 0 ||
        ccflow_vm_add_host_function(vm, "crm", crm, &h) != 0)
        goto vm_failed;
    ccflow_template_field fields[] = {{"policy", "text", "P-0", 0, 0}};
    ccflow_template tpl = {"Claim", "Task routing", 3600000, 1, 1, fields, 1};
    if (ccflow_vm_add_template(vm, &tpl, err, sizeof err) != 0)
        goto vm_failed;
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof name, "Follow-up %d", i);
        const char *k[] = {"kind"}, *v[] = {"claim"};
        const char *rn[] = {"policy"}, *rt[] = {"STRING"}, *rv[] = {"P-1"};
        ccflow_task t = {.name = name,
                         .description = "call the customer back",
                         .flow = i % 2 ? "Lookup" : i == 4 ? NULL : "Task routing",
                         .template_name = i == 4 ? "Claim" : NULL,
                         .scheduled_ms = -1,
                         .attribute_keys = k,
                         .attribute_values = v,
                         .attribute_count = 1,
                         .reference_names = rn,
                         .reference_types = rt,
                         .reference_values = rv,
                         .reference_count = i == 4,
                         .previous_contact_id = i == 2 ? "task-0000001" : NULL,
                         .client_token = i == 3 ? "tok" : NULL};
        if (ccflow_vm_start_task(vm, &t, NULL, 0, err, sizeof err) != 0) {
            EXPECT(!strcmp(err, "out of memory"), "a task is refused only for want of memory: %s", err);
            goto vm_failed;
        }
    }
    const char *uk[] = {"tier"}, *uv[] = {"gold"};
    ccflow_metrics metrics;
    long long levels[] = {60000};
    if (ccflow_vm_run_until(vm, 1700000000000ll) < 0 ||
        ccflow_vm_update_attributes(vm, "task-0000003", uk, uv, 1, err, sizeof err) != 0 ||
        ccflow_vm_describe_contact(vm, "task-0000001", record_seen, NULL) != 0 ||
        ccflow_vm_search_contacts(vm, &(ccflow_search){.channel = "TASK"}, record_seen, NULL) < 0 ||
        ccflow_vm_queue_metrics(vm, "Support", "TASK", levels, 1, &metrics) != 0)
        goto vm_failed;
    if (ccflow_vm_run_until(vm, 1700000000000ll + 2000) < 0 || ccflow_vm_save(vm, &state, &state_size) != 0)
        goto vm_failed;
    if (!(again = ccflow_vm_restore_with(al, bytes, size, 0, state, state_size, err, sizeof err))) {
        EXPECT(a->failed && !strcmp(err, "out of memory"), "the state is refused only for want of memory: %s", err);
        goto out;
    }
    ccflow_vm_on_record(again, record, records);
    h.vm = again;
    if (ccflow_vm_add_host_function(again, "crm", crm, &h) != 0)
        goto again_failed;
    for (int i = 0; i < h.n && i < 16; i++) {
        const char *k[] = {"tier"}, *v[] = {"silver"};
        if (h.pending[i])
            ccflow_vm_answer(again, h.pending[i], 1, k, v, 1);
    }
    if (ccflow_vm_run_until(again, 1700000000000ll + 3600000) < 0)
        goto again_failed;
    ok = !ccflow_vm_out_of_memory(again);
    goto out;
again_failed:
    EXPECT(ccflow_vm_out_of_memory(again), "the restored VM fails only for want of memory");
    goto out;
vm_failed:
    EXPECT(ccflow_vm_out_of_memory(vm), "the VM fails only for want of memory");
out:
    ccflow_vm_free(again);
    ccflow_vm_free(vm);
    ccflow_free(state);
    ccflow_free(bytes);
    ccflow_check_free(bad);
    ccflow_check_free(c);
    return ok;
}

int main(int argc, char **argv)
{
    unsigned long stride = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
    if (stride == 0)
        stride = 1;
    counting a = {0, 0, 0, 0};
    ccflow_allocator al = {counting_realloc, &a};
    int records = 0;
    CHECK(embedding(&al, &a, &records) == 1, "a clean run goes to the end");
    CHECK(records == 6, "the clean run ends its 6 tasks (%d)", records);
    CHECK(a.live == 0, "a clean run leaves nothing allocated (%ld)", a.live);
    unsigned long total = a.calls;
    printf("alloc: a clean run makes %lu allocations; failing each %s\n", total,
           stride == 1 ? "one in turn" : "of a sample");
    unsigned long spent = 0, leaks = 0, finished = 0;
    for (unsigned long n = 1; n <= total; n += n < 200 ? 1 : stride) {
        counting f = {0, n, 0, 0};
        al.user = &f;
        int r = 0;
        int done = embedding(&al, &f, &r);
        if (f.live != 0 && leaks++ < 5)
            CHECK(0, "failing allocation %lu leaves %ld blocks", n, f.live);
        if (done && f.failed && finished++ < 5)
            CHECK(0, "failing allocation %lu went unnoticed: the run finished", n);
        spent++;
    }
    CHECK(leaks == 0, "no failing allocation leaks (%lu did)", leaks);
    CHECK(finished == 0, "every failing allocation is reported (%lu were not)", finished);
    CHECK(spent > 0, "failures were injected");
    CHECK(problems == 0, "every call fails cleanly and owns up to it (%lu did not)", problems);
    printf("alloc: %lu runs with one allocation failing\n", spent);
    printf("alloc: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
