/* scenario_read.c — reads and validates a scenario file into a plan: the bundle it names, the VM's
 * resources, what happens when, and the expectations, every problem reported before anything runs. */
#include "scenario_internal.h"

#include "civil.h"
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void problem(scenario *s, const cc_node *at, const char *fmt, const char *arg)
{
    cc_report(s->ds, CC_E106, at->loc, fmt, arg);
    s->ok = false;
}

void problemf(scenario *s, const cc_node *at, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cc_report(s->ds, CC_E106, at->loc, "%s", msg);
    s->ok = false;
}

/* What a value is, for messages: its text in quotes, "empty", or its kind ("a mapping"). */
const char *shown(const cc_node *n, char *buf, size_t size)
{
    if (!n || cc_node_is_null(n))
        return "empty";
    if (n->type != CC_NODE_SCALAR)
        return cc_node_type_name(n);
    snprintf(buf, size, "'%s'", n->text);
    return buf;
}

/* Reports every key of a mapping that is not one of known (all of them, not only the first), each
 * with the nearest known key as a hint. True when every key is known. */
bool keys_known(scenario *s, const cc_node *map, const char *what, const char *const *known, size_t n)
{
    bool ok = true;
    for (uint32_t i = 0; map && map->type == CC_NODE_MAP && i < map->count; i++) {
        const cc_node *k = map->pairs[i].key;
        size_t j = 0;
        while (j < n && strcmp(k->text, known[j]) != 0)
            j++;
        if (j < n)
            continue;
        char list[400] = "";
        for (j = 0; j < n; j++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? (j + 1 < n ? ", " : " or ") : "",
                     known[j]);
        cc_diag *d = cc_report(s->ds, CC_E104, k->loc, "unknown %s key '%s'; it is %s", what, k->text, list);
        const char *best = cc_closest(k->text, known, n);
        if (best)
            cc_note_add(d, k->loc, "did you mean '%s'?", best);
        ok = s->ok = false;
    }
    return ok;
}

/* A whole number written in decimal digits within [min, max], checked before it is narrowed. */
bool whole_number(scenario *s, const cc_node *n, const char *what, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *t = is_scalar(n) ? n->text : "";
    uint64_t v = 0;
    bool ok = *t != '\0';
    for (; ok && *t; t++) {
        unsigned digit = (unsigned)(*t - '0');
        if (digit > 9 || v > (UINT64_MAX - digit) / 10)
            ok = false;
        else
            v = v * 10 + digit;
    }
    if (!ok || v < min || v > max) {
        char buf[200];
        problemf(s, n, "%s is a whole number from %llu to %llu, not %s", what, (unsigned long long)min,
                 (unsigned long long)max, shown(n, buf, sizeof buf));
        return false;
    }
    *out = v;
    return true;
}

/* A command-line duration (--until, --restart-at): from the scenario's start, never negative. */
bool option_duration(const char *option, const char *text, int64_t *ms)
{
    if (cc_parse_duration(text, ms) && *ms >= 0 && *ms <= SCENARIO_MAX_MS)
        return true;
    if (cc_parse_duration(text, ms) && *ms > SCENARIO_MAX_MS)
        fprintf(stderr, "ccflow: %s takes at most 3650000d (about 10,000 years), not '%s'\n", option, text);
    else
        fprintf(stderr, "ccflow: %s takes a duration such as 8h or 7d, not '%s'\n", option, text);
    return false;
}

bool duration_of(scenario *s, const cc_node *n, int64_t *ms)
{
    char buf[200];
    if (!is_scalar(n) || !cc_parse_duration(n->text, ms) || *ms < 0) {
        problemf(s, n, "expected a duration such as 30s, 10m or 8d, not %s", shown(n, buf, sizeof buf));
        return false;
    }
    if (*ms > SCENARIO_MAX_MS) {
        problemf(s, n, "a duration in a scenario is at most 3650000d (about 10,000 years), not %s",
                 shown(n, buf, sizeof buf));
        return false;
    }
    return true;
}

/* A ScheduledTime as an offset from the start, as an absolute time. One beyond any duration a
 * scenario takes is still a time: the latest there is, which the API refuses as too far ahead
 * like any other more than 6 days ahead (never a sum that wraps round to the past). */
bool scheduled_of(scenario *s, const cc_node *n, int64_t *when)
{
    int64_t ms;
    if (is_scalar(n) && cc_parse_duration(n->text, &ms) && ms > SCENARIO_MAX_MS) {
        *when = INT64_MAX;
        return true;
    }
    if (!duration_of(s, n, &ms))
        return false;
    *when = s->start + ms;
    return true;
}

/* 2026-11-23T08:00:00Z -> ms since the epoch, for a real date and time from 1970 to 9999 (read by
 * common/civil.c, as the date built-ins read theirs); otherwise false with why. */
static bool parse_time(const char *text, int64_t *ms, char *why, size_t n)
{
    char what[160];
    if (!cc_parse_utc(text, ms, what, sizeof what)) {
        if (!what[0])
            snprintf(why, n, "'start' is a UTC time such as 2026-11-23T08:00:00Z, not '%s'", text);
        else
            snprintf(why, n, "'start' %s", what);
        return false;
    }
    if (*ms < 0) {
        snprintf(why, n, "'start' is before 1970-01-01T00:00:00Z, where the clock's time begins");
        return false;
    }
    return true;
}

/* outcomes: { BLOCK_ID: BRANCH, ... } — what the outside world answers at blocks whose result
 * comes from outside ccflow. Fills req's outcome arrays (room for cap); false after reporting. */
bool outcomes_of(scenario *s, const cc_rt *rt, const cc_node *v, cc_task_request *req, const char **blocks,
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

/* A duration or a number of minutes (SegmentAttributes connect:ContactExpiry) as milliseconds. */
static bool expiry_of(scenario *s, const cc_node *v, int64_t *ms)
{
    if (is_scalar(v) && cc_parse_duration(v->text, ms) && *ms > 0 && *ms <= SCENARIO_MAX_MS)
        return true;
    problem(s, v, "an expiry is a duration such as 30m, 3d or 90d%s", "");
    return false;
}

/* Builds a task request from a start_task mapping (StartTaskContact's fields in snake case);
 * strings point into the scenario tree. */
bool task_request(scenario *s, const cc_rt *rt, const cc_node *st, cc_task_request *req, request_texts *t)
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
            if (!scheduled_of(s, v, &req->scheduled_ms))
                return false;
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
    /* every unknown key is reported, of the template and of each of its fields, before any is used */
    bool unknown = false;
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
            unknown = true;
        } else if (!strcmp(k->text, "fields"))
            for (uint32_t f = 0; v->type == CC_NODE_LIST && f < v->count; f++)
                for (uint32_t j = 0; v->items[f]->type == CC_NODE_MAP && j < v->items[f]->count; j++) {
                    const cc_node *fk = v->items[f]->pairs[j].key;
                    bool ok = false;
                    for (size_t q = 0; q < CC_ARRAY_LEN(field_keys); q++)
                        ok |= !strcmp(fk->text, field_keys[q]);
                    if (ok)
                        continue;
                    cc_diag *d = cc_report(s->ds, CC_E104, fk->loc,
                                           "unknown template field key '%s'; a field is { name, type, required, "
                                           "read_only, default }",
                                           fk->text);
                    const char *best = cc_closest(fk->text, field_keys, CC_ARRAY_LEN(field_keys));
                    if (best)
                        cc_note_add(d, fk->loc, "did you mean '%s'?", best);
                    unknown = true;
                }
    }
    if (unknown) {
        s->ok = false;
        goto out;
    }
    for (uint32_t i = 0; i < t->count; i++) {
        const cc_node *k = t->pairs[i].key, *v = t->pairs[i].value;
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

/* Whether a scenario's text can be read as one: UTF-8 (a stray byte is named, at its place) and
 * not empty (blanks, comments and document markers only). Reports and returns false otherwise. */
static bool text_readable(cc_diags *ds, uint32_t file, const char *text, size_t len)
{
    size_t bad = cc_utf8_first_invalid(text, len);
    if (bad < len) {
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < bad; i++) {
            if (text[i] == '\n')
                line++, col = 1;
            else if (((unsigned char)text[i] & 0xc0) != 0x80)
                col++;
        }
        cc_report(ds, CC_E101, (cc_loc){file, line, col, line, col},
                  "the scenario is not valid UTF-8: byte 0x%02x here does not start a valid UTF-8 sequence",
                  (unsigned)(unsigned char)text[bad]);
        return false;
    }
    size_t i = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
            i++;
        bool marker = end - i >= 3 && (!memcmp(text + i, "---", 3) || !memcmp(text + i, "...", 3)) &&
                      (end - i == 3 || text[i + 3] == ' ' || text[i + 3] == '\r');
        if (i < end && text[i] != '#' && !marker)
            return true;
        i = end + 1;
    }
    cc_report(ds, CC_E102, (cc_loc){file, 1, 1, 1, 1},
              "the scenario is empty; a scenario is a mapping with 'start', 'flows', 'queues', 'agents', 'events' "
              "and 'expect'");
    return false;
}

/* The top-level keys of a scenario: each unknown one is reported with the nearest known one. */
static void top_keys_known(scenario *s, const cc_node *root)
{
    static const char *const keys[] = {"start",  "seed",  "flows",  "queues",             "agents",        "functions",
                                       "events", "arrivals", "until", "expect", "hours_of_operation", "task_templates",
                                       "service_levels", "limits", "quick_connects"};
    for (uint32_t i = 0; i < root->count; i++) {
        const char *k = root->pairs[i].key->text;
        bool known = false;
        for (size_t j = 0; j < CC_ARRAY_LEN(keys); j++)
            known |= !strcmp(k, keys[j]);
        if (!known) {
            cc_diag *d = cc_report(s->ds, CC_E104, root->pairs[i].key->loc, "unknown key '%s' in a scenario", k);
            const char *best = cc_closest(k, keys, CC_ARRAY_LEN(keys));
            if (best)
                cc_note_add(d, root->pairs[i].key->loc, "did you mean '%s'?", best);
            s->ok = false;
        }
    }
}

/* start, seed and until (--until replaces the scenario's); false on a bad --until. */
static bool read_clock(scenario *s, scenario_plan *p, const cc_node *root, const cc_scenario_options *opts)
{
    int64_t start = 0;
    const cc_node *n = cc_node_get(root, "start");
    char start_why[200];
    if (!n)
        problem(s, root, "a scenario needs 'start', a UTC time such as 2026-11-23T08:00:00Z%s", "");
    else if (!is_scalar(n) || !parse_time(n->text, &start, start_why, sizeof start_why))
        problem(s, n, "%s", is_scalar(n) ? start_why : "'start' is a UTC time such as 2026-11-23T08:00:00Z");
    s->start = start;
    if ((n = cc_node_get(root, "seed")))
        whole_number(s, n, "'seed'", 0, UINT64_MAX, &p->seed);
    if ((n = cc_node_get(root, "until"))) {
        int64_t ms;
        if (duration_of(s, n, &ms))
            p->until = start + ms;
    }
    if (opts->until) {
        int64_t ms;
        if (!option_duration("--until", opts->until, &ms))
            return false;
        p->until = start + ms;
    }
    return true;
}

/* The bundle: the flows the scenario lists (relative to it) and the standard library, checked.
 * False when it has errors or a flow could not be named: such a bundle is never run. */
static bool read_flows(scenario *s, scenario_plan *p, const cc_node *root)
{
    const cc_node *flows = cc_node_get(root, "flows");
    bool flows_ok = true;
    if (!flows || flows->type != CC_NODE_LIST || !flows->count) {
        problem(s, flows ? flows : root, "'flows' lists flow files or directories, relative to the scenario%s", "");
        flows_ok = false;
    } else
        for (uint32_t i = 0; i < flows->count; i++) {
            char buf[200];
            if (!is_scalar(flows->items[i]) || !flows->items[i]->len) {
                problemf(s, flows->items[i], "a flows item is a path to a flow file or directory, not %s",
                         shown(flows->items[i], buf, sizeof buf));
                flows_ok = false;
                continue;
            }
            char *path = join_path(s->dir, flows->items[i]->text);
            struct stat st;
            if (stat(path, &st) != 0) {
                cc_report(s->ds, CC_E100, flows->items[i]->loc,
                          "cannot read '%s' (paths are relative to the scenario): %s", flows->items[i]->text,
                          strerror(errno));
                s->ok = flows_ok = false;
            } else
                cc_bundle_add_path(&p->bundle, path, false);
            cc_free(path);
        }
    cc_bundle_add_stdlib(&p->bundle);
    size_t errors_before_bundle = s->ds->errors;
    cc_check_bundle(&p->bundle);
    return s->ds->errors == errors_before_bundle && flows_ok;
}

/* queues: - { name, max_contacts, hours } */
static void read_queues(scenario *s, cc_rt *rt, const cc_node *root)
{
    const cc_node *queues = cc_node_get(root, "queues");
    for (uint32_t i = 0; queues && queues->type == CC_NODE_LIST && i < queues->count; i++) {
        static const char *const queue_keys[] = {"name", "max_contacts", "hours"};
        const cc_node *q = queues->items[i], *name = cc_node_get(q, "name"), *max = cc_node_get(q, "max_contacts");
        uint64_t max_contacts = 0;
        keys_known(s, q, "queue", queue_keys, CC_ARRAY_LEN(queue_keys)); /* reported; the queue stands */
        if (max)
            whole_number(s, max, "max_contacts (0: no limit)", 0, UINT32_MAX, &max_contacts);
        if (!is_scalar(name)) {
            problem(s, q, "a queue needs a name%s", "");
            continue;
        }
        int qi = cc_rt_add_queue(rt, name->text, (uint32_t)max_contacts);
        if (qi < 0)
            problem(s, name, "a second queue named '%s'", name->text);
        const cc_node *h = cc_node_get(q, "hours");
        if (h && qi >= 0) {
            int hi = is_scalar(h) ? cc_rt_hours_index(rt, h->text) : -1;
            if (hi < 0)
                problem(s, h, "no hours_of_operation named '%s'", is_scalar(h) ? h->text : "?");
            else
                cc_rt_set_queue_hours(rt, qi, hi);
        }
    }
}

/* service_levels: [60s, 4h, 2d] (the report's thresholds) and limits: { active_tasks: N } */
static void read_levels_and_limits(scenario *s, scenario_plan *p, const cc_node *root)
{
    p->levels[0] = 60000;
    p->nlevels = 1;
    const cc_node *sl = cc_node_get(root, "service_levels");
    if (sl) {
        p->nlevels = 0;
        if (sl->type != CC_NODE_LIST || !sl->count || sl->count > CC_METRIC_THRESHOLDS)
            problem(s, sl, "service_levels lists 1 to 10 thresholds such as [60s, 4h, 2d]%s", "");
        for (uint32_t i = 0; sl->type == CC_NODE_LIST && i < sl->count && p->nlevels < CC_METRIC_THRESHOLDS; i++) {
            int64_t ms;
            if (!duration_of(s, sl->items[i], &ms))
                continue;
            if (ms <= 0 || ms > 7 * 86400000ll) {
                problem(s, sl->items[i], "a service level threshold is more than 0 and at most 7 days%s", "");
                continue;
            }
            p->levels[p->nlevels++] = ms;
        }
    }
    const cc_node *limits = cc_node_get(root, "limits");
    if (limits) {
        static const char *const limit_keys[] = {"active_tasks"};
        const cc_node *at = cc_node_get(limits, "active_tasks");
        uint64_t quota;
        if (limits->type != CC_NODE_MAP || !at)
            problem(s, limits, "limits is { active_tasks: N }, the quota of tasks not yet ended (N >= 1)%s", "");
        else if (keys_known(s, limits, "limits", limit_keys, CC_ARRAY_LEN(limit_keys)) &&
                 whole_number(s, at, "active_tasks", 1, UINT64_MAX, &quota))
            cc_rt_set_active_task_limit(p->rt, quota);
    }
}

/* concurrency: { task: 2, chat: 1 } -> slots per channel (1 each when not given) */
static void read_concurrency(scenario *s, const cc_node *a, uint8_t conc[4])
{
    const cc_node *cn = cc_node_get(a, "concurrency");
    if (cn && cn->type != CC_NODE_MAP)
        problem(s, cn, "concurrency maps channels to slots: { task: 2, chat: 1 }%s", "");
    else if (cn) {
        const char *channels[CC_CH_COUNT];
        for (int c = 0; c < CC_CH_COUNT; c++)
            channels[c] = cc_channel_name(c);
        keys_known(s, cn, "concurrency", channels, CC_CH_COUNT);
        memset(conc, 0, 4);
        for (uint32_t k = 0; k < cn->count; k++)
            for (int c = 0; c < CC_CH_COUNT; c++) {
                uint64_t slots;
                if (!strcmp(cn->pairs[k].key->text, cc_channel_name(c)) &&
                    whole_number(s, cn->pairs[k].value, "a channel's concurrency", 0, UINT8_MAX, &slots))
                    conc[c] = (uint8_t)slots;
            }
    }
}

/* agents: - { name, queues, concurrency, handle, acw, status, accept, proficiencies } */
static void read_agent(scenario *s, cc_rt *rt, const cc_node *a)
{
    const cc_node *name = cc_node_get(a, "name");
    if (!is_scalar(name)) {
        problem(s, a, "an agent needs a name%s", "");
        return;
    }
    int qs[64];
    size_t nq = 0;
    const cc_node *aq = cc_node_get(a, "queues");
    for (uint32_t k = 0; aq && aq->type == CC_NODE_LIST && k < aq->count && nq < 64; k++) {
        int qi = is_scalar(aq->items[k]) ? cc_rt_queue_index(rt, aq->items[k]->text) : -1;
        if (qi < 0)
            problem(s, aq->items[k], "no queue named '%s'", is_scalar(aq->items[k]) ? aq->items[k]->text : "?");
        else
            qs[nq++] = qi;
    }
    uint8_t conc[4] = {1, 1, 1, 1};
    read_concurrency(s, a, conc);
    int64_t handle = 0, acw = 0;
    if (cc_node_get(a, "handle"))
        duration_of(s, cc_node_get(a, "handle"), &handle);
    if (cc_node_get(a, "acw"))
        duration_of(s, cc_node_get(a, "acw"), &acw);
    const cc_node *st = cc_node_get(a, "status"), *acc = cc_node_get(a, "accept");
    bool available = !st || (is_scalar(st) && !strcmp(st->text, "available"));
    int ai = cc_rt_add_agent(rt, name->text, qs, nq, conc, handle, acw, available);
    if (ai < 0) {
        problem(s, name, "a second agent named '%s'", name->text);
        return;
    }
    if (is_scalar(st) && strcmp(st->text, "available") != 0 && strcmp(st->text, "offline") != 0)
        cc_rt_set_agent_status(rt, ai, false, true); /* a break, lunch...: online, not routable */
    if (acc && (!is_scalar(acc) || (strcmp(acc->text, "manual") != 0 && strcmp(acc->text, "auto") != 0)))
        problem(s, acc, "accept is auto (the default) or manual: contacts are offered until accept_contact%s", "");
    else if (acc)
        cc_rt_set_agent_manual_accept(rt, ai, !strcmp(acc->text, "manual"));
    const cc_node *prof = cc_node_get(a, "proficiencies");
    for (uint32_t k = 0; prof && prof->type == CC_NODE_MAP && k < prof->count; k++)
        if (is_scalar(prof->pairs[k].value))
            cc_rt_set_agent_proficiency(rt, ai, prof->pairs[k].key->text, prof->pairs[k].value->text);
    if (prof && prof->type != CC_NODE_MAP)
        problem(s, prof, "proficiencies map attribute names to values: { language: english }%s", "");
    static const char *const agent_keys[] = {"name",   "queues", "concurrency",  "handle",
                                             "acw",    "status", "accept",       "proficiencies"};
    keys_known(s, a, "agent", agent_keys, CC_ARRAY_LEN(agent_keys));
}

/* quick_connects: - { name, queue: Q | agent: A, flow: F } (after queues and agents) */
static void read_quick_connects(scenario *s, cc_rt *rt, const cc_node *root)
{
    const cc_node *qcs = cc_node_get(root, "quick_connects");
    for (uint32_t i = 0; qcs && qcs->type == CC_NODE_LIST && i < qcs->count; i++) {
        const cc_node *q = qcs->items[i], *name = cc_node_get(q, "name"), *qq = cc_node_get(q, "queue"),
                      *qa = cc_node_get(q, "agent"), *qf = cc_node_get(q, "flow");
        char why[300];
        static const char *const qc_keys[] = {"name", "queue", "agent", "flow"};
        if (!keys_known(s, q, "quick connect", qc_keys, CC_ARRAY_LEN(qc_keys)))
            continue;
        if (!is_scalar(name) || !is_scalar(qf) || q->count != 3) {
            problem(s, q, "a quick connect is { name, queue: Q, flow: F } or { name, agent: A, flow: F }%s", "");
            continue;
        }
        if (!cc_rt_add_quick_connect(rt, name->text, is_scalar(qq) ? qq->text : NULL, is_scalar(qa) ? qa->text : NULL,
                                     qf->text, why, sizeof why)) {
            cc_report(s->ds, CC_E106, q->loc, "%s", why);
            s->ok = false;
        }
    }
}

/* functions: { NAME: { result: { key: value }, latency: 200ms } } — stand-ins for Lambda functions */
static void read_functions(scenario *s, cc_rt *rt, const cc_node *root)
{
    const cc_node *fns = cc_node_get(root, "functions");
    if (fns && fns->type != CC_NODE_MAP)
        problem(s, fns, "functions map names to stand-ins: { crm_lookup: { result: { tier: gold }, latency: 200ms } }%s",
                "");
    for (uint32_t i = 0; fns && fns->type == CC_NODE_MAP && i < fns->count; i++) {
        static const char *const function_keys[] = {"result", "latency"};
        const cc_node *f = fns->pairs[i].value, *result = cc_node_get(f, "result"), *lat = cc_node_get(f, "latency");
        const char *rk[64], *rv[64];
        size_t nr = 0;
        int64_t latency = 0;
        if (f->type != CC_NODE_MAP) {
            problem(s, f, "a function is { result: { key: value }, latency: 200ms }%s", "");
            continue;
        }
        bool fine = keys_known(s, f, "function", function_keys, CC_ARRAY_LEN(function_keys));
        if (result && result->type != CC_NODE_MAP) {
            problem(s, result, "a function's result maps keys to values: { tier: gold }%s", "");
            fine = false;
        }
        for (uint32_t k = 0; result && result->type == CC_NODE_MAP && k < result->count; k++) {
            if (!is_scalar(result->pairs[k].value)) {
                char buf[200];
                problemf(s, result->pairs[k].value, "a result's value is text, not %s",
                         shown(result->pairs[k].value, buf, sizeof buf));
                fine = false;
            } else if (nr == CC_ARRAY_LEN(rk)) {
                problem(s, result->pairs[k].key, "a function's result has at most 64 keys%s", "");
                fine = false;
            } else {
                rk[nr] = result->pairs[k].key->text;
                rv[nr++] = result->pairs[k].value->text;
            }
        }
        if ((lat && !duration_of(s, lat, &latency)) || !fine)
            continue;
        cc_rt_add_function(rt, fns->pairs[i].key->text, rk, rv, nr, latency);
    }
}

/* The VM's resources: hours, queues, service levels and limits, templates, agents, quick
 * connects and functions, in that order (each may name the ones before). */
static void read_resources(scenario *s, scenario_plan *p, const cc_node *root)
{
    cc_rt *rt = p->rt;
    const cc_node *hours_map = cc_node_get(root, "hours_of_operation");
    for (uint32_t i = 0; hours_map && hours_map->type == CC_NODE_MAP && i < hours_map->count; i++)
        add_hours(s, rt, hours_map->pairs[i].key, hours_map->pairs[i].value);
    read_queues(s, rt, root);
    read_levels_and_limits(s, p, root);
    const cc_node *templates = cc_node_get(root, "task_templates");
    for (uint32_t i = 0; templates && templates->type == CC_NODE_LIST && i < templates->count; i++)
        add_template(s, rt, templates->items[i]);
    const cc_node *agents = cc_node_get(root, "agents");
    for (uint32_t i = 0; agents && agents->type == CC_NODE_LIST && i < agents->count; i++)
        read_agent(s, rt, agents->items[i]);
    read_quick_connects(s, rt, root);
    read_functions(s, rt, root);
}

/* One event: { at, KIND: ... } with exactly one kind; added to the plan's actions when sound. */
static void read_event(scenario *s, scenario_plan *p, const cc_node *ev, uint32_t i)
{
    static const char *const event_keys[] = {"at",       "start_task",      "start_contact",
                                             "agent",    "update_attributes", "stop_contact",
                                             "update_schedule", "transfer",  "accept_contact",
                                             "complete_contact"};
    const cc_node *kind = NULL;
    if (ev->type != CC_NODE_MAP) {
        problem(s, ev, "an event is { at: OFFSET, KIND: ... }%s", "");
        return;
    }
    if (!keys_known(s, ev, "event", event_keys, CC_ARRAY_LEN(event_keys)))
        return;
    bool twice = false;
    for (uint32_t k = 0; k < ev->count; k++)
        if (strcmp(ev->pairs[k].key->text, "at") != 0) {
            if (kind) {
                problemf(s, ev->pairs[k].key, "an event does one thing; this one has '%s' and '%s' (make two events)",
                         kind->text, ev->pairs[k].key->text);
                twice = true;
            }
            kind = ev->pairs[k].key;
        }
    if (!kind) {
        problem(s, ev,
                "an event is { at, X } where X is start_task, start_contact, agent, update_attributes, "
                "stop_contact, update_schedule, transfer, accept_contact or complete_contact%s",
                "");
        return;
    }
    const cc_node *at_node = cc_node_get(ev, "at");
    int64_t at = 0;
    if (!at_node) {
        problem(s, ev, "an event needs 'at', its offset from the scenario's start%s", "");
        return;
    }
    if (!duration_of(s, at_node, &at) || twice)
        return;
    action a = {s->start + at, cc_node_get(ev, "start_task"), cc_node_get(ev, "start_contact"),
                cc_node_get(ev, "agent"), i, NULL};
    if (!a.start_task && !a.start_contact && !a.agent)
        a.api = ev;
    cc_vec_push(&p->actions, a);
}

/* What happens, in time order: the events, and the load the arrivals generate. */
static void read_events(scenario *s, scenario_plan *p, const cc_node *root)
{
    const cc_node *events = cc_node_get(root, "events");
    if (events && events->type != CC_NODE_LIST)
        problem(s, events, "events lists what happens: - { at: 0s, start_task: {...} }%s", "");
    for (uint32_t i = 0; events && events->type == CC_NODE_LIST && i < events->count; i++)
        read_event(s, p, events->items[i], i);
    if (p->actions.len)
        qsort(p->actions.items, p->actions.len, sizeof *p->actions.items, cmp_actions);
    const cc_node *arr = cc_node_get(root, "arrivals");
    if (arr && arr->type != CC_NODE_LIST)
        problem(s, arr, "arrivals lists generated load: - { every: 30s, count: 1000, start_task: {...} }%s", "");
    for (uint32_t i = 0; arr && arr->type == CC_NODE_LIST && i < arr->count; i++) {
        static const char *const arrival_keys[] = {"every", "count", "start_task"};
        const cc_node *a = arr->items[i];
        arrival g = {0, s->start, 0, 0, cc_node_get(a, "start_task")};
        const cc_node *count = cc_node_get(a, "count"), *every = cc_node_get(a, "every");
        if (a->type != CC_NODE_MAP || !keys_known(s, a, "arrival", arrival_keys, CC_ARRAY_LEN(arrival_keys)))
            continue;
        if (!every || !count || !g.start_task) {
            problem(s, a, "an arrival is { every: D, count: N, start_task: {...} }%s", "");
            continue;
        }
        if (duration_of(s, every, &g.every) && whole_number(s, count, "an arrival's count", 0, UINT64_MAX, &g.left))
            cc_vec_push(&p->arrivals, g);
    }
}

/* Every event and arrival is read before anything runs, also those the run never reaches:
 * requests, API calls, agents, and outcomes that must name blocks and branches of the bundle. */
static void probe_actions(scenario *s, scenario_plan *p, FILE *out)
{
    request_texts *texts = &p->texts;
    cc_rt *rt = p->rt;
    for (size_t i = 0; i < p->actions.len + p->arrivals.len; i++) {
        const action *a = i < p->actions.len ? &p->actions.items[i] : NULL;
        const cc_node *st = a ? a->start_task : p->arrivals.items[i - p->actions.len].start_task;
        cc_task_request probe;
        if (st)
            task_request(s, rt, st, &probe, texts);
        else if (a->start_contact)
            start_contact_event(s, rt, a->start_contact, true, texts->keys, texts->values, out);
        else if (a->api)
            api_event(s, rt, a->api, texts, out, true);
        else if (a->agent) {
            static const char *const agent_event_keys[] = {"name", "status"};
            const cc_node *name = cc_node_get(a->agent, "name"), *status = cc_node_get(a->agent, "status");
            if (a->agent->type != CC_NODE_MAP ||
                !keys_known(s, a->agent, "agent event", agent_event_keys, CC_ARRAY_LEN(agent_event_keys)))
                continue;
            if (!is_scalar(name) || cc_rt_agent_index(rt, name->text) < 0 || !is_scalar(status))
                problem(s, a->agent, "an agent event names a known agent and a status%s", "");
        }
    }
}

/* Every expectation is read before the run: one that could pass without checking is a problem. */
static void read_expect(scenario *s, scenario_plan *p, const cc_node *root)
{
    const cc_node *expect = p->expect = cc_node_get(root, "expect");
    if (expect && expect->type != CC_NODE_LIST) {
        char buf[200];
        problemf(s, expect, "expect lists what to check: - { contact: t1, ended_at: 5m }, not %s",
                 shown(expect, buf, sizeof buf));
    }
    for (uint32_t i = 0; expect && expect->type == CC_NODE_LIST && i < expect->count; i++) {
        const cc_node *who = cc_node_get(expect->items[i], "contact");
        if (expect_item_valid(s, p->rt, expect->items[i]) && is_scalar(who))
            cc_map_put(&s->wanted, who->text, (void *)who);
    }
}

/* The scenario file as a mapping, once it reads as UTF-8 text; NULL after reporting. */
static cc_node *read_root(scenario *s, const char *path, int *status)
{
    size_t len;
    char *text = cc_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ccflow: cannot read '%s'\n", path);
        *status = 2;
        return NULL;
    }
    uint32_t file = cc_source_add(s->ds, path, text, len);
    if (!text_readable(s->ds, file, text, len)) {
        s->ok = false;
        return NULL;
    }
    cc_node *root = cc_yaml_read(&s->arena, s->ds, file, text, len);
    if (!root || root->type != CC_NODE_MAP) {
        if (root)
            cc_report(s->ds, CC_E106, root->loc, "a scenario is a mapping with 'start', 'flows', 'queues'...%s", "");
        s->ok = false;
        return NULL;
    }
    if (root->has_dups)
        cc_doc_report_duplicates(s->ds, root, NULL);
    return root;
}

bool scenario_read(scenario *s, scenario_plan *p, const char *path, const cc_scenario_options *opts, FILE *out,
                   int *status)
{
    cc_node *root = read_root(s, path, status);
    if (!root)
        return false;
    top_keys_known(s, root);
    if (!read_clock(s, p, root, opts)) {
        *status = 2;
        return false;
    }
    /* a bundle with errors is never run; the rest of the scenario is still read, so that every
     * problem is reported at once */
    if (!read_flows(s, p, root))
        return false;
    cc_codegen(&p->bundle, false, &p->bytes);
    char err[256];
    if (!ccfb_load(&p->m, (const uint8_t *)p->bytes.data, p->bytes.len, true, err, sizeof err)) {
        fprintf(stderr, "ccflow: internal error: the compiled bundle does not verify: %s\n", err);
        *status = 2;
        return false;
    }
    p->loaded = true;
    p->rt = cc_rt_new(&p->m, s->start, p->seed);
    scenario_watch(s, p->rt, opts, out);
    read_resources(s, p, root);
    read_events(s, p, root);
    probe_actions(s, p, out);
    read_expect(s, p, root);
    return s->ok;
}

void scenario_plan_free(scenario_plan *p)
{
    cc_rt_free(p->rt);
    if (p->loaded)
        ccfb_free(&p->m);
    cc_buf_free(&p->bytes);
    cc_vec_free(&p->actions);
    cc_vec_free(&p->arrivals);
    cc_bundle_free(&p->bundle);
}
