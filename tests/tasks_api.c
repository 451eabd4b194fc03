/* tasks_api.c — the task lifecycle through the public header and the shared library: start with
 * references, templates and links, client tokens, describe, search, update attributes along a
 * chain, reschedule, transfer, complete, stop, and per-channel metrics. */
#include <ccflow.h>

#include <stdio.h>
#include <string.h>

#include "check.h"

static const char flows[] = "flow \"Work\" { type: inbound, channels: [task] }\n"
                            "queue: set_working_queue Support\n"
                            "    error -> done\n"
                            "go: transfer_to_queue {}\n"
                            "    at_capacity -> done\n"
                            "    error -> done\n"
                            "done: disconnect\n";

static const char hours_flow[] = "flow \"Hours\" { type: inbound, channels: [task] }\n"
                                 "queue: set_working_queue Support\n"
                                 "    error -> done\n"
                                 "open: check_hours_of_operation {}\n"
                                 "    in_hours -> yes\n"
                                 "    out_of_hours -> no\n"
                                 "    error -> done\n"
                                 "yes: set_contact_attributes { open: \"yes\" } -> done\n"
                                 "    error -> done\n"
                                 "no: set_contact_attributes { open: \"no\" } -> done\n"
                                 "    error -> done\n"
                                 "done: disconnect\n";

static const char to_queue[] = "flow \"To queue\" { type: transfer_to_queue, channels: [task] }\n"
                               "go: transfer_to_queue {}\n"
                               "    at_capacity -> done\n"
                               "    error -> done\n"
                               "done: disconnect\n";

/* What a describe or search call saw. */
typedef struct {
    int n;
    char id[16][32], state[16][24], previous[16][32], first_ref[16][64], tier[16][16], agent[16][16];
    long long ended[16], acw_end[16], expiry[16];
} seen;

static void keep(void *user, const ccflow_record *r)
{
    seen *s = user;
    if (s->n >= 16)
        return;
    int i = s->n++;
    snprintf(s->id[i], sizeof s->id[i], "%s", r->contact_id);
    snprintf(s->state[i], sizeof s->state[i], "%s", r->state);
    snprintf(s->previous[i], sizeof s->previous[i], "%s", r->previous_contact_id ? r->previous_contact_id : "-");
    snprintf(s->first_ref[i], sizeof s->first_ref[i], "%s", r->reference_count ? r->reference_values[0] : "-");
    snprintf(s->agent[i], sizeof s->agent[i], "%s", r->agent ? r->agent : "-");
    s->tier[i][0] = '\0';
    for (size_t k = 0; k < r->attribute_count; k++)
        if (!strcmp(r->attribute_keys[k], "tier"))
            snprintf(s->tier[i], sizeof s->tier[i], "%s", r->attribute_values[k]);
    s->ended[i] = r->ended;
    s->acw_end[i] = r->after_contact_work_end;
    s->expiry[i] = r->expiry_ms;
}

/* Callbacks that call the library again: each ended contact and each trace line starts another
 * task, which moves the VM's contacts while it is in the middle of ending or tracing one. */
typedef struct {
    ccflow_vm *vm;
    int records, traces, refused;
} reentry;

static void start_follow_up(reentry *r, const char *related)
{
    char err[200];
    ccflow_task t = {.name = "Follow up", .flow = "Quick", .scheduled_ms = -1, .related_contact_id = related};
    r->refused += ccflow_vm_start_task(r->vm, &t, NULL, 0, err, sizeof err) != 0;
}

static void reenter_record(void *user, const ccflow_record *rec)
{
    reentry *r = user;
    if (r->records++ < 60)
        start_follow_up(r, rec->contact_id);
}

static void reenter_trace(void *user, const ccflow_trace *t)
{
    reentry *r = user;
    if (r->traces++ < 60)
        start_follow_up(r, t->contact_id);
}

static void reentrant_callbacks(void)
{
    static const char quick[] = "flow \"Quick\" { type: inbound, channels: [task] }\n"
                                "mark: set_contact_attributes { seen: \"yes\" } -> done\n"
                                "    error -> done\n"
                                "done: disconnect\n";
    ccflow_check *c = ccflow_check_new();
    ccflow_check_use_stdlib(c, 0);
    ccflow_check_add_source(c, "quick.flow", quick, strlen(quick));
    ccflow_check_run(c);
    void *bytes;
    size_t size;
    ccflow_check_compile(c, 1, &bytes, &size);
    ccflow_check_free(c);
    char err[200];
    for (int which = 0; which < 2; which++) { /* records, then traces, calling back */
        reentry r = {ccflow_vm_new(bytes, size, 0, 0, 1, err, sizeof err), 0, 0, 0};
        if (which == 0)
            ccflow_vm_on_record(r.vm, reenter_record, &r);
        else
            ccflow_vm_on_trace(r.vm, reenter_trace, &r);
        for (int i = 0; i < 7; i++)
            start_follow_up(&r, NULL);
        ccflow_vm_run_until(r.vm, 60000);
        CHECK((which ? r.traces : r.records) > 60 && r.refused == 0 && !ccflow_vm_out_of_memory(r.vm),
              "%s callbacks that start tasks run safely (%d records, %d traces)", which ? "trace" : "record",
              r.records, r.traces);
        ccflow_vm_free(r.vm);
    }
    ccflow_free(bytes);
}

int main(void)
{
    reentrant_callbacks();
    ccflow_check *c = ccflow_check_new();
    ccflow_check_use_stdlib(c, 0);
    ccflow_check_add_source(c, "work.flow", flows, strlen(flows));
    ccflow_check_add_source(c, "to_queue.flow", to_queue, strlen(to_queue));
    ccflow_check_add_source(c, "hours.flow", hours_flow, strlen(hours_flow));
    CHECK(ccflow_check_run(c) == 0, "the flows check clean: %s", ccflow_check_render(c, CCFLOW_FORMAT_TEXT));
    void *bytes;
    size_t size;
    CHECK(ccflow_check_compile(c, 1, &bytes, &size) == 0, "they compile");
    ccflow_check_free(c);
    char err[300], id[64];
    const long long t0 = 1795420800000ll; /* 2026-11-23T08:00:00Z */
    ccflow_vm *vm = ccflow_vm_new(bytes, size, 0, t0, 1, err, sizeof err);
    ccflow_free(bytes);
    CHECK(vm != NULL, "the VM loads: %s", err);
    if (!vm)
        return 1;
    ccflow_vm_add_queue(vm, "Support", 0);
    ccflow_vm_add_queue(vm, "Claims", 0);
    const char *support[] = {"Support"}, *claims[] = {"Claims"};
    ccflow_agent ana = {"ana", support, 1, {0, 0, 1, 0}, 3600000, 0, 0}; /* offline for now */
    ccflow_agent bo = {"bo", claims, 1, {0, 0, 1, 0}, 600000, 60000, 1};
    CHECK(ccflow_vm_add_agent(vm, &ana) == 0 && ccflow_vm_add_agent(vm, &bo) == 0, "two agents");

    /* a task with references, from the library */
    const char *rn[] = {"claim"}, *rt[] = {"URL"}, *rv[] = {"https://claims.example/1"};
    const char *ak[] = {"tier"}, *av[] = {"gold"};
    ccflow_task root = {.name = "Root", .flow = "Work", .scheduled_ms = -1, .attribute_keys = ak,
                        .attribute_values = av, .attribute_count = 1, .reference_names = rn,
                        .reference_types = rt, .reference_values = rv, .reference_count = 1,
                        .client_token = "tok-1"};
    CHECK(ccflow_vm_start_task(vm, &root, id, sizeof id, err, sizeof err) == 0 && !strcmp(id, "task-0000001"),
          "a task starts and its made id comes back: %s %s", id, err);
    char again[64];
    CHECK(ccflow_vm_start_task(vm, &root, again, sizeof again, err, sizeof err) == 0 && !strcmp(again, id),
          "the same client token gives back the same contact");
    const char *bad_types[] = {"ATTACHMENT"};
    ccflow_task attachment = root;
    attachment.client_token = NULL;
    attachment.reference_types = bad_types;
    CHECK(ccflow_vm_start_task(vm, &attachment, NULL, 0, err, sizeof err) == -1 &&
              !strncmp(err, "InvalidParameterException", 25),
          "an ATTACHMENT reference is refused: %s", err);

    /* a template with a required field and a default */
    ccflow_template_field fields[] = {{"policy", "text", NULL, 1, 0}, {"source", "text", "web", 0, 1}};
    ccflow_template claim = {"Claim", "Work", 2 * 3600000ll, 1, 0, fields, 2};
    CHECK(ccflow_vm_add_template(vm, &claim, err, sizeof err) == 0, "a template is added: %s", err);
    CHECK(ccflow_vm_add_template(vm, &claim, err, sizeof err) == -1, "its name is taken after that");
    ccflow_task from_template = {.name = "From template", .template_name = "Claim", .scheduled_ms = -1};
    CHECK(ccflow_vm_start_task(vm, &from_template, NULL, 0, err, sizeof err) == -1 &&
              strstr(err, "field 'policy' of template 'Claim' is required"),
          "a required field is asked for: %s", err);
    const char *pn[] = {"policy"}, *pt[] = {"STRING"}, *pv[] = {"P-9"};
    from_template.reference_names = pn;
    from_template.reference_types = pt;
    from_template.reference_values = pv;
    from_template.reference_count = 1;
    CHECK(ccflow_vm_start_task(vm, &from_template, id, sizeof id, err, sizeof err) == 0, "with it, it starts: %s",
          err);

    /* a chain: attributes shared along PreviousContactId */
    ccflow_task link = {.name = "Link", .flow = "Work", .scheduled_ms = -1, .previous_contact_id = "task-0000001"};
    char link_id[64];
    CHECK(ccflow_vm_start_task(vm, &link, link_id, sizeof link_id, err, sizeof err) == 0, "a linked task starts");
    ccflow_vm_run_until(vm, t0); /* the tasks start: they were due now */
    const char *uk[] = {"tier"}, *uv[] = {"platinum"};
    CHECK(ccflow_vm_update_attributes(vm, link_id, uk, uv, 1, err, sizeof err) == 0, "an update on the link");
    seen d = {0};
    CHECK(ccflow_vm_describe_contact(vm, "task-0000001", keep, &d) == 0 && d.n == 1 && !strcmp(d.tier[0], "platinum") &&
              !strcmp(d.state[0], "QUEUED") && !strcmp(d.first_ref[0], "https://claims.example/1") &&
              d.expiry[0] == 7 * 86400000ll,
          "reaches the first task of the chain, which DescribeContact shows queued (%s %s)", d.tier[0], d.state[0]);
    CHECK(ccflow_vm_describe_contact(vm, "nobody", keep, &d) == -1, "an unknown contact is not described");
    const char *bk[] = {"bad key"};
    CHECK(ccflow_vm_update_attributes(vm, link_id, bk, uv, 1, err, sizeof err) == -1 &&
              !strncmp(err, "InvalidParameterException", 25),
          "a bad key is refused");

    /* a scheduled task, moved */
    ccflow_task later = {.id = "later", .name = "Later", .flow = "Work", .scheduled_ms = t0 + 3600000};
    CHECK(ccflow_vm_start_task(vm, &later, NULL, 0, err, sizeof err) == 0, "a scheduled task");
    CHECK(ccflow_vm_update_schedule(vm, "later", t0 + 7200000, err, sizeof err) == 0, "is rescheduled");
    CHECK(ccflow_vm_update_schedule(vm, "task-0000001", t0 + 7200000, err, sizeof err) == -1,
          "a task already running is not rescheduled");

    /* transfer the first task to Claims, where bo takes it; complete it early */
    CHECK(ccflow_vm_transfer_contact(vm, "task-0000001", "To queue", "Claims", NULL, err, sizeof err) == 0,
          "a transfer: %s", err);
    d.n = 0;
    ccflow_vm_describe_contact(vm, "task-0000001", keep, &d);
    CHECK(d.n == 1 && !strcmp(d.state[0], "CONNECTED") && !strcmp(d.agent[0], "bo"), "bo has it now (%s %s)",
          d.state[0], d.agent[0]);
    ccflow_vm_run_until(vm, t0 + 60000);
    CHECK(ccflow_vm_complete_contact(vm, "task-0000001", err, sizeof err) == 0, "bo completes it after a minute");
    ccflow_vm_run_until(vm, t0 + 90000);
    d.n = 0;
    ccflow_vm_describe_contact(vm, "task-0000001", keep, &d);
    CHECK(d.n == 1 && !strcmp(d.state[0], "AFTER_CONTACT_WORK") && d.ended[0] == t0 + 60000 && d.acw_end[0] == -1,
          "completed, it is disconnected, and bo wraps it up (%s %lld %lld)", d.state[0], d.ended[0] - t0,
          d.acw_end[0]);
    ccflow_vm_run_until(vm, t0 + 10 * 60000);
    d.n = 0;
    ccflow_vm_describe_contact(vm, "task-0000001", keep, &d);
    CHECK(d.n == 1 && !strcmp(d.state[0], "ENDED") && d.ended[0] == t0 + 60000 && d.acw_end[0] == t0 + 120000,
          "it disconnected when completed; bo's minute of after-contact work followed (%s %lld %lld)", d.state[0],
          d.ended[0] - t0, d.acw_end[0] - t0);
    CHECK(ccflow_vm_stop_contact(vm, "task-0000001", err, sizeof err) == -1 && !strncmp(err, "ContactNotFound", 15),
          "an ended contact cannot be stopped");
    CHECK(ccflow_vm_stop_contact(vm, link_id, err, sizeof err) == 0, "the link is stopped");

    /* search and metrics */
    seen found = {0};
    ccflow_search all = {0};
    CHECK(ccflow_vm_search_contacts(vm, &all, keep, &found) == 4 && found.n == 4, "four contacts in all");
    ccflow_search stopped = {.channel = "TASK", .reason = CCFLOW_END_API};
    found.n = 0;
    CHECK(ccflow_vm_search_contacts(vm, &stopped, keep, &found) == 1 && !strcmp(found.id[0], link_id) &&
              !strcmp(found.previous[0], "task-0000001"),
          "one stopped, the link");
    ccflow_search platinum = {.attribute_key = "tier", .attribute_value = "platinum"};
    CHECK(ccflow_vm_search_contacts(vm, &platinum, NULL, NULL) == 2, "two share the chain's tier");
    ccflow_search in_claims = {.queue = "Claims", .from_ms = t0, .to_ms = t0 + 1};
    CHECK(ccflow_vm_search_contacts(vm, &in_claims, NULL, NULL) == 1, "one went through Claims");
    ccflow_metrics m;
    long long levels[] = {60000, 4 * 3600000ll};
    CHECK(ccflow_vm_queue_metrics(vm, "Claims", "TASK", levels, 2, &m) == 0 && m.handled == 1 && m.dequeued == 1 &&
              m.service_level[0] == 100.0 && m.avg_interaction_ms == 0 && m.avg_handle_ms == 120000,
          "Claims handled one task, within 60 s (handled %llu, handle %lld)", m.handled, m.avg_handle_ms);
    CHECK(ccflow_vm_queue_metrics(vm, "Support", NULL, NULL, 0, &m) == 0 && m.in_queue == 1 && m.agents_online == 0,
          "Support has the template's task waiting and nobody online (%llu)", m.in_queue);
    CHECK(ccflow_vm_queue_metrics(vm, "Support", "FAX", NULL, 0, &m) == -1 &&
              ccflow_vm_queue_metrics(vm, "Nowhere", NULL, NULL, 0, &m) == -1,
          "unknown channels and queues are refused");

    /* hours of operation and agent statuses */
    ccflow_hours week[] = {{"mon-fri", "09:00-17:00"}, {"sat", "10:00-13:00"}};
    CHECK(ccflow_vm_add_hours(vm, "Lisbon", "Europe/Lisbon", week, 2, err, sizeof err) == 0, "hours: %s", err);
    CHECK(ccflow_vm_add_hours(vm, "Lisbon", "Europe/Lisbon", week, 2, err, sizeof err) == -1, "names are unique");
    ccflow_hours bad_days[] = {{"someday", "09:00-17:00"}}, bad_range[] = {{"mon", "9 to 5"}};
    CHECK(ccflow_vm_add_hours(vm, "X", "UTC", bad_days, 1, err, sizeof err) == -1 && strstr(err, "someday"),
          "a day that is not one is refused: %s", err);
    CHECK(ccflow_vm_add_hours(vm, "Y", "UTC", bad_range, 1, err, sizeof err) == -1 && strstr(err, "9 to 5"),
          "a range that is not one is refused: %s", err);
    CHECK(ccflow_vm_add_hours(vm, "Z", "Mars/Olympus", week, 1, err, sizeof err) == -1, "so is an unknown zone");
    CHECK(ccflow_vm_set_queue_hours(vm, "Support", "Lisbon") == 0 && ccflow_vm_set_queue_hours(vm, "Support", "No") == -1,
          "Support keeps Lisbon's hours");
    ccflow_vm_run_until(vm, t0 + 2 * 3600000); /* Monday 10:00 in Lisbon */
    ccflow_task open = {.id = "open", .name = "Open?", .flow = "Hours", .scheduled_ms = -1};
    ccflow_vm_start_task(vm, &open, NULL, 0, err, sizeof err);
    ccflow_vm_run_until(vm, t0 + 12 * 3600000); /* 20:00: closed */
    ccflow_task closed = {.id = "closed", .name = "Closed?", .flow = "Hours", .scheduled_ms = -1};
    ccflow_vm_start_task(vm, &closed, NULL, 0, err, sizeof err);
    ccflow_vm_run_until(vm, t0 + 12 * 3600000 + 1);
    seen h = {0};
    ccflow_vm_search_contacts(vm, &(ccflow_search){.attribute_key = "open", .attribute_value = "yes"}, keep, &h);
    CHECK(h.n == 1 && !strcmp(h.id[0], "open"), "the queue is open at 10:00 on a Monday");
    CHECK(ccflow_vm_search_contacts(vm, &(ccflow_search){.attribute_key = "open", .attribute_value = "no"}, NULL, NULL) == 1,
          "and closed at 20:00");
    CHECK(ccflow_vm_set_agent_status(vm, "bo", "lunch") == 0 && ccflow_vm_set_agent_status(vm, "zed", "lunch") == -1,
          "bo goes to lunch");
    CHECK(ccflow_vm_queue_metrics(vm, "Claims", NULL, NULL, 0, &m) == 0 && m.agents_online == 1 &&
              m.agents_available == 0 && m.agents_staffed == 0,
          "online, neither available nor staffed (%llu %llu %llu)", m.agents_online, m.agents_available,
          m.agents_staffed);

    /* an agent who accepts by hand */
    CHECK(ccflow_vm_set_agent_manual_accept(vm, "bo", 1) == 0 && ccflow_vm_set_agent_manual_accept(vm, "zed", 1) == -1,
          "bo accepts by hand from now on");
    ccflow_vm_set_agent_status(vm, "bo", "available");
    long long t = ccflow_vm_now(vm);
    ccflow_task offered = {.id = "offered", .name = "Offered", .flow = "To queue", .scheduled_ms = -1};
    CHECK(ccflow_vm_start_task(vm, &offered, NULL, 0, err, sizeof err) == -1, "a transfer flow does not start tasks");
    ccflow_task work = {.id = "claimwork", .name = "Claim work", .flow = "Work", .scheduled_ms = -1};
    ccflow_vm_start_task(vm, &work, NULL, 0, err, sizeof err);
    ccflow_vm_run_until(vm, t);
    CHECK(ccflow_vm_transfer_contact(vm, "claimwork", "To queue", "Claims", NULL, err, sizeof err) == 0,
          "to Claims: %s", err);
    d.n = 0;
    ccflow_vm_describe_contact(vm, "claimwork", keep, &d);
    CHECK(d.n == 1 && !strcmp(d.state[0], "CONNECTED") && !strcmp(d.agent[0], "-"),
          "offered to bo, not yet with him (%s %s)", d.state[0], d.agent[0]);
    CHECK(ccflow_vm_complete_contact(vm, "claimwork", err, sizeof err) == -1, "an offer cannot be completed");
    ccflow_vm_run_until(vm, t + 30000);
    CHECK(ccflow_vm_accept_contact(vm, "claimwork", err, sizeof err) == 0, "bo accepts after 30 s: %s", err);
    CHECK(ccflow_vm_accept_contact(vm, "claimwork", err, sizeof err) == -1, "but only once");
    d.n = 0;
    ccflow_vm_describe_contact(vm, "claimwork", keep, &d);
    CHECK(d.n == 1 && !strcmp(d.agent[0], "bo"), "now bo has it");

    /* a quick connect to Claims */
    CHECK(ccflow_vm_add_quick_connect(vm, "Claims desk", "Claims", NULL, "To queue", err, sizeof err) == 0,
          "a quick connect: %s", err);
    CHECK(ccflow_vm_add_quick_connect(vm, "Bad", "Claims", NULL, "Work", err, sizeof err) == -1 &&
              strstr(err, "transfer_to_queue"),
          "a quick connect to a queue runs a transfer_to_queue flow: %s", err);
    ccflow_task via = {.id = "via", .name = "Via the desk", .quick_connect = "Claims desk", .scheduled_ms = -1};
    CHECK(ccflow_vm_start_task(vm, &via, NULL, 0, err, sizeof err) == 0, "a task through it: %s", err);
    ccflow_vm_run_until(vm, ccflow_vm_now(vm) + 1);
    d.n = 0;
    ccflow_vm_describe_contact(vm, "via", keep, &d);
    CHECK(d.n == 1 && !strcmp(d.state[0], "QUEUED"), "it waits in Claims while bo works (%s)", d.state[0]);
    ccflow_metrics qm;
    CHECK(ccflow_vm_queue_metrics(vm, "Claims", "TASK", NULL, 0, &qm) == 0 && qm.in_queue == 1, "Claims holds it");
    CHECK(ccflow_vm_set_agent_proficiency(vm, "bo", "language", "spanish") == 0 &&
              ccflow_vm_set_agent_proficiency(vm, "zed", "language", "spanish") == -1,
          "proficiencies are set on known agents");
    ccflow_vm_free(vm);
    printf("tasks api: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
