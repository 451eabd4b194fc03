/* vm_api.c — the VM through the public header and the shared library only: host functions that
 * answer later or never, records, traces, refusals. */
#include <ccflow.h>

#include <stdio.h>
#include <string.h>

#include "check.h"

static const char flow[] = "flow \"Lookup\" { type: inbound, channels: [task] }\n"
                           "call: invoke_lambda { function: crm, timeout: 5s, parameters: { who: $.Name } }\n"
                           "    error -> failed\n"
                           "keep: set_contact_attributes { tier: $.External.tier }\n"
                           "    error -> failed\n"
                           "done: disconnect\n"
                           "failed: set_contact_attributes { tier: none } -> done\n"
                           "    error -> done\n";

typedef struct {
    unsigned long long calls[8];
    char who[8][32];
    int n;
} host;

static void crm(void *user, unsigned long long call, const char *contact, const char *function,
                const char *const *keys, const char *const *values, size_t count)
{
    host *h = user;
    (void)contact;
    if (h->n < 8 && !strcmp(function, "crm") && count == 1 && !strcmp(keys[0], "who")) {
        snprintf(h->who[h->n], sizeof h->who[0], "%s", values[0]);
        h->calls[h->n++] = call;
    }
}

typedef struct {
    char tier[8][16], id[8][32];
    long long ended[8];
    int n;
} seen;

static void record(void *user, const ccflow_record *r)
{
    seen *s = user;
    if (s->n >= 8)
        return;
    snprintf(s->id[s->n], sizeof s->id[0], "%s", r->contact_id);
    s->ended[s->n] = r->ended;
    for (size_t i = 0; i < r->attribute_count; i++)
        if (!strcmp(r->attribute_keys[i], "tier"))
            snprintf(s->tier[s->n], sizeof s->tier[0], "%s", r->attribute_values[i]);
    s->n++;
}

static long long clock_fn(void *user) { return *(long long *)user; }

int main(void)
{
    ccflow_check *c = ccflow_check_new();
    ccflow_check_use_stdlib(c, 0);
    ccflow_check_add_source(c, "lookup.flow", flow, strlen(flow));
    CHECK(ccflow_check_run(c) == 0, "the flow checks clean");
    void *bytes;
    size_t size;
    CHECK(ccflow_check_compile(c, 1, &bytes, &size) == 0, "it compiles");
    void *bundle_copy;
    size_t bundle_size;
    ccflow_check_compile(c, 1, &bundle_copy, &bundle_size);
    ccflow_check_free(c);
    char err[256];
    ccflow_vm *vm = ccflow_vm_new(bytes, size, 0, 0, 1, err, sizeof err);
    ccflow_free(bytes);
    CHECK(vm != NULL, "the VM loads the bundle");
    if (!vm)
        return 1;
    host h = {0};
    seen s = {0};
    ccflow_vm_on_record(vm, record, &s);
    CHECK(ccflow_vm_add_host_function(vm, "crm", crm, &h) == 0, "a host function");
    CHECK(ccflow_vm_add_host_function(vm, "crm", crm, &h) == -1, "names are unique");
    ccflow_task a = {.id = "a", .name = "Ann", .flow = "Lookup", .scheduled_ms = -1};
    ccflow_task b = {.id = "b", .name = "Bob", .flow = "Lookup", .scheduled_ms = -1};
    CHECK(ccflow_vm_start_task(vm, &a, NULL, 0, err, sizeof err) == 0 && ccflow_vm_start_task(vm, &b, NULL, 0, err, sizeof err) == 0,
          "two tasks start");
    ccflow_vm_run_until(vm, 1000);
    CHECK(h.n == 2 && !strcmp(h.who[0], "Ann") && !strcmp(h.who[1], "Bob"), "the host is called with parameters");
    const char *keys[] = {"tier"}, *values[] = {"gold"};
    ccflow_vm_run_until(vm, 3000);
    CHECK(ccflow_vm_answer(vm, h.calls[0], 1, keys, values, 1) == 0, "an answer 3 s later");
    CHECK(s.n == 1 && !strcmp(s.id[0], "a") && !strcmp(s.tier[0], "gold") && s.ended[0] == 3000,
          "the contact goes on with $.External from the answer, at the time of the answer");
    ccflow_vm_run_until(vm, 10000);
    CHECK(s.n == 2 && !strcmp(s.id[1], "b") && !strcmp(s.tier[1], "none") && s.ended[1] == 5000,
          "an unanswered call takes the error branch at its timeout");
    CHECK(ccflow_vm_answer(vm, h.calls[1], 1, keys, values, 1) == -1, "a late answer is refused");
    CHECK(ccflow_vm_answer(vm, 999, 1, keys, values, 1) == -1, "an unknown call is refused");
    ccflow_task bad = {.name = "X", .flow = "Nope", .scheduled_ms = -1};
    CHECK(ccflow_vm_start_task(vm, &bad, NULL, 0, err, sizeof err) == -1 && !strncmp(err, "ResourceNotFoundException", 25),
          "an unknown flow is ResourceNotFoundException");
    /* a host clock: poll runs what is due by its time and says when the next thing is */
    static long long fake_now;
    ccflow_task later = {.id = "later", .name = "Later", .flow = "Lookup", .scheduled_ms = -1};
    ccflow_vm_start_task(vm, &later, NULL, 0, err, sizeof err);
    ccflow_vm_set_clock(vm, clock_fn, &fake_now);
    fake_now = 10000;
    long long next = ccflow_vm_poll(vm);
    CHECK(h.n == 3 && next == 15000, "poll runs what is due and gives the next time (the call's timeout), h.n %d next %lld", h.n, next);
    fake_now = 15000;
    ccflow_vm_poll(vm);
    CHECK(s.n == 3 && !strcmp(s.id[2], "later") && s.ended[2] == 15000, "poll at that time runs the timeout");
    /* save with a host call pending, go on in a restored VM in which the host binds again */
    ccflow_task saved = {.id = "saved", .name = "Saved", .flow = "Lookup", .scheduled_ms = -1};
    ccflow_vm_start_task(vm, &saved, NULL, 0, err, sizeof err);
    fake_now = 16000;
    ccflow_vm_poll(vm);
    void *state;
    size_t state_size;
    CHECK(h.n == 4 && ccflow_vm_save(vm, &state, &state_size) == 0 && state_size > 0, "a state is saved");
    ccflow_vm_free(vm);
    vm = ccflow_vm_restore(bundle_copy, bundle_size, 0, state, state_size, err, sizeof err);
    CHECK(vm != NULL, "and restored");
    if (vm) {
        seen s2 = {0};
        ccflow_vm_on_record(vm, record, &s2);
        CHECK(ccflow_vm_add_host_function(vm, "crm", crm, &h) == 0, "the host function binds again");
        CHECK(ccflow_vm_now(vm) == 16000, "the clock is where it was");
        CHECK(ccflow_vm_answer(vm, h.calls[3], 1, keys, values, 1) == 0 && s2.n == 1 && !strcmp(s2.id[0], "saved") &&
                  !strcmp(s2.tier[0], "gold"),
              "the pending call is answered in the restored VM");
        ((char *)state)[10] ^= 0x40;
        CHECK(ccflow_vm_restore(bundle_copy, bundle_size, 0, state, state_size, err, sizeof err) == NULL,
              "a damaged state is refused");
    }
    ccflow_free(state);
    ccflow_free(bundle_copy);
    ccflow_vm_free(vm);
    char junk[64] = "CCFB";
    CHECK(ccflow_vm_new(junk, sizeof junk, 0, 0, 0, err, sizeof err) == NULL && err[0], "junk is refused with a reason");
    printf("vm api: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
