/* scenario.c — reads a scenario (YAML, through the same reader and diagnostics as flows), builds
 * the bundle it names, runs it on a virtual clock and reports: records, report, expectations. */
#include "scenario.h"

#include "bytecode.h"
#include "codegen.h"
#include "ir.h"
#include "runtime.h"
#include "json_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <time.h>

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

static bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR && !cc_node_is_null(n); }

static void problem(scenario *s, const cc_node *at, const char *fmt, const char *arg)
{
    cc_report(s->ds, CC_E106, at->loc, fmt, arg);
    s->ok = false;
}

/* A command-line duration (--until, --restart-at): from the scenario's start, never negative. */
static bool option_duration(const char *option, const char *text, int64_t *ms)
{
    if (cc_parse_duration(text, ms) && *ms >= 0)
        return true;
    fprintf(stderr, "ccflow: %s takes a duration such as 8h or 7d, not '%s'\n", option, text);
    return false;
}

static bool duration_of(scenario *s, const cc_node *n, int64_t *ms)
{
    if (!is_scalar(n) || !cc_parse_duration(n->text, ms) || *ms < 0) {
        problem(s, n, "expected a duration such as 30s, 10m or 8d, not '%s'", is_scalar(n) ? n->text : "?");
        return false;
    }
    return true;
}

/* 2026-11-23T08:00:00Z -> ms since the epoch. */
static bool parse_time(const char *text, int64_t *ms)
{
    int y, mo, d, h, mi, sec;
    char z;
    if (sscanf(text, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 || z != 'Z')
        return false;
    /* days from civil (proleptic Gregorian), without the C library's time zone state */
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    *ms = ((days * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL;
    return true;
}

static void format_time(char *out, size_t n, int64_t ms)
{
    int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
    int64_t rem = ms - days * 86400000;
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    snprintf(out, n, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", (long long)y, (long long)m, (long long)d,
             (long long)(rem / 3600000), (long long)(rem / 60000 % 60), (long long)(rem / 1000 % 60),
             (long long)(rem % 1000));
}

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
        ended_contact *e = cc_xcalloc(1, sizeof *e);
        e->reason = cc_xstrdup(cc_end_reason_name(r->reason));
        e->agent = r->agent ? cc_xstrdup(r->agent) : NULL;
        e->previous = r->previous ? cc_xstrdup(r->previous) : NULL;
        e->related = r->related ? cc_xstrdup(r->related) : NULL;
        e->created_by = r->created_by ? cc_xstrdup(r->created_by) : NULL;
        e->initiation = cc_xstrdup(r->initiation);
        for (size_t i = 0; i < r->nrefs; i++) {
            cc_vec_push(&e->refs, cc_xstrdup(r->ref_names[i]));
            cc_vec_push(&e->refs, cc_xstrdup(r->ref_values[i]));
        }
        e->ended = r->ended;
        e->started = r->scheduled >= 0 ? r->scheduled : r->initiated;
        for (size_t i = 0; i < r->nattrs; i++) {
            cc_vec_push(&e->attrs, cc_xstrdup(r->attr_keys[i]));
            cc_vec_push(&e->attrs, cc_xstrdup(r->attr_values[i]));
        }
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

/* outcomes: { BLOCK_ID: BRANCH, ... } — what the outside world answers at blocks whose result
 * comes from outside ccflow. Fills req's outcome arrays (room for cap); false after reporting. */
static bool outcomes_of(scenario *s, const cc_rt *rt, const cc_node *v, cc_task_request *req, const char **blocks,
                        const char **branches, size_t cap)
{
    if (v->type != CC_NODE_MAP) {
        problem(s, v, "outcomes map block ids to the branch each takes: { verify: authenticated }%s", "");
        return false;
    }
    bool ok = true;
    for (uint32_t a = 0; a < v->count && req->noutcomes < cap; a++) {
        const cc_node *blk = v->pairs[a].key, *br = v->pairs[a].value;
        char why[300];
        if (!is_scalar(br)) {
            problem(s, br, "an outcome is a branch name such as next, error or none_found%s", "");
            ok = false;
            continue;
        }
        if (!cc_rt_outcome_valid(rt, blk->text, br->text, why, sizeof why)) {
            cc_report(s->ds, CC_E106, !strncmp(why, "'", 1) ? br->loc : blk->loc, "%s", why);
            s->ok = ok = false;
            continue;
        }
        blocks[req->noutcomes] = blk->text;
        branches[req->noutcomes++] = br->text;
    }
    req->outcome_blocks = blocks;
    req->outcome_branches = branches;
    return ok;
}

/* Room for the texts of one request (pointers into the scenario tree). */
typedef struct {
    const char *keys[256], *values[256];
    const char *blocks[64], *branches[64];
    const char *ref_names[64], *ref_types[64], *ref_values[64];
} request_texts;

/* A duration or a number of minutes (SegmentAttributes connect:ContactExpiry) as milliseconds. */
static bool expiry_of(scenario *s, const cc_node *v, int64_t *ms)
{
    if (is_scalar(v) && cc_parse_duration(v->text, ms) && *ms > 0)
        return true;
    problem(s, v, "an expiry is a duration such as 30m, 3d or 90d%s", "");
    return false;
}

/* Builds a task request from a start_task mapping (StartTaskContact's fields in snake case);
 * strings point into the scenario tree. */
static bool task_request(scenario *s, const cc_rt *rt, const cc_node *st, cc_task_request *req, request_texts *t)
{
    static const char *const known[] = {"id",          "name",       "description",  "flow",       "template",
                                        "attributes",  "references", "scheduled",    "previous",   "related",
                                        "client_token", "expiry",    "created_by",   "assignment", "quick_connect",
                                        "outcomes"};
    memset(req, 0, sizeof *req);
    req->scheduled_ms = -1;
    if (!st || st->type != CC_NODE_MAP) {
        problem(s, st, "start_task takes a mapping { name, flow, ... }%s", "");
        return false;
    }
    const char **text_fields[] = {&req->id,       &req->name,         &req->description,   &req->flow,
                                  &req->template_name, &req->previous, &req->related, &req->client_token,
                                  &req->created_by, &req->quick_connect};
    static const char *const text_names[] = {"id",       "name",    "description",  "flow",       "template",
                                             "previous", "related", "client_token", "created_by", "quick_connect"};
    for (uint32_t i = 0; i < st->count; i++) {
        const cc_node *k = st->pairs[i].key, *v = st->pairs[i].value;
        const char *key = k->text;
        bool done = false;
        for (size_t f = 0; f < CC_ARRAY_LEN(text_names) && !done; f++)
            if (!strcmp(key, text_names[f])) {
                if (!is_scalar(v)) {
                    problem(s, v, "'%s' is text", key);
                    return false;
                }
                *text_fields[f] = v->text;
                done = true;
            }
        if (done)
            continue;
        if (!strcmp(key, "scheduled")) {
            int64_t ms;
            if (!duration_of(s, v, &ms))
                return false;
            req->scheduled_ms = s->start + ms;
        } else if (!strcmp(key, "expiry")) {
            if (!expiry_of(s, v, &req->expiry_ms))
                return false;
        } else if (!strcmp(key, "assignment")) {
            if (!is_scalar(v) || strcmp(v->text, "SELF") != 0) {
                problem(s, v, "assignment takes SELF: the task goes straight to the agent who creates it%s", "");
                return false;
            }
            req->self_assign = true;
        } else if (!strcmp(key, "attributes") && v->type == CC_NODE_MAP) {
            for (uint32_t a = 0; a < v->count && req->nattrs < CC_ARRAY_LEN(t->keys); a++) {
                if (!is_scalar(v->pairs[a].value) && !cc_node_is_null(v->pairs[a].value)) {
                    problem(s, v->pairs[a].value, "an attribute's value is text, not %s",
                            cc_node_type_name(v->pairs[a].value));
                    return false;
                }
                t->keys[req->nattrs] = v->pairs[a].key->text;
                t->values[req->nattrs++] = is_scalar(v->pairs[a].value) ? v->pairs[a].value->text : "";
            }
        } else if (!strcmp(key, "references") && v->type == CC_NODE_MAP) {
            for (uint32_t a = 0; a < v->count && req->nrefs < CC_ARRAY_LEN(t->ref_names); a++) {
                const cc_node *r = v->pairs[a].value, *type = cc_node_get(r, "type"), *value = cc_node_get(r, "value");
                if (!is_scalar(type) || (value && !is_scalar(value) && !cc_node_is_null(value))) {
                    problem(s, r, "a reference is { type: URL|NUMBER|STRING|DATE|EMAIL, value: TEXT }%s", "");
                    return false;
                }
                t->ref_names[req->nrefs] = v->pairs[a].key->text;
                t->ref_types[req->nrefs] = type->text;
                t->ref_values[req->nrefs++] = is_scalar(value) ? value->text : "";
            }
        } else if (!strcmp(key, "outcomes")) {
            if (!outcomes_of(s, rt, v, req, t->blocks, t->branches, CC_ARRAY_LEN(t->blocks)))
                return false;
        } else {
            cc_diag *d = cc_report(s->ds, CC_E104, k->loc,
                                   "'%s' is not a start_task field; ccflow takes name, description, flow, template, "
                                   "attributes, references, scheduled, previous, related, client_token, expiry, "
                                   "created_by, assignment, quick_connect, id and outcomes",
                                   key);
            const char *best = cc_closest(key, known, CC_ARRAY_LEN(known));
            if (best)
                cc_note_add(d, k->loc, "did you mean '%s'?", best);
            s->ok = false;
            return false;
        }
    }
    req->attr_keys = t->keys;
    req->attr_values = t->values;
    req->ref_names = t->ref_names;
    req->ref_types = t->ref_types;
    req->ref_values = t->ref_values;
    return true;
}

/* task_templates: - { name, flow, expiry, self_assign, status: active|inactive,
 *                    fields: [{ name, type, required, read_only, default }] } */
static void add_template(scenario *s, cc_rt *rt, const cc_node *t)
{
    static const char *const known[] = {"name", "flow", "expiry", "self_assign", "status", "fields", "description"};
    static const char *const field_keys[] = {"name", "type", "required", "read_only", "default", "description"};
    const cc_node *name = cc_node_get(t, "name");
    if (t->type != CC_NODE_MAP || !is_scalar(name)) {
        problem(s, t, "a task template is { name, flow, expiry, self_assign, status, fields: [...] }%s", "");
        return;
    }
    cc_task_template tpl = {.name = (char *)name->text, .active = true};
    for (uint32_t i = 0; i < t->count; i++) {
        const cc_node *k = t->pairs[i].key, *v = t->pairs[i].value;
        bool known_key = false;
        for (size_t j = 0; j < CC_ARRAY_LEN(known); j++)
            known_key |= !strcmp(k->text, known[j]);
        if (!known_key) {
            cc_diag *d = cc_report(s->ds, CC_E104, k->loc, "unknown task template key '%s'", k->text);
            const char *best = cc_closest(k->text, known, CC_ARRAY_LEN(known));
            if (best)
                cc_note_add(d, k->loc, "did you mean '%s'?", best);
            s->ok = false;
            goto out;
        }
        if (!strcmp(k->text, "flow") && is_scalar(v))
            tpl.flow = (char *)v->text;
        else if (!strcmp(k->text, "expiry") && !expiry_of(s, v, &tpl.expiry_ms))
            goto out;
        else if (!strcmp(k->text, "self_assign"))
            tpl.self_assign = is_scalar(v) && !strcmp(v->text, "true");
        else if (!strcmp(k->text, "status")) {
            if (!is_scalar(v) || (strcmp(v->text, "active") != 0 && strcmp(v->text, "inactive") != 0)) {
                problem(s, v, "a template's status is active or inactive%s", "");
                goto out;
            }
            tpl.active = !strcmp(v->text, "active");
        } else if (!strcmp(k->text, "fields")) {
            for (uint32_t f = 0; v->type == CC_NODE_LIST && f < v->count; f++) {
                const cc_node *fd = v->items[f];
                for (uint32_t j = 0; fd->type == CC_NODE_MAP && j < fd->count; j++) {
                    bool ok = false;
                    for (size_t q = 0; q < CC_ARRAY_LEN(field_keys); q++)
                        ok |= !strcmp(fd->pairs[j].key->text, field_keys[q]);
                    if (!ok) {
                        cc_report(s->ds, CC_E104, fd->pairs[j].key->loc,
                                  "unknown template field key '%s'; a field is { name, type, required, read_only, "
                                  "default }",
                                  fd->pairs[j].key->text);
                        s->ok = false;
                        goto out;
                    }
                }
                const cc_node *fn = cc_node_get(fd, "name"), *ft = cc_node_get(fd, "type"),
                              *fdef = cc_node_get(fd, "default"), *req = cc_node_get(fd, "required"),
                              *ro = cc_node_get(fd, "read_only");
                if (!is_scalar(fn) || !is_scalar(ft)) {
                    problem(s, fd, "a template field is { name, type, required, read_only, default }%s", "");
                    goto out;
                }
                cc_template_field field = {(char *)fn->text, (char *)ft->text,
                                           is_scalar(fdef) ? (char *)fdef->text : NULL,
                                           is_scalar(req) && !strcmp(req->text, "true"),
                                           is_scalar(ro) && !strcmp(ro->text, "true")};
                cc_vec_push(&tpl.fields, field);
            }
        }
    }
    char err[300];
    if (!cc_rt_add_template(rt, &tpl, err, sizeof err)) {
        cc_report(s->ds, CC_E106, t->loc, "%s", err);
        s->ok = false;
    }
out:
    cc_vec_free(&tpl.fields); /* the texts are the scenario's; the runtime copied them */
}

/* The API calls a scenario can make on a contact: update_attributes: { contact, attributes },
 * stop_contact: ID, update_schedule: { contact, scheduled }, transfer: { contact, flow, queue |
 * agent }, complete_contact: ID (its agent completes it now). A refused call is reported with its
 * exception, like a refused start. */
static bool api_event(scenario *s, cc_rt *rt, const cc_node *ev, request_texts *t, FILE *out)
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
        ok = by_id[k].call(rt, who, err, sizeof err);
    } else if ((v = cc_node_get(ev, "transfer"))) {
        const cc_node *c = cc_node_get(v, "contact"), *f = cc_node_get(v, "flow"), *q = cc_node_get(v, "queue"),
                      *a = cc_node_get(v, "agent");
        if (!is_scalar(c) || !is_scalar(f)) {
            problem(s, v, "transfer is { contact: ID, flow: FLOW, queue: Q } or { contact, flow, agent: NAME }%s", "");
            return false;
        }
        who = c->text;
        ok = cc_rt_transfer(rt, who, f->text, is_scalar(q) ? q->text : NULL, is_scalar(a) ? a->text : NULL, err,
                            sizeof err);
    } else if ((v = cc_node_get(ev, "update_attributes"))) {
        const cc_node *c = cc_node_get(v, "contact"), *a = cc_node_get(v, "attributes");
        if (!is_scalar(c) || !a || a->type != CC_NODE_MAP) {
            problem(s, v, "update_attributes is { contact: ID, attributes: { key: value } }%s", "");
            return false;
        }
        size_t n = 0;
        for (uint32_t i = 0; i < a->count && n < CC_ARRAY_LEN(t->keys); i++) {
            t->keys[n] = a->pairs[i].key->text;
            t->values[n++] = is_scalar(a->pairs[i].value) ? a->pairs[i].value->text : "";
        }
        who = c->text;
        ok = cc_rt_update_attributes(rt, who, t->keys, t->values, n, err, sizeof err);
    } else {
        v = cc_node_get(ev, "update_schedule");
        const cc_node *c = cc_node_get(v, "contact"), *at = cc_node_get(v, "scheduled");
        int64_t ms;
        if (!is_scalar(c) || !at) {
            problem(s, v, "update_schedule is { contact: ID, scheduled: OFFSET }%s", "");
            return false;
        }
        if (!duration_of(s, at, &ms))
            return false;
        who = c->text;
        ok = cc_rt_update_schedule(rt, who, s->start + ms, err, sizeof err);
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
static bool start_contact_event(scenario *s, cc_rt *rt, const cc_node *sc, int64_t t, const char **keys,
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
            for (uint32_t a = 0; a < v->count && ninputs < 256; a++)
                if (is_scalar(v->items[a]))
                    inputs[ninputs++] = v->items[a]->text;
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
    (void)t;
    char err[256];
    if (!cc_rt_start_contact(rt, &req, channel, inputs, ninputs, err, sizeof err)) {
        if (req.id)
            cc_map_put(&s->rejected, cc_arena_strdup(&s->arena, req.id), cc_arena_strndup(&s->arena, err, strcspn(err, ":")));
        fprintf(out, "rejected %s: %s\n", req.id ? req.id : "a contact", err);
    }
    return true;
}

/* hours_of_operation: NAME: { timezone: Europe/Lisbon, mon-fri: "09:00-17:00", sat: "10:00-13:00" } */
static void add_hours(scenario *s, cc_rt *rt, const cc_node *name, const cc_node *spec)
{
    cc_week week = {0};
    const char *zone = "UTC";
    if (spec->type != CC_NODE_MAP) {
        problem(s, spec, "hours are { timezone: Europe/Lisbon, mon-fri: \"09:00-17:00\", ... }%s", "");
        return;
    }
    for (uint32_t i = 0; i < spec->count; i++) {
        const cc_node *k = spec->pairs[i].key, *v = spec->pairs[i].value;
        if (!strcmp(k->text, "timezone") && is_scalar(v)) {
            zone = v->text;
            continue;
        }
        char why[200];
        int bad = cc_week_add(&week, k->text, is_scalar(v) ? v->text : "", why, sizeof why);
        if (bad) {
            cc_report(s->ds, bad == 1 ? CC_E104 : CC_E106, bad == 1 ? k->loc : v->loc, "%s", why);
            s->ok = false;
            if (bad == 2)
                return;
        }
    }
    char err[256];
    if (cc_rt_add_hours(rt, name->text, zone, &week, err, sizeof err) < 0) {
        cc_report(s->ds, CC_E108, cc_node_get(spec, "timezone") ? cc_node_get(spec, "timezone")->loc : name->loc,
                  "%s", err);
        s->ok = false;
    }
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

static int cmp_actions(const void *a, const void *b)
{
    const action *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static char *join_path(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir[0])
        return cc_xstrdup(rel);
    cc_buf b = {0};
    cc_buf_printf(&b, "%s/%s", dir, rel);
    return b.data;
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
    cc_rt_on_record(*rt, on_record, s);
    if (opts->trace)
        cc_rt_on_trace(*rt, on_trace, out);
    return true;
}

/* { queue, metric, value }: a queue's figure at the end of the run. */
static bool check_queue_metric(scenario *s, cc_rt *rt, const cc_node *item, FILE *out)
{
    static const char *const metrics[] = {
        "contacts_created",     "contacts_handled",     "contacts_abandoned",        "contacts_expired",
        "contacts_dequeued",    "contacts_in_queue",    "contacts_scheduled",        "oldest_contact_age",
        "agents_online",        "agents_available",     "agents_staffed",            "agents_on_contact",
        "agents_after_contact_work", "avg_handle_time", "avg_queue_answer_time",     "avg_interaction_time",
        "avg_hold_time",        "max_queue_wait",       "service_level_<threshold>"};
    const cc_node *qn = cc_node_get(item, "queue"), *mn = cc_node_get(item, "metric"), *vn = cc_node_get(item, "value"),
                  *cn = cc_node_get(item, "channel");
    for (uint32_t i = 0; i < item->count; i++) {
        const char *k = item->pairs[i].key->text;
        if (strcmp(k, "queue") && strcmp(k, "metric") && strcmp(k, "value") && strcmp(k, "channel")) {
            cc_report(s->ds, CC_E104, item->pairs[i].key->loc,
                      "unknown key '%s' in a queue expectation; it takes queue, channel, metric and value", k);
            s->ok = false;
            return false;
        }
    }
    if (!is_scalar(qn) || !is_scalar(mn) || !is_scalar(vn)) {
        problem(s, item, "a queue expectation is { queue: NAME, channel: TASK, metric: M, value: V }%s", "");
        return false;
    }
    int q = cc_rt_queue_index(rt, qn->text);
    if (q < 0) {
        problem(s, qn, "no queue named '%s'", qn->text);
        return false;
    }
    int channel = -1;
    if (cn) {
        for (int c = 0; c < CC_CH_COUNT; c++)
            if (is_scalar(cn) && !strcmp(cn->text, cc_channel_upper(c)))
                channel = c;
        if (channel < 0) {
            problem(s, cn, "a channel is VOICE, CHAT, TASK or EMAIL%s", "");
            return false;
        }
    }
    const char *m = mn->text;
    int64_t threshold = 0;
    bool is_level = !strncmp(m, "service_level_", 14) && cc_parse_duration(m + 14, &threshold);
    cc_metrics mt;
    cc_rt_metrics(rt, (size_t)q, channel, &threshold, is_level, &mt);
    static const struct {
        const char *name;
        size_t offset;
        bool time;
    } fields[] = {
        {"contacts_created", offsetof(cc_metrics, created), false},
        {"contacts_handled", offsetof(cc_metrics, handled), false},
        {"contacts_abandoned", offsetof(cc_metrics, abandoned), false},
        {"contacts_expired", offsetof(cc_metrics, expired), false},
        {"contacts_dequeued", offsetof(cc_metrics, dequeued), false},
        {"contacts_in_queue", offsetof(cc_metrics, in_queue), false},
        {"contacts_scheduled", offsetof(cc_metrics, scheduled), false},
        {"oldest_contact_age", offsetof(cc_metrics, oldest_age_ms), true},
        {"agents_online", offsetof(cc_metrics, agents_online), false},
        {"agents_available", offsetof(cc_metrics, agents_available), false},
        {"agents_staffed", offsetof(cc_metrics, agents_staffed), false},
        {"agents_on_contact", offsetof(cc_metrics, agents_on_contact), false},
        {"agents_after_contact_work", offsetof(cc_metrics, agents_acw), false},
        {"avg_handle_time", offsetof(cc_metrics, avg_handle_ms), true},
        {"avg_queue_answer_time", offsetof(cc_metrics, avg_answer_ms), true},
        {"avg_interaction_time", offsetof(cc_metrics, avg_interaction_ms), true},
        {"avg_hold_time", offsetof(cc_metrics, avg_hold_ms), true},
        {"max_queue_wait", offsetof(cc_metrics, max_wait_ms), true},
    };
    double seen = 0;
    bool is_time = false, is_percent = false, found = false;
    for (size_t i = 0; i < CC_ARRAY_LEN(fields) && !found; i++)
        if (!strcmp(m, fields[i].name)) {
            const char *at = (const char *)&mt + fields[i].offset;
            if (fields[i].time) {
                int64_t v;
                memcpy(&v, at, sizeof v);
                seen = (double)v;
            } else {
                uint64_t v;
                memcpy(&v, at, sizeof v);
                seen = (double)v;
            }
            is_time = fields[i].time;
            found = true;
        }
    if (!found && is_level)
        seen = mt.service_level[0], is_percent = found = true;
    if (!found) {
        char list[600] = "";
        for (size_t i = 0; i < CC_ARRAY_LEN(metrics); i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", metrics[i]);
        cc_diag *d = cc_report(s->ds, CC_E108, mn->loc, "unknown queue metric '%s'; ccflow knows %s", m, list);
        const char *best = cc_closest(m, metrics, CC_ARRAY_LEN(metrics));
        if (best)
            cc_note_add(d, mn->loc, "did you mean '%s'?", best);
        s->ok = false;
        return false;
    }
    double want;
    int64_t ms;
    if (is_time && cc_parse_duration(vn->text, &ms))
        want = (double)ms;
    else {
        char *end;
        want = strtod(vn->text, &end);
        if (*end && !(is_percent && !strcmp(end, "%"))) {
            problem(s, vn, "expected a number%s", is_time ? " or a duration" : "");
            return false;
        }
        if (is_time)
            want *= 1000; /* a plain number of seconds */
    }
    bool pass = seen > want - 0.05 && seen < want + 0.05;
    if (!pass) {
        char shown[64];
        if (is_time)
            snprintf(shown, sizeof shown, "%.1fs", seen / 1000);
        else
            snprintf(shown, sizeof shown, "%g%s", seen, is_percent ? "%" : "");
        fprintf(out, "%s:%u: FAIL queue %s: saw %s %s\n", cc_source_get(s->ds, item->loc.file)->path, item->loc.line,
                qn->text, m, shown);
    }
    return pass;
}

static bool check_expect(scenario *s, cc_rt *rt, const cc_node *item, FILE *out)
{
    if (item->type == CC_NODE_MAP && cc_node_get(item, "queue") && !cc_node_get(item, "contact"))
        return check_queue_metric(s, rt, item, out);
    const cc_node *who = cc_node_get(item, "contact");
    if (!is_scalar(who)) {
        problem(s, item, "an expect item names its contact: { contact: ID, ... }%s", "");
        return false;
    }
    ended_contact *e = cc_map_get(&s->ended, who->text);
    const char *rejected = cc_map_get(&s->rejected, who->text);
    bool pass = true;
    cc_buf seen = {0};
    for (uint32_t i = 0; i < item->count; i++) {
        const char *key = item->pairs[i].key->text;
        const cc_node *v = item->pairs[i].value;
        if (!strcmp(key, "contact"))
            continue;
        if (!strcmp(key, "disconnect_reason")) {
            pass = e && is_scalar(v) && !strcmp(e->reason, v->text);
            cc_buf_printf(&seen, "disconnect_reason %s", e ? e->reason : "(still open)");
        } else if (!strcmp(key, "agent")) { /* null: no agent took it */
            pass = e && (is_scalar(v) ? e->agent && !strcmp(e->agent, v->text) : !e->agent);
            cc_buf_printf(&seen, "agent %s", e && e->agent ? e->agent : "(none)");
        } else if (!strcmp(key, "ended_at") || !strcmp(key, "started_at")) {
            int64_t ms;
            if (!duration_of(s, v, &ms))
                return false;
            int64_t at = e ? (key[0] == 'e' ? e->ended : e->started) - s->start : -1;
            pass = e && at == ms;
            char d[32];
            cc_format_duration(d, sizeof d, at);
            cc_buf_printf(&seen, "%s %s", key, e ? d : "(still open)");
        } else if (!strcmp(key, "refused")) { /* an API call on the contact was refused */
            const char *r = cc_map_get(&s->refused, who->text);
            pass = r && is_scalar(v) && !strcmp(r, v->text);
            cc_buf_printf(&seen, "refused %s", r ? r : "(nothing refused)");
        } else if (!strcmp(key, "rejected")) {
            pass = rejected && is_scalar(v) && !strcmp(rejected, v->text);
            cc_buf_printf(&seen, "rejected %s", rejected ? rejected : "(not rejected)");
        } else if (!strcmp(key, "previous") || !strcmp(key, "related") || !strcmp(key, "created_by") ||
                   !strcmp(key, "initiation")) {
            const char *have = !e              ? NULL
                               : key[0] == 'p' ? e->previous
                               : key[0] == 'r' ? e->related
                               : key[0] == 'i' ? e->initiation
                                               : e->created_by;
            const char *want = is_scalar(v) ? v->text : NULL;
            pass = e && (want ? have && !strcmp(want, have) : !have);
            cc_buf_printf(&seen, "%s %s", key, !e ? "(still open)" : have ? have : "(none)");
        } else if ((!strcmp(key, "attributes") || !strcmp(key, "references")) && v->type == CC_NODE_MAP) {
            const bool refs = key[0] == 'r';
            for (uint32_t a = 0; a < v->count && pass; a++) {
                const char *want = cc_node_is_null(v->pairs[a].value) ? NULL : v->pairs[a].value->text;
                const char *have = NULL;
                for (size_t k = 0; e && k + 1 < (refs ? e->refs.len : e->attrs.len); k += 2)
                    if (!strcmp((refs ? e->refs.items : e->attrs.items)[k], v->pairs[a].key->text))
                        have = (refs ? e->refs.items : e->attrs.items)[k + 1];
                pass = e && (want ? have && !strcmp(want, have) : !have);
                cc_buf_printf(&seen, "%s=%s ", v->pairs[a].key->text, have ? have : "(absent)");
            }
        } else {
            cc_report(s->ds, CC_E104, item->pairs[i].key->loc,
                      "unknown expectation '%s'; ccflow checks disconnect_reason, agent, started_at, ended_at, "
                      "attributes, references, previous, related, created_by, initiation, rejected and refused",
                      key);
            s->ok = false;
            cc_buf_free(&seen);
            return false;
        }
        if (!pass)
            break;
    }
    if (!pass)
        fprintf(out, "%s:%u: FAIL contact %s: saw %s\n", cc_source_get(s->ds, item->loc.file)->path, item->loc.line,
                who->text, seen.data ? seen.data : "nothing");
    cc_buf_free(&seen);
    return pass;
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
    cc_bundle bundle;
    cc_bundle_init(&bundle, &ds);
    cc_buf bytes = {0};
    ccfb_module m = {0};
    bool loaded = false;
    cc_rt *rt = NULL;
    CC_VEC(action) actions = {0};
    CC_VEC(arrival) arrivals = {0};

    size_t len;
    char *text = cc_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ccflow: cannot read '%s'\n", path);
        res.status = 2;
        goto done;
    }
    uint32_t file = cc_source_add(&ds, path, text, len);
    cc_node *root = cc_yaml_read(&s.arena, &ds, file, text, len);
    if (!root || root->type != CC_NODE_MAP) {
        if (root)
            cc_report(&ds, CC_E106, root->loc, "a scenario is a mapping with 'start', 'flows', 'queues'...%s", "");
        s.ok = false;
        goto done;
    }
    if (root->has_dups)
        cc_doc_report_duplicates(&ds, root, NULL);

    static const char *const keys[] = {"start",  "seed",  "flows",  "queues",             "agents",        "functions",
                                       "events", "arrivals", "until", "expect", "hours_of_operation", "task_templates",
                                       "service_levels", "limits", "quick_connects"};
    int64_t start = 0, until = -1;
    uint64_t seed = 0;
    for (uint32_t i = 0; i < root->count; i++) {
        const char *k = root->pairs[i].key->text;
        bool known = false;
        for (size_t j = 0; j < CC_ARRAY_LEN(keys); j++)
            known |= !strcmp(k, keys[j]);
        if (!known) {
            cc_diag *d = cc_report(&ds, CC_E104, root->pairs[i].key->loc, "unknown key '%s' in a scenario", k);
            const char *best = cc_closest(k, keys, CC_ARRAY_LEN(keys));
            if (best)
                cc_note_add(d, root->pairs[i].key->loc, "did you mean '%s'?", best);
            s.ok = false;
        }
    }
    const cc_node *n = cc_node_get(root, "start");
    if (!is_scalar(n) || !parse_time(n->text, &start)) {
        problem(&s, n ? n : root, "'start' is a UTC time such as 2026-11-23T08:00:00Z%s", "");
        start = 0;
    }
    s.start = start;
    if ((n = cc_node_get(root, "seed")) && is_scalar(n))
        seed = strtoull(n->text, NULL, 10);
    if ((n = cc_node_get(root, "until"))) {
        int64_t ms;
        if (duration_of(&s, n, &ms))
            until = start + ms;
    }
    if (opts->until) {
        int64_t ms;
        if (!option_duration("--until", opts->until, &ms)) {
            res.status = 2;
            goto done;
        }
        until = start + ms;
    }
    /* the bundle */
    const cc_node *flows = cc_node_get(root, "flows");
    if (!flows || flows->type != CC_NODE_LIST || !flows->count)
        problem(&s, flows ? flows : root, "'flows' lists flow files or directories, relative to the scenario%s", "");
    else
        for (uint32_t i = 0; i < flows->count; i++) {
            if (!is_scalar(flows->items[i]))
                continue;
            char *p = join_path(dir, flows->items[i]->text);
            cc_bundle_add_path(&bundle, p, false);
            cc_free(p);
        }
    cc_bundle_add_stdlib(&bundle);
    cc_check_bundle(&bundle);
    if (ds.errors || !s.ok)
        goto done;
    cc_codegen(&bundle, false, &bytes);
    char err[256];
    if (!ccfb_load(&m, (const uint8_t *)bytes.data, bytes.len, true, err, sizeof err)) {
        fprintf(stderr, "ccflow: internal error: the compiled bundle does not verify: %s\n", err);
        res.status = 2;
        goto done;
    }
    loaded = true;
    rt = cc_rt_new(&m, start, seed);
    cc_rt_on_record(rt, on_record, &s);
    if (opts->trace)
        cc_rt_on_trace(rt, on_trace, out);

    /* resources */
    const cc_node *hours_map = cc_node_get(root, "hours_of_operation");
    for (uint32_t i = 0; hours_map && hours_map->type == CC_NODE_MAP && i < hours_map->count; i++)
        add_hours(&s, rt, hours_map->pairs[i].key, hours_map->pairs[i].value);
    const cc_node *queues = cc_node_get(root, "queues");
    for (uint32_t i = 0; queues && queues->type == CC_NODE_LIST && i < queues->count; i++) {
        const cc_node *q = queues->items[i], *name = cc_node_get(q, "name"), *max = cc_node_get(q, "max_contacts");
        if (!is_scalar(name)) {
            problem(&s, q, "a queue needs a name%s", "");
            continue;
        }
        int qi = cc_rt_add_queue(rt, name->text, is_scalar(max) ? (uint32_t)strtoul(max->text, NULL, 10) : 0);
        if (qi < 0)
            problem(&s, name, "a second queue named '%s'", name->text);
        const cc_node *h = cc_node_get(q, "hours");
        if (h && qi >= 0) {
            int hi = is_scalar(h) ? cc_rt_hours_index(rt, h->text) : -1;
            if (hi < 0)
                problem(&s, h, "no hours_of_operation named '%s'", is_scalar(h) ? h->text : "?");
            else
                cc_rt_set_queue_hours(rt, qi, hi);
        }
    }
    int64_t levels[CC_METRIC_THRESHOLDS] = {60000};
    size_t nlevels = 1;
    const cc_node *sl = cc_node_get(root, "service_levels");
    if (sl) {
        nlevels = 0;
        if (sl->type != CC_NODE_LIST || !sl->count || sl->count > CC_METRIC_THRESHOLDS)
            problem(&s, sl, "service_levels lists 1 to 10 thresholds such as [60s, 4h, 2d]%s", "");
        for (uint32_t i = 0; sl->type == CC_NODE_LIST && i < sl->count && nlevels < CC_METRIC_THRESHOLDS; i++) {
            int64_t ms;
            if (!duration_of(&s, sl->items[i], &ms))
                continue;
            if (ms <= 0 || ms > 7 * 86400000ll) {
                problem(&s, sl->items[i], "a service level threshold is more than 0 and at most 7 days%s", "");
                continue;
            }
            levels[nlevels++] = ms;
        }
    }
    const cc_node *limits = cc_node_get(root, "limits");
    if (limits) {
        const cc_node *at = cc_node_get(limits, "active_tasks");
        char *end = NULL;
        unsigned long long quota = is_scalar(at) ? strtoull(at->text, &end, 10) : 0;
        if (limits->type != CC_NODE_MAP || limits->count != 1 || !at || !end || *end || !quota)
            problem(&s, limits, "limits is { active_tasks: N }, the quota of tasks not yet ended (N >= 1)%s", "");
        else
            cc_rt_set_active_task_limit(rt, quota);
    }
    const cc_node *templates = cc_node_get(root, "task_templates");
    for (uint32_t i = 0; templates && templates->type == CC_NODE_LIST && i < templates->count; i++)
        add_template(&s, rt, templates->items[i]);
    const cc_node *agents = cc_node_get(root, "agents");
    for (uint32_t i = 0; agents && agents->type == CC_NODE_LIST && i < agents->count; i++) {
        const cc_node *a = agents->items[i], *name = cc_node_get(a, "name");
        if (!is_scalar(name)) {
            problem(&s, a, "an agent needs a name%s", "");
            continue;
        }
        int qs[64];
        size_t nq = 0;
        const cc_node *aq = cc_node_get(a, "queues");
        for (uint32_t k = 0; aq && aq->type == CC_NODE_LIST && k < aq->count && nq < 64; k++) {
            int qi = is_scalar(aq->items[k]) ? cc_rt_queue_index(rt, aq->items[k]->text) : -1;
            if (qi < 0)
                problem(&s, aq->items[k], "no queue named '%s'", is_scalar(aq->items[k]) ? aq->items[k]->text : "?");
            else
                qs[nq++] = qi;
        }
        uint8_t conc[4] = {1, 1, 1, 1};
        const cc_node *cn = cc_node_get(a, "concurrency");
        if (cn && cn->type == CC_NODE_MAP) {
            memset(conc, 0, sizeof conc);
            for (uint32_t k = 0; k < cn->count; k++)
                for (int c = 0; c < CC_CH_COUNT; c++)
                    if (!strcmp(cn->pairs[k].key->text, cc_channel_name(c)) && is_scalar(cn->pairs[k].value))
                        conc[c] = (uint8_t)strtoul(cn->pairs[k].value->text, NULL, 10);
        }
        int64_t handle = 0, acw = 0;
        if (cc_node_get(a, "handle"))
            duration_of(&s, cc_node_get(a, "handle"), &handle);
        if (cc_node_get(a, "acw"))
            duration_of(&s, cc_node_get(a, "acw"), &acw);
        const cc_node *st = cc_node_get(a, "status"), *acc = cc_node_get(a, "accept");
        bool available = !st || (is_scalar(st) && !strcmp(st->text, "available"));
        int ai = cc_rt_add_agent(rt, name->text, qs, nq, conc, handle, acw, available);
        if (ai < 0) {
            problem(&s, name, "a second agent named '%s'", name->text);
            continue;
        }
        if (is_scalar(st) && strcmp(st->text, "available") != 0 && strcmp(st->text, "offline") != 0)
            cc_rt_set_agent_status(rt, ai, false, true); /* a break, lunch...: online, not routable */
        if (acc && (!is_scalar(acc) || (strcmp(acc->text, "manual") != 0 && strcmp(acc->text, "auto") != 0)))
            problem(&s, acc, "accept is auto (the default) or manual: contacts are offered until accept_contact%s",
                    "");
        else if (acc)
            cc_rt_set_agent_manual_accept(rt, ai, !strcmp(acc->text, "manual"));
        const cc_node *prof = cc_node_get(a, "proficiencies");
        for (uint32_t k = 0; prof && prof->type == CC_NODE_MAP && k < prof->count; k++)
            if (is_scalar(prof->pairs[k].value))
                cc_rt_set_agent_proficiency(rt, ai, prof->pairs[k].key->text, prof->pairs[k].value->text);
        if (prof && prof->type != CC_NODE_MAP)
            problem(&s, prof, "proficiencies map attribute names to values: { language: english }%s", "");
        static const char *const agent_keys[] = {"name",   "queues", "concurrency",  "handle",
                                                 "acw",    "status", "accept",       "proficiencies"};
        for (uint32_t k = 0; a->type == CC_NODE_MAP && k < a->count; k++) {
            bool known_key = false;
            for (size_t j = 0; j < CC_ARRAY_LEN(agent_keys); j++)
                known_key |= !strcmp(a->pairs[k].key->text, agent_keys[j]);
            if (!known_key) {
                cc_diag *d = cc_report(s.ds, CC_E104, a->pairs[k].key->loc, "unknown agent key '%s'",
                                       a->pairs[k].key->text);
                const char *best = cc_closest(a->pairs[k].key->text, agent_keys, CC_ARRAY_LEN(agent_keys));
                if (best)
                    cc_note_add(d, a->pairs[k].key->loc, "did you mean '%s'?", best);
                s.ok = false;
            }
        }
    }
    /* quick_connects: - { name, queue: Q | agent: A, flow: F } (after queues and agents) */
    const cc_node *qcs = cc_node_get(root, "quick_connects");
    for (uint32_t i = 0; qcs && qcs->type == CC_NODE_LIST && i < qcs->count; i++) {
        const cc_node *q = qcs->items[i], *name = cc_node_get(q, "name"), *qq = cc_node_get(q, "queue"),
                      *qa = cc_node_get(q, "agent"), *qf = cc_node_get(q, "flow");
        char why[300];
        if (!is_scalar(name) || !is_scalar(qf) || q->count != 3) {
            problem(&s, q, "a quick connect is { name, queue: Q, flow: F } or { name, agent: A, flow: F }%s", "");
            continue;
        }
        if (!cc_rt_add_quick_connect(rt, name->text, is_scalar(qq) ? qq->text : NULL, is_scalar(qa) ? qa->text : NULL,
                                     qf->text, why, sizeof why)) {
            cc_report(s.ds, CC_E106, q->loc, "%s", why);
            s.ok = false;
        }
    }
    const cc_node *fns = cc_node_get(root, "functions");
    for (uint32_t i = 0; fns && fns->type == CC_NODE_MAP && i < fns->count; i++) {
        const cc_node *f = fns->pairs[i].value, *result = cc_node_get(f, "result");
        const char *rk[64], *rv[64];
        size_t nr = 0;
        for (uint32_t k = 0; result && result->type == CC_NODE_MAP && k < result->count && nr < 64; k++)
            if (is_scalar(result->pairs[k].value)) {
                rk[nr] = result->pairs[k].key->text;
                rv[nr++] = result->pairs[k].value->text;
            }
        int64_t latency = 0;
        if (cc_node_get(f, "latency"))
            duration_of(&s, cc_node_get(f, "latency"), &latency);
        cc_rt_add_function(rt, fns->pairs[i].key->text, rk, rv, nr, latency);
    }
    /* what happens, in time order */
    const cc_node *events = cc_node_get(root, "events");
    for (uint32_t i = 0; events && events->type == CC_NODE_LIST && i < events->count; i++) {
        const cc_node *ev = events->items[i];
        action a = {0, cc_node_get(ev, "start_task"), cc_node_get(ev, "start_contact"), cc_node_get(ev, "agent"), i,
                    NULL};
        if (cc_node_get(ev, "update_attributes") || cc_node_get(ev, "stop_contact") ||
            cc_node_get(ev, "update_schedule") || cc_node_get(ev, "transfer") || cc_node_get(ev, "complete_contact") ||
            cc_node_get(ev, "accept_contact"))
            a.api = ev;
        int64_t at = 0;
        if (!cc_node_get(ev, "at") || !duration_of(&s, cc_node_get(ev, "at"), &at))
            continue;
        a.at = start + at;
        if (!a.start_task && !a.start_contact && !a.agent && !a.api) {
            problem(&s, ev,
                    "an event is { at, X } where X is start_task, start_contact, agent, update_attributes, "
                    "stop_contact, update_schedule, transfer, accept_contact or complete_contact%s",
                    "");
            continue;
        }
        cc_vec_push(&actions, a);
    }
    if (actions.len)
        qsort(actions.items, actions.len, sizeof *actions.items, cmp_actions);
    const cc_node *arr = cc_node_get(root, "arrivals");
    for (uint32_t i = 0; arr && arr->type == CC_NODE_LIST && i < arr->count; i++) {
        const cc_node *a = arr->items[i];
        arrival g = {0, start, 0, 0, cc_node_get(a, "start_task")};
        const cc_node *count = cc_node_get(a, "count");
        if (!cc_node_get(a, "every") || !duration_of(&s, cc_node_get(a, "every"), &g.every) || !is_scalar(count) ||
            !g.start_task) {
            problem(&s, a, "an arrival is { every: D, count: N, start_task: {...} }%s", "");
            continue;
        }
        g.left = strtoull(count->text, NULL, 10);
        cc_vec_push(&arrivals, g);
    }
    if (!s.ok)
        goto done;
    const cc_node *expect = cc_node_get(root, "expect");
    for (uint32_t i = 0; expect && expect->type == CC_NODE_LIST && i < expect->count; i++) {
        const cc_node *who = cc_node_get(expect->items[i], "contact");
        if (is_scalar(who))
            cc_map_put(&s.wanted, who->text, (void *)who);
    }
    if (opts->records_path && !(s.records = fopen(opts->records_path, "w"))) {
        fprintf(stderr, "ccflow: cannot write '%s': %s\n", opts->records_path, strerror(errno));
        res.status = 2;
        goto done;
    }

    uint64_t rss_before = opts->stats ? resident_bytes() : 0;
    int64_t restart = -1;
    if (opts->restart_at) {
        int64_t ms;
        if (!option_duration("--restart-at", opts->restart_at, &ms)) {
            res.status = 2;
            goto done;
        }
        restart = start + ms;
    }
    size_t next_action = 0;
    request_texts texts_buf, *texts = &texts_buf;
    /* outcomes name blocks and branches of the bundle: all are checked before anything runs */
    for (size_t i = 0; i < actions.len + arrivals.len; i++) {
        const cc_node *st = i < actions.len ? actions.items[i].start_task : arrivals.items[i - actions.len].start_task;
        const cc_node *sc = i < actions.len ? actions.items[i].start_contact : NULL;
        const cc_node *o = cc_node_get(st ? st : sc, "outcomes");
        cc_task_request probe = {0};
        if (o)
            outcomes_of(&s, rt, o, &probe, texts->blocks, texts->branches, CC_ARRAY_LEN(texts->blocks));
    }
    if (!s.ok)
        goto done;
    for (uint64_t step = 0;; step++) {
        /* the next scenario moment: an event or an arrival */
        int64_t t = INT64_MAX;
        if (next_action < actions.len)
            t = actions.items[next_action].at;
        for (size_t g = 0; g < arrivals.len; g++)
            if (arrivals.items[g].left && arrivals.items[g].next < t)
                t = arrivals.items[g].next;
        if (t == INT64_MAX || (until >= 0 && t > until))
            break;
        if (restart >= 0 && t > restart) {
            if (!restart_vm(&rt, &m, &s, opts, restart, out))
                goto done;
            restart = -1;
        }
        cc_rt_advance(rt, t);
        if (opts->progress && step % 4096 == 0)
            print_progress(t, start, until >= 0 ? until : t);
        const cc_node *st = NULL, *sc = NULL, *ag = NULL;
        bool from_events = next_action < actions.len && actions.items[next_action].at == t;
        if (from_events) {
            st = actions.items[next_action].start_task;
            sc = actions.items[next_action].start_contact;
            ag = actions.items[next_action].agent;
            next_action++;
        } else
            for (size_t g = 0; g < arrivals.len; g++)
                if (arrivals.items[g].left && arrivals.items[g].next == t) {
                    st = arrivals.items[g].start_task;
                    arrivals.items[g].left--;
                    arrivals.items[g].next += arrivals.items[g].every;
                    break;
                }
        if (st) {
            cc_task_request req;
            if (!task_request(&s, rt, st, &req, texts))
                goto done;
            if (!cc_rt_start_task(rt, &req, NULL, 0, err, sizeof err)) {
                if (req.id) {
                    char *exc = cc_arena_strndup(&s.arena, err, strcspn(err, ":"));
                    cc_map_put(&s.rejected, cc_arena_strdup(&s.arena, req.id), exc);
                }
                fprintf(out, "rejected %s: %s\n", req.id ? req.id : "a task", err);
            }
        } else if (from_events && actions.items[next_action - 1].api) {
            if (!api_event(&s, rt, actions.items[next_action - 1].api, texts, out))
                goto done;
        } else if (sc) {
            if (!start_contact_event(&s, rt, sc, t, texts->keys, texts->values, out))
                goto done;
        } else if (ag) {
            const cc_node *name = cc_node_get(ag, "name"), *status = cc_node_get(ag, "status");
            int ai = is_scalar(name) ? cc_rt_agent_index(rt, name->text) : -1;
            if (ai < 0 || !is_scalar(status)) {
                problem(&s, ag, "an agent event names a known agent and a status%s", "");
                goto done;
            }
            /* available takes contacts; offline is off; any other status (break, lunch...) is online */
            cc_rt_set_agent_status(rt, ai, !strcmp(status->text, "available"), strcmp(status->text, "offline") != 0);
        }
    }
    if (restart >= 0 && (until < 0 || restart <= until)) {
        if (!restart_vm(&rt, &m, &s, opts, restart, out))
            goto done;
    }
    cc_rt_run_until(rt, until >= 0 ? until : INT64_MAX - 1);
    if (opts->progress)
        fprintf(stderr, "\r%*s\r", 24, "");

    if (opts->stats) {
        uint64_t rss = resident_bytes();
        size_t contacts = cc_rt_contact_count(rt);
        fprintf(out, "memory: %.1f MB resident, %zu contacts, %.0f bytes a contact\n", (double)rss / 1e6, contacts,
                contacts ? (double)(rss - rss_before) / (double)contacts : 0.0);
    }
    if (opts->report) {
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
            for (int ch = 0; ch < CC_CH_COUNT; ch++) {
                const cc_metrics mt = per[ch];
                if (!mt.created && !mt.scheduled)
                    continue;
                fprintf(out,
                        "  %s: created %llu, handled %llu, abandoned %llu, expired %llu, in queue %llu, scheduled "
                        "%llu, oldest %.1fs, agents online %llu, available %llu, staffed %llu, on contact %llu, in "
                        "ACW %llu, avg handle %.1fs, avg answer %.1fs, avg interaction %.1fs, avg hold %.1fs, service "
                        "level",
                        cc_channel_upper(ch), (unsigned long long)mt.created, (unsigned long long)mt.handled,
                        (unsigned long long)mt.abandoned, (unsigned long long)mt.expired,
                        (unsigned long long)mt.in_queue, (unsigned long long)mt.scheduled,
                        (double)mt.oldest_age_ms / 1000.0, (unsigned long long)mt.agents_online,
                        (unsigned long long)mt.agents_available, (unsigned long long)mt.agents_staffed,
                        (unsigned long long)mt.agents_on_contact, (unsigned long long)mt.agents_acw,
                        (double)mt.avg_handle_ms / 1000.0, (double)mt.avg_answer_ms / 1000.0,
                        (double)mt.avg_interaction_ms / 1000.0, (double)mt.avg_hold_ms / 1000.0);
                for (size_t k = 0; k < mt.nlevels; k++) {
                    char d[32];
                    cc_format_duration(d, sizeof d, levels[k]);
                    fprintf(out, "%s %s %.1f%%", k ? "," : "", d, mt.service_level[k]);
                }
                fputc('\n', out);
            }
        }
        cc_rt_totals tot;
        cc_rt_totals_get(rt, &tot);
        fprintf(out, "total: started %llu, handled %llu, disconnected %llu, expired %llu, stopped %llu, rejected %llu\n",
                (unsigned long long)tot.started, (unsigned long long)tot.handled, (unsigned long long)tot.disconnected,
                (unsigned long long)tot.expired, (unsigned long long)tot.stopped, (unsigned long long)tot.rejected);
    }
    if (opts->expectations) {
        for (uint32_t i = 0; expect && expect->type == CC_NODE_LIST && i < expect->count; i++) {
            if (check_expect(&s, rt, expect->items[i], out))
                res.passed++;
            else if (s.ok)
                res.failed++;
        }
    }

done:
    if (ds.diags.len)
        cc_diags_render(&ds, stderr, CC_FORMAT_TEXT, opts->color);
    if (res.status == 0 && (ds.errors || !s.ok))
        res.status = 1;
    if (s.records) {
        /* records that could not all be written (disk full) are an I/O error, not a clean run */
        bool written = fflush(s.records) == 0 && !ferror(s.records);
        int why = errno;
        if (fclose(s.records) != 0 && written) {
            written = false;
            why = errno;
        }
        if (!written) {
            fprintf(stderr, "ccflow: cannot write '%s': %s\n", opts->records_path, strerror(why ? why : EIO));
            res.status = 2;
        }
    }
    cc_map_free(&s.wanted);
    cc_map_free(&s.refused);
    for (size_t i = 0; i < s.ended.cap; i++)
        if (s.ended.keys && s.ended.keys[i]) {
            ended_contact *e = s.ended.values[i];
            cc_free(e->reason);
            cc_free(e->agent);
            cc_free(e->previous);
            cc_free(e->related);
            cc_free(e->created_by);
            cc_free(e->initiation);
            for (size_t k = 0; k < e->refs.len; k++)
                cc_free(e->refs.items[k]);
            cc_vec_free(&e->refs);
            for (size_t k = 0; k < e->attrs.len; k++)
                cc_free(e->attrs.items[k]);
            cc_vec_free(&e->attrs);
            cc_free(e);
        }
    cc_map_free(&s.ended);
    cc_map_free(&s.rejected);
    cc_rt_free(rt);
    if (loaded)
        ccfb_free(&m);
    cc_buf_free(&bytes);
    cc_vec_free(&actions);
    cc_vec_free(&arrivals);
    cc_bundle_free(&bundle);
    cc_diags_free(&ds);
    cc_arena_free(&s.arena);
    cc_free(dir);
    return res;
}
