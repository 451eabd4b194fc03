/* embed.c — ccflow embedded in a program: check and compile a bundle of flows, load it into a VM,
 * give it a queue and agents, start tasks, run the clock, and print a line per contact record.
 *
 * Build against an installed ccflow:
 *   cc embed.c $(pkg-config --cflags --libs ccflow) -o embed && ./embed path/to/flows */
#include <ccflow.h>

#include <stdio.h>

static void print_record(void *user, const ccflow_record *r)
{
    int *count = user;
    ++*count;
    printf("%s %s: %s", r->contact_id, r->name, r->reason_name);
    if (r->agent)
        printf(" by %s after %lld s in queue %s", r->agent, (r->dequeued - r->enqueued) / 1000, r->queue);
    printf(", %lld s after it began\n", (r->ended - r->initiated) / 1000);
}

int main(int argc, char **argv)
{
    const char *flows = argc > 1 ? argv[1] : "flows";

    /* 1. Check the bundle the way `ccflow check` does, and compile it. */
    ccflow_check *check = ccflow_check_new();
    if (ccflow_check_add_path(check, flows) != 0 || ccflow_check_run(check) != 0) {
        fputs(ccflow_check_render(check, CCFLOW_FORMAT_TEXT), stderr);
        ccflow_check_free(check);
        return 1;
    }
    void *bundle;
    size_t size;
    if (ccflow_check_compile(check, 1, &bundle, &size) != 0) {
        ccflow_check_free(check);
        return 1;
    }
    ccflow_check_free(check);

    /* 2. A VM on a clock of its own, starting at 2026-11-23T08:00:00Z. */
    const long long start = 1795420800000LL;
    char err[256];
    ccflow_vm *vm = ccflow_vm_new(bundle, size, 0, start, 7, err, sizeof err);
    ccflow_free(bundle);
    if (!vm) {
        fprintf(stderr, "embed: %s\n", err);
        return 1;
    }
    int records = 0;
    ccflow_vm_on_record(vm, print_record, &records);
    ccflow_vm_add_queue(vm, "Support", 0);
    const char *queues[] = {"Support"};
    ccflow_agent alice = {"alice", queues, 1, {0, 0, 2, 0}, 5 * 60000LL, 60000LL, 1};
    ccflow_agent bruno = {"bruno", queues, 1, {0, 0, 1, 0}, 8 * 60000LL, 0, 1};
    ccflow_vm_add_agent(vm, &alice);
    ccflow_vm_add_agent(vm, &bruno);

    /* 3. Tasks, one a minute; a request the API refuses says why. */
    const char *names[] = {"Renew policy", "Call back", "Check claim", "Update address", "Send documents"};
    for (int i = 0; i < 5; i++) {
        const char *keys[] = {"priority"}, *values[] = {i % 2 ? "high" : "normal"};
        ccflow_task task = {.name = names[i], .flow = "Task routing", .scheduled_ms = -1, .attribute_keys = keys, .attribute_values = values, .attribute_count = 1};
        ccflow_vm_run_until(vm, start + i * 60000LL);
        if (ccflow_vm_start_task(vm, &task, NULL, 0, err, sizeof err) != 0)
            fprintf(stderr, "embed: refused: %s\n", err);
    }
    ccflow_task bad = {.name = "No flow", .flow = "No such flow", .scheduled_ms = -1};
    if (ccflow_vm_start_task(vm, &bad, NULL, 0, err, sizeof err) != 0)
        printf("refused: %s\n", err);

    /* 4. Run the clock a day forward. */
    ccflow_vm_run_until(vm, start + 24 * 3600000LL);
    printf("%d contacts ended\n", records);
    ccflow_vm_free(vm);
    return 0;
}
