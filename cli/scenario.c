/* scenario.c — runs a scenario's plan (scenario_read.c) on a virtual clock and reports: records,
 * trace, the per-queue report and the expectations' results (scenario_expect.c). */
#include "scenario_internal.h"

#include "civil.h"
#include "json_writer.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void format_time(char *out, size_t n, int64_t ms) { cc_format_utc(out, n, ms, true); }

static void json_time(cc_jw *w, const char *key, int64_t ms)
{
    char t[96];
    cc_jw_key(w, key);
    if (ms < 0) {
        cc_jw_null(w);
        return;
    }
    format_time(t, sizeof t, ms);
    cc_jw_string(w, t);
}

/* One contact record, one line of compact JSON, in the member order of Connect's records. */
static void record_json(cc_buf *b, const cc_record *r)
{
    cc_jw w;
    cc_jw_init(&w, b, 0, false);
    cc_jw_object(&w);
    cc_jw_kv_string(&w, "ContactId", r->id);
    cc_jw_kv_string(&w, "Channel", r->channel);
    cc_jw_kv_string(&w, "InitiationMethod", r->initiation);
    json_time(&w, "InitiationTimestamp", r->initiated);
    json_time(&w, "ScheduledTimestamp", r->scheduled);
    json_time(&w, "DisconnectTimestamp", r->ended);
    cc_jw_kv_string(&w, "DisconnectReason", cc_end_reason_name(r->reason));
    cc_jw_key(&w, "Queue");
    if (r->queue) {
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "Name", r->queue);
        json_time(&w, "EnqueueTimestamp", r->enqueued);
        json_time(&w, "DequeueTimestamp", r->dequeued);
        int64_t out = r->dequeued >= 0 ? r->dequeued : r->ended;
        cc_jw_kv_int(&w, "Duration", (out - r->enqueued) / 1000);
        cc_jw_object_end(&w);
    } else
        cc_jw_null(&w);
    cc_jw_key(&w, "Agent");
    if (r->agent) {
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "Username", r->agent);
        json_time(&w, "ConnectedToAgentTimestamp", r->connected);
        json_time(&w, "AfterContactWorkStartTimestamp", r->acw_start);
        json_time(&w, "AfterContactWorkEndTimestamp", r->acw_end);
        cc_jw_key(&w, "AfterContactWorkDuration"); /* whole seconds, as Connect counts it */
        if (r->acw_start >= 0 && r->acw_end >= 0)
            cc_jw_int(&w, (r->acw_end - r->acw_start) / 1000);
        else
            cc_jw_null(&w);
        cc_jw_object_end(&w);
    } else
        cc_jw_null(&w);
    bool task = !strcmp(r->channel, "TASK");
    /* a task's name is required (it may be ""); other contacts have one only when given */
    cc_jw_kv_string(&w, "Name", task || (r->name && r->name[0]) ? r->name : NULL);
    cc_jw_kv_string(&w, "Description", r->description);
    cc_jw_key(&w, "Attributes");
    cc_jw_object(&w);
    for (size_t i = 0; i < r->nattrs; i++)
        cc_jw_kv_string(&w, r->attr_keys[i], r->attr_values[i]);
    cc_jw_object_end(&w);
    cc_jw_kv_string(&w, "ContactFlow", r->flow);
    /* every channel carries every field of SPEC §7, null where the contact has no value: only
     * tasks take references, a template and segment attributes */
    cc_jw_key(&w, "References");
    if (task) {
        cc_jw_array(&w);
        for (size_t i = 0; i < r->nrefs; i++) {
            cc_jw_object(&w);
            cc_jw_kv_string(&w, "Name", r->ref_names[i]);
            cc_jw_kv_string(&w, "Type", r->ref_types[i]);
            cc_jw_kv_string(&w, "Value", r->ref_values[i]);
            cc_jw_object_end(&w);
        }
        cc_jw_array_end(&w);
    } else
        cc_jw_null(&w);
    cc_jw_kv_string(&w, "PreviousContactId", r->previous);
    cc_jw_kv_string(&w, "RelatedContactId", r->related);
    cc_jw_kv_string(&w, "InitialContactId", r->initial);
    if (task) {
        cc_jw_key(&w, "TaskTemplateInfo");
        if (r->template_name) {
            cc_jw_object(&w);
            cc_jw_kv_string(&w, "Name", r->template_name);
            cc_jw_object_end(&w);
        } else
            cc_jw_null(&w);
    }
    cc_jw_key(&w, "SegmentAttributes");
    if (task) {
        cc_jw_object(&w);
        cc_jw_key(&w, "connect:ContactExpiry");
        cc_jw_object(&w);
        cc_jw_key(&w, "ValueMap");
        cc_jw_object(&w);
        cc_jw_key(&w, "ExpiryDuration");
        cc_jw_object(&w);
        cc_jw_kv_int(&w, "ValueInteger", r->expiry_ms / 60000);
        cc_jw_object_end(&w);
        cc_jw_object_end(&w);
        cc_jw_object_end(&w);
        if (r->created_by) {
            cc_jw_key(&w, "connect:CreatedByUser");
            cc_jw_object(&w);
            cc_jw_kv_string(&w, "ValueString", r->created_by);
            cc_jw_object_end(&w);
        }
        cc_jw_object_end(&w);
    } else
        cc_jw_null(&w);
    cc_jw_object_end(&w);
    cc_jw_finish(&w);
    cc_buf_putc(b, '\n');
}

static void on_record(void *ud, const cc_record *r)
{
    scenario *s = ud;
    if (s->records) {
        cc_buf b = {0};
        record_json(&b, r);
        fwrite(b.data, 1, b.len, s->records);
        cc_buf_free(&b);
    }
    /* what `expect` may ask about a contact, kept only for contacts with an explicit id and the
     * made ones an expectation names (a bulk run keeps nothing per task) */
    if (strncmp(r->id, "task-", 5) != 0 || cc_map_get(&s->wanted, r->id)) {
        ended_contact *e = contact_summary(r);
        cc_map_put(&s->ended, cc_arena_strdup(&s->arena, r->id), e);
    }
}

static void on_trace(void *ud, const cc_trace *t)
{
    char at[96];
    format_time(at, sizeof at, t->at);
    fprintf((FILE *)ud, "%s %s %s%s%s%s\n", at, t->contact, t->flow, t->block ? "/" : ": ", t->block ? t->block : "",
            t->what ? t->what : "");
}

void scenario_watch(scenario *s, cc_rt *rt, const cc_scenario_options *opts, FILE *out)
{
    cc_rt_on_record(rt, on_record, s);
    if (opts->trace)
        cc_rt_on_trace(rt, on_trace, out);
}

/* The API calls a scenario can make on a contact: update_attributes: { contact, attributes },
 * stop_contact: ID, update_schedule: { contact, scheduled }, transfer: { contact, flow, queue |
 * agent }, complete_contact: ID (its agent completes it now). A refused call is reported with its
 * exception, like a refused start. */
bool api_event(scenario *s, cc_rt *rt, const cc_node *ev, request_texts *t, FILE *out, bool dry)
{
    char err[300] = "";
    bool ok;
    const cc_node *v;
    const char *who;
    /* the calls that take only the contact's id */
    static const struct {
        const char *key;
        bool (*call)(cc_rt *, const char *, char *, size_t);
    } by_id[] = {{"stop_contact", cc_rt_stop_contact},
                 {"accept_contact", cc_rt_accept_contact},
                 {"complete_contact", cc_rt_complete_contact}};
    size_t k = 0;
    while (k < CC_ARRAY_LEN(by_id) && !cc_node_get(ev, by_id[k].key))
        k++;
    if (k < CC_ARRAY_LEN(by_id)) {
        v = cc_node_get(ev, by_id[k].key);
        if (!is_scalar(v)) {
            problem(s, v, "%s names a contact id", by_id[k].key);
            return false;
        }
        who = v->text;
        ok = dry || by_id[k].call(rt, who, err, sizeof err);
    } else if ((v = cc_node_get(ev, "transfer"))) {
        static const char *const transfer_keys[] = {"contact", "flow", "queue", "agent"};
        const cc_node *c = cc_node_get(v, "contact"), *f = cc_node_get(v, "flow"), *q = cc_node_get(v, "queue"),
                      *a = cc_node_get(v, "agent");
        if (!keys_known(s, v, "transfer", transfer_keys, CC_ARRAY_LEN(transfer_keys)))
            return false;
        if (!is_scalar(c) || !is_scalar(f)) {
            problem(s, v, "transfer is { contact: ID, flow: FLOW, queue: Q } or { contact, flow, agent: NAME }%s", "");
            return false;
        }
        who = c->text;
        ok = dry || cc_rt_transfer(rt, who, f->text, is_scalar(q) ? q->text : NULL, is_scalar(a) ? a->text : NULL,
                                   err, sizeof err);
    } else if ((v = cc_node_get(ev, "update_attributes"))) {
        static const char *const update_keys[] = {"contact", "attributes"};
        const cc_node *c = cc_node_get(v, "contact"), *a = cc_node_get(v, "attributes");
        if (!keys_known(s, v, "update_attributes", update_keys, CC_ARRAY_LEN(update_keys)))
            return false;
        if (!is_scalar(c) || !a || a->type != CC_NODE_MAP) {
            problem(s, v, "update_attributes is { contact: ID, attributes: { key: value } }%s", "");
            return false;
        }
        size_t n = 0;
        for (uint32_t i = 0; i < a->count && n < CC_ARRAY_LEN(t->keys); i++) {
            if (a->pairs[i].value->type != CC_NODE_SCALAR) {
                problem(s, a->pairs[i].value, "an attribute's value is text, not %s",
                        cc_node_type_name(a->pairs[i].value));
                return false;
            }
            t->keys[n] = a->pairs[i].key->text;
            t->values[n++] = is_scalar(a->pairs[i].value) ? a->pairs[i].value->text : "";
        }
        who = c->text;
        ok = dry || cc_rt_update_attributes(rt, who, t->keys, t->values, n, err, sizeof err);
    } else {
        static const char *const schedule_keys[] = {"contact", "scheduled"};
        v = cc_node_get(ev, "update_schedule");
        const cc_node *c = cc_node_get(v, "contact"), *at = cc_node_get(v, "scheduled");
        int64_t when;
        if (!keys_known(s, v, "update_schedule", schedule_keys, CC_ARRAY_LEN(schedule_keys)))
            return false;
        if (!is_scalar(c) || !at) {
            problem(s, v, "update_schedule is { contact: ID, scheduled: OFFSET }%s", "");
            return false;
        }
        if (!scheduled_of(s, at, &when))
            return false;
        who = c->text;
        ok = dry || cc_rt_update_schedule(rt, who, when, err, sizeof err);
    }
    if (!ok) {
        fprintf(out, "refused for %s: %s\n", who, err);
        char *exc = cc_arena_strndup(&s->arena, err, strcspn(err, ":"));
        if (cc_map_put(&s->refused, cc_arena_strdup(&s->arena, who), exc))
            cc_map_set(&s->refused, who, exc);
    }
    return true;
}

/* start_contact: { id, channel: VOICE|CHAT|EMAIL, flow, attributes, inputs: [...] } */
bool start_contact_event(scenario *s, cc_rt *rt, const cc_node *sc, bool dry, const char **keys,
                         const char **values, FILE *out)
{
    static const char *const known[] = {"id", "channel", "flow", "attributes", "inputs", "name", "outcomes", "agent"};
    const char *blocks[64], *branches[64];
    if (sc->type != CC_NODE_MAP) {
        problem(s, sc, "start_contact takes a mapping { id, channel, flow, attributes, inputs, outcomes }%s", "");
        return false;
    }
    cc_task_request req = {.scheduled_ms = -1};
    int channel = -1;
    const char *inputs[256];
    size_t ninputs = 0;
    for (uint32_t i = 0; i < sc->count; i++) {
        const cc_node *k = sc->pairs[i].key, *v = sc->pairs[i].value;
        bool text_key = !strcmp(k->text, "id") || !strcmp(k->text, "name") || !strcmp(k->text, "flow") ||
                        !strcmp(k->text, "agent") || !strcmp(k->text, "channel");
        if (text_key && !is_scalar(v)) {
            problemf(s, v, "start_contact's '%s' is text, not %s", k->text, cc_node_type_name(v));
            return false;
        }
        if (!strcmp(k->text, "attributes") && v->type != CC_NODE_MAP) {
            problem(s, v, "start_contact's attributes are a mapping of names to text, not %s", cc_node_type_name(v));
            return false;
        }
        if (!strcmp(k->text, "inputs") && v->type != CC_NODE_LIST) {
            problem(s, v, "start_contact's inputs are a list of what the customer enters at each input block, "
                          "not %s",
                    cc_node_type_name(v));
            return false;
        }
        if (!strcmp(k->text, "id") && is_scalar(v))
            req.id = v->text;
        else if (!strcmp(k->text, "name") && is_scalar(v))
            req.name = v->text;
        else if (!strcmp(k->text, "flow") && is_scalar(v))
            req.flow = v->text;
        else if (!strcmp(k->text, "agent") && is_scalar(v))
            req.outbound_agent = v->text; /* an outbound call this agent places */
        else if (!strcmp(k->text, "channel") && is_scalar(v)) {
            for (int c = 0; c < CC_CH_COUNT; c++)
                if (!strcmp(v->text, cc_channel_upper(c)) && c != 2)
                    channel = c;
            if (channel < 0) {
                problem(s, v, "a contact's channel is VOICE, CHAT or EMAIL (tasks use start_task), not '%s'", v->text);
                return false;
            }
        } else if (!strcmp(k->text, "attributes") && v->type == CC_NODE_MAP) {
            for (uint32_t a = 0; a < v->count && req.nattrs < 256; a++) {
                if (!is_scalar(v->pairs[a].value)) {
                    problem(s, v->pairs[a].value, "an attribute's value is text, not %s",
                            cc_node_type_name(v->pairs[a].value));
                    return false;
                }
                keys[req.nattrs] = v->pairs[a].key->text;
                values[req.nattrs++] = v->pairs[a].value->text;
            }
            req.attr_keys = keys;
            req.attr_values = values;
        } else if (!strcmp(k->text, "inputs") && v->type == CC_NODE_LIST) {
            if (v->count > CC_ARRAY_LEN(inputs)) {
                problem(s, v, "start_contact takes at most 256 inputs%s", "");
                return false;
            }
            for (uint32_t a = 0; a < v->count; a++) {
                if (!is_scalar(v->items[a])) {
                    problem(s, v->items[a], "an input is what the customer enters, as text, not %s",
                            cc_node_type_name(v->items[a]));
                    return false;
                }
                inputs[ninputs++] = v->items[a]->text;
            }
        } else if (!strcmp(k->text, "outcomes")) {
            if (!outcomes_of(s, rt, v, &req, blocks, branches, CC_ARRAY_LEN(blocks)))
                return false;
        } else {
            cc_diag *d = cc_report(s->ds, CC_E104, k->loc, "unknown start_contact field '%s'", k->text);
            const char *best = cc_closest(k->text, known, CC_ARRAY_LEN(known));
            if (best)
                cc_note_add(d, k->loc, "did you mean '%s'?", best);
            s->ok = false;
            return false;
        }
    }
    if (channel < 0) {
        problem(s, sc, "start_contact needs a channel: VOICE, CHAT or EMAIL%s", "");
        return false;
    }
    if (dry)
        return true;
    char err[256];
    if (!cc_rt_start_contact(rt, &req, channel, inputs, ninputs, err, sizeof err)) {
        if (req.id)
            cc_map_put(&s->rejected, cc_arena_strdup(&s->arena, req.id), cc_arena_strndup(&s->arena, err, strcspn(err, ":")));
        fprintf(out, "rejected %s: %s\n", req.id ? req.id : "a contact", err);
    }
    return true;
}

/* Resident memory of this process in bytes (Linux), or 0 when unknown. */
static uint64_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%llu %llu", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * 4096ull;
}

static void print_progress(int64_t now, int64_t start, int64_t until)
{
    double f = until > start ? (double)(now - start) / (double)(until - start) : 1;
    fprintf(stderr, "\rsimulating: %5.1f%%", 100 * (f > 1 ? 1 : f));
}

/* Saves the VM's state at `at`, throws the VM away, and goes on in one restored from the bytes. */
static bool restart_vm(cc_rt **rt, const ccfb_module *m, scenario *s, const cc_scenario_options *opts, int64_t at,
                       FILE *out)
{
    cc_rt_advance(*rt, at);
    cc_buf state = {0};
    cc_rt_snapshot(*rt, &state);
    cc_rt_free(*rt);
    char err[256];
    *rt = cc_rt_restore(m, (const uint8_t *)state.data, state.len, err, sizeof err);
    cc_buf_free(&state);
    if (!*rt) {
        fprintf(stderr, "ccflow: cannot restore the saved state: %s\n", err);
        return false;
    }
    scenario_watch(s, *rt, opts, out);
    return true;
}

/* The next moment of the scenario: its next event or arrival, INT64_MAX when none is left. */
static int64_t next_moment(const scenario_plan *p, size_t next_action)
{
    int64_t t = INT64_MAX;
    if (next_action < p->actions.len)
        t = p->actions.items[next_action].at;
    for (size_t g = 0; g < p->arrivals.len; g++)
        if (p->arrivals.items[g].left && p->arrivals.items[g].next < t)
            t = p->arrivals.items[g].next;
    return t;
}

/* The arrival due at t (counted down, its next time set); NULL when none is. */
static const cc_node *take_arrival(scenario *s, scenario_plan *p, int64_t t)
{
    for (size_t g = 0; g < p->arrivals.len; g++) {
        arrival *a = &p->arrivals.items[g];
        if (a->left && a->next == t) {
            a->left--;
            /* a scenario's time ends 3650000d after its start, as its longest duration
             * does: the runtime's own sums (now + handle time...) stay far inside int64 */
            if (a->next > s->start + SCENARIO_MAX_MS - a->every)
                a->left = 0;
            else
                a->next += a->every;
            return a->start_task;
        }
    }
    return NULL;
}

/* Starts a task from a start_task mapping; one the API rejects is reported and remembered. */
static bool start_task(scenario *s, scenario_plan *p, const cc_node *st, FILE *out)
{
    cc_task_request req;
    char err[256];
    if (!task_request(s, p->rt, st, &req, &p->texts))
        return false;
    if (!cc_rt_start_task(p->rt, &req, NULL, 0, err, sizeof err)) {
        if (req.id) {
            char *exc = cc_arena_strndup(&s->arena, err, strcspn(err, ":"));
            cc_map_put(&s->rejected, cc_arena_strdup(&s->arena, req.id), exc);
        }
        fprintf(out, "rejected %s: %s\n", req.id ? req.id : "a task", err);
    }
    return true;
}

/* Runs the plan on the virtual clock up to its end (restarting the VM once when asked); false
 * when the run had to stop. */
static bool run_plan(scenario *s, scenario_plan *p, const cc_scenario_options *opts, int64_t restart, FILE *out)
{
    size_t next_action = 0;
    int64_t until = p->until;
    for (uint64_t step = 0;; step++) {
        int64_t t = next_moment(p, next_action);
        if (t == INT64_MAX || (until >= 0 && t > until))
            break;
        if (restart >= 0 && t > restart) {
            if (!restart_vm(&p->rt, &p->m, s, opts, restart, out))
                return false;
            restart = -1;
        }
        cc_rt_advance(p->rt, t);
        if (opts->progress && step % 4096 == 0)
            print_progress(t, s->start, until >= 0 ? until : t);
        const action *a = next_action < p->actions.len && p->actions.items[next_action].at == t
                              ? &p->actions.items[next_action++]
                              : NULL;
        const cc_node *st = a ? a->start_task : take_arrival(s, p, t);
        if (st) {
            if (!start_task(s, p, st, out))
                return false;
        } else if (a && a->api) {
            if (!api_event(s, p->rt, a->api, &p->texts, out, false))
                return false;
        } else if (a && a->start_contact) {
            if (!start_contact_event(s, p->rt, a->start_contact, false, p->texts.keys, p->texts.values, out))
                return false;
        } else if (a && a->agent) {
            const cc_node *ag = a->agent, *name = cc_node_get(ag, "name"), *status = cc_node_get(ag, "status");
            int ai = is_scalar(name) ? cc_rt_agent_index(p->rt, name->text) : -1;
            if (ai < 0 || !is_scalar(status)) {
                problem(s, ag, "an agent event names a known agent and a status%s", "");
                return false;
            }
            /* available takes contacts; offline is off; any other status (break, lunch...) is online */
            cc_rt_set_agent_status(p->rt, ai, !strcmp(status->text, "available"),
                                   strcmp(status->text, "offline") != 0);
        }
    }
    if (restart >= 0 && (until < 0 || restart <= until)) {
        if (!restart_vm(&p->rt, &p->m, s, opts, restart, out))
            return false;
    }
    cc_rt_run_until(p->rt, until >= 0 ? until : INT64_MAX - 1);
    if (opts->progress)
        fprintf(stderr, "\r%*s\r", 24, "");
    return true;
}

/* One channel's line of a queue's report, under the queue's line. */
static void report_channel(const cc_metrics *mt, int ch, const int64_t *levels, FILE *out)
{
    fprintf(out,
            "  %s: created %llu, handled %llu, abandoned %llu, expired %llu, in queue %llu, scheduled "
            "%llu, oldest %.1fs, agents online %llu, available %llu, staffed %llu, on contact %llu, in "
            "ACW %llu, avg handle %.1fs, avg answer %.1fs, avg interaction %.1fs, avg hold %.1fs, service "
            "level",
            cc_channel_upper(ch), (unsigned long long)mt->created, (unsigned long long)mt->handled,
            (unsigned long long)mt->abandoned, (unsigned long long)mt->expired, (unsigned long long)mt->in_queue,
            (unsigned long long)mt->scheduled, (double)mt->oldest_age_ms / 1000.0,
            (unsigned long long)mt->agents_online, (unsigned long long)mt->agents_available,
            (unsigned long long)mt->agents_staffed, (unsigned long long)mt->agents_on_contact,
            (unsigned long long)mt->agents_acw, (double)mt->avg_handle_ms / 1000.0,
            (double)mt->avg_answer_ms / 1000.0, (double)mt->avg_interaction_ms / 1000.0,
            (double)mt->avg_hold_ms / 1000.0);
    for (size_t k = 0; k < mt->nlevels; k++) {
        char d[32];
        cc_format_duration(d, sizeof d, levels[k]);
        fprintf(out, "%s %s %.1f%%", k ? "," : "", d, mt->service_level[k]);
    }
    fputc('\n', out);
}

/* The per-queue report (a line per queue, one per channel it saw) and the totals line. */
static void report(cc_rt *rt, const int64_t *levels, size_t nlevels, FILE *out)
{
    for (size_t q = 0; q < cc_rt_queue_count(rt); q++) {
        cc_metrics per[CC_CH_COUNT + 1];
        cc_rt_metrics_all(rt, q, levels, nlevels, per);
        const cc_metrics *all = &per[CC_CH_COUNT];
        double at_minute = -1; /* the queue line's service level is within 60 s */
        for (size_t k = 0; k < nlevels; k++)
            if (levels[k] == 60000)
                at_minute = all->service_level[k];
        if (at_minute < 0) {
            const int64_t minute = 60000;
            cc_metrics one;
            cc_rt_metrics(rt, q, -1, &minute, 1, &one);
            at_minute = one.service_level[0];
        }
        fprintf(out,
                "queue %s: handled %llu, expired %llu, abandoned %llu, in queue %llu, service level (60s) %.1f%%, "
                "average wait %.1fs, max wait %.1fs\n",
                cc_rt_queue_name(rt, q), (unsigned long long)all->handled, (unsigned long long)all->expired,
                (unsigned long long)all->abandoned, (unsigned long long)all->in_queue, at_minute,
                (double)all->avg_answer_ms / 1000.0, (double)all->max_wait_ms / 1000.0);
        for (int ch = 0; ch < CC_CH_COUNT; ch++)
            if (per[ch].created || per[ch].scheduled)
                report_channel(&per[ch], ch, levels, out);
    }
    cc_rt_totals tot;
    cc_rt_totals_get(rt, &tot);
    fprintf(out, "total: started %llu, handled %llu, disconnected %llu, expired %llu, stopped %llu, rejected %llu\n",
            (unsigned long long)tot.started, (unsigned long long)tot.handled, (unsigned long long)tot.disconnected,
            (unsigned long long)tot.expired, (unsigned long long)tot.stopped, (unsigned long long)tot.rejected);
}

/* Runs a plan read without problems: opens the records, runs, and reports what opts ask for. */
static void run_and_report(scenario *s, scenario_plan *p, const cc_scenario_options *opts, FILE *out,
                           cc_scenario_result *res)
{
    if (opts->records_path && !(s->records = fopen(opts->records_path, "w"))) {
        fprintf(stderr, "ccflow: cannot write '%s': %s\n", opts->records_path, strerror(errno));
        res->status = 2;
        return;
    }
    uint64_t rss_before = opts->stats ? resident_bytes() : 0;
    int64_t restart = -1;
    if (opts->restart_at) {
        int64_t ms;
        if (!option_duration("--restart-at", opts->restart_at, &ms)) {
            res->status = 2;
            return;
        }
        restart = s->start + ms;
    }
    if (!run_plan(s, p, opts, restart, out))
        return;
    if (opts->stats) {
        uint64_t rss = resident_bytes();
        size_t contacts = cc_rt_contact_count(p->rt);
        fprintf(out, "memory: %.1f MB resident, %zu contacts, %.0f bytes a contact\n", (double)rss / 1e6, contacts,
                contacts ? (double)(rss - rss_before) / (double)contacts : 0.0);
    }
    if (opts->report)
        report(p->rt, p->levels, p->nlevels, out);
    if (opts->expectations) {
        const cc_node *expect = p->expect;
        for (uint32_t i = 0; expect && expect->type == CC_NODE_LIST && i < expect->count; i++) {
            if (check_expect(s, p->rt, expect->items[i], out))
                res->passed++;
            else if (s->ok)
                res->failed++;
        }
    }
}

/* Closes the records file: records that could not all be written (disk full) are an I/O error,
 * not a clean run. */
static bool close_records(scenario *s, const char *path)
{
    bool written = fflush(s->records) == 0 && !ferror(s->records);
    int why = errno;
    if (fclose(s->records) != 0 && written) {
        written = false;
        why = errno;
    }
    if (!written)
        fprintf(stderr, "ccflow: cannot write '%s': %s\n", path, strerror(why ? why : EIO));
    return written;
}

static void scenario_free(scenario *s)
{
    cc_map_free(&s->wanted);
    cc_map_free(&s->refused);
    for (size_t i = 0; i < s->ended.cap; i++)
        if (s->ended.keys && s->ended.keys[i])
            ended_contact_free(s->ended.values[i]);
    cc_map_free(&s->ended);
    cc_map_free(&s->rejected);
}

cc_scenario_result cc_scenario_run(const char *path, const cc_scenario_options *opts, FILE *out)
{
    cc_scenario_result res = {0, 0, 0};
    cc_diags ds;
    cc_diags_init(&ds);
    scenario s = {.ds = &ds, .ok = true};
    cc_arena_init(&s.arena);
    char *dir = cc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
    s.dir = dir;
    scenario_plan p = {.until = -1};
    cc_bundle_init(&p.bundle, &ds);

    if (scenario_read(&s, &p, path, opts, out, &res.status))
        run_and_report(&s, &p, opts, out, &res);

    if (ds.diags.len)
        cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, opts->color);
    if (res.status == 0 && (ds.errors || !s.ok))
        res.status = 1;
    if (s.records && !close_records(&s, opts->records_path))
        res.status = 2;
    /* the scenario's maps before the VM: the rest of the plan, as it always was */
    scenario_free(&s);
    scenario_plan_free(&p);
    cc_diags_free(&ds);
    cc_arena_free(&s.arena);
    cc_free(dir);
    return res;
}
