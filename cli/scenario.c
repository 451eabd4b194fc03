/* scenario.c — reads a scenario (YAML, through the same reader and diagnostics as flows), builds
 * the bundle it names, runs it on a virtual clock and reports: records, report, expectations. */
#include "scenario.h"

#include "bytecode.h"
#include "codegen.h"
#include "ir.h"
#include "runtime.h"
#include "json_writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <time.h>
#include <sys/stat.h>

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

static void problemf(scenario *s, const cc_node *at, const char *fmt, ...) CC_PRINTF(3, 4);
static void problemf(scenario *s, const cc_node *at, const char *fmt, ...)
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
static const char *shown(const cc_node *n, char *buf, size_t size)
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
static bool keys_known(scenario *s, const cc_node *map, const char *what, const char *const *known, size_t n)
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
static bool whole_number(scenario *s, const cc_node *n, const char *what, uint64_t min, uint64_t max, uint64_t *out)
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

/* The longest duration or offset a scenario takes (about 10,000 years): the start plus a few of
 * them stays far inside int64 milliseconds, wherever the runtime adds them up. */
#define SCENARIO_MAX_MS (3650000LL * 86400000LL)

/* A command-line duration (--until, --restart-at): from the scenario's start, never negative. */
static bool option_duration(const char *option, const char *text, int64_t *ms)
{
    if (cc_parse_duration(text, ms) && *ms >= 0 && *ms <= SCENARIO_MAX_MS)
        return true;
    if (cc_parse_duration(text, ms) && *ms > SCENARIO_MAX_MS)
        fprintf(stderr, "ccflow: %s takes at most 3650000d (about 10,000 years), not '%s'\n", option, text);
    else
        fprintf(stderr, "ccflow: %s takes a duration such as 8h or 7d, not '%s'\n", option, text);
    return false;
}

static bool duration_of(scenario *s, const cc_node *n, int64_t *ms)
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
static bool scheduled_of(scenario *s, const cc_node *n, int64_t *when)
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

/* 2026-11-23T08:00:00Z -> ms since the epoch, for a real date and time from 1970 to 9999;
 * otherwise false with why (nothing is normalised: 2026-02-30 is not 2026-03-02). */
static bool parse_time(const char *text, int64_t *ms, char *why, size_t n)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    int f[6] = {0}, field = 0;
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == 'd') {
            if (text[i] < '0' || text[i] > '9')
                break;
            f[field] = f[field] * 10 + (text[i] - '0');
        } else if (text[i] != shape[i])
            break;
        else
            field += field < 5;
        if (i == sizeof shape - 2) {
            if (text[i + 1] != '\0')
                break;
            goto shaped;
        }
    }
    snprintf(why, n, "'start' is a UTC time such as 2026-11-23T08:00:00Z, not '%s'", text);
    return false;
shaped:;
    int y = f[0], mo = f[1], d = f[2], h = f[3], mi = f[4], sec = f[5];
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970)
        snprintf(why, n, "'start' is before 1970-01-01T00:00:00Z, where the clock's time begins");
    else if (mo < 1 || mo > 12)
        snprintf(why, n, "'start' has no month %02d: months are 01 to 12", mo);
    else if (d < 1 || d > month_days[mo - 1] + (mo == 2 && leap))
        snprintf(why, n, "'start' has no day %02d in %04d-%02d, which has %d days", d, y, mo,
                 month_days[mo - 1] + (mo == 2 && leap));
    else if (h > 23 || mi > 59 || sec > 59)
        snprintf(why, n, "'start' has no time %02d:%02d:%02d: hours are 00 to 23, minutes and seconds 00 to 59", h, mi,
                 sec);
    else
        why = NULL;
    if (why)
        return false;
    /* days from civil (proleptic Gregorian), without the C library's time zone state */
    y -= mo <= 2;
    int64_t era = y / 400;
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

/* What `expect` may ask about a contact, from its record (ended) or its description (live). */
static ended_contact *contact_summary(const cc_record *r)
{
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
    for (size_t i = 0; i < r->nattrs; i++) {
        cc_vec_push(&e->attrs, cc_xstrdup(r->attr_keys[i]));
        cc_vec_push(&e->attrs, cc_xstrdup(r->attr_values[i]));
    }
    e->ended = r->ended;
    e->started = r->scheduled >= 0 ? r->scheduled : r->initiated;
    return e;
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
    if (is_scalar(v) && cc_parse_duration(v->text, ms) && *ms > 0 && *ms <= SCENARIO_MAX_MS)
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

/* The API calls a scenario can make on a contact: update_attributes: { contact, attributes },
 * stop_contact: ID, update_schedule: { contact, scheduled }, transfer: { contact, flow, queue |
 * agent }, complete_contact: ID (its agent completes it now). A refused call is reported with its
 * exception, like a refused start. */
static bool api_event(scenario *s, cc_rt *rt, const cc_node *ev, request_texts *t, FILE *out, bool dry)
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
static bool start_contact_event(scenario *s, cc_rt *rt, const cc_node *sc, bool dry, const char **keys,
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

/* The figures a queue expectation can name, and where cc_metrics keeps each. */
static const struct {
    const char *name;
    size_t offset;
    bool time;
} queue_figures[] = {
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

/* A queue expectation's metric (an index of queue_figures, or -1 for a service level with its
 * threshold) and the value it expects: a count, a duration or seconds, or a percentage. */
typedef struct {
    int figure;
    int64_t threshold;
    double want;
    int channel;
} queue_check;

/* Reads { queue, channel, metric, value } before the run; false after reporting every problem. */
static bool queue_check_of(scenario *s, const cc_rt *rt, const cc_node *item, queue_check *qc)
{
    static const char *const keys[] = {"queue", "channel", "metric", "value"};
    const cc_node *qn = cc_node_get(item, "queue"), *mn = cc_node_get(item, "metric"), *vn = cc_node_get(item, "value"),
                  *cn = cc_node_get(item, "channel");
    char buf[200];
    bool ok = keys_known(s, item, "queue expectation", keys, CC_ARRAY_LEN(keys));
    if (!is_scalar(qn) || !qn->len || !mn || !vn) {
        problem(s, item, "a queue expectation is { queue: NAME, channel: TASK, metric: M, value: V }%s", "");
        return false;
    }
    /* an agent's own queue (agent:NAME) comes to be when a contact is first sent to it */
    if (cc_rt_queue_index(rt, qn->text) < 0 &&
        (strncmp(qn->text, "agent:", 6) != 0 || cc_rt_agent_index(rt, qn->text + 6) < 0)) {
        problem(s, qn, "no queue named '%s'", qn->text);
        ok = false;
    }
    qc->channel = -1;
    if (cn) {
        for (int c = 0; c < CC_CH_COUNT; c++)
            if (is_scalar(cn) && !strcmp(cn->text, cc_channel_upper(c)))
                qc->channel = c;
        if (qc->channel < 0) {
            problemf(s, cn, "a channel is VOICE, CHAT, TASK or EMAIL, not %s", shown(cn, buf, sizeof buf));
            ok = false;
        }
    }
    const char *m = is_scalar(mn) ? mn->text : "";
    qc->figure = -1;
    for (size_t i = 0; i < CC_ARRAY_LEN(queue_figures); i++)
        if (!strcmp(m, queue_figures[i].name))
            qc->figure = (int)i;
    bool is_level = qc->figure < 0 && !strncmp(m, "service_level_", 14) && cc_parse_duration(m + 14, &qc->threshold) &&
                    qc->threshold > 0 && qc->threshold <= SCENARIO_MAX_MS;
    if (qc->figure < 0 && !is_level) {
        const char *names[CC_ARRAY_LEN(queue_figures) + 1];
        char list[700] = "";
        for (size_t i = 0; i < CC_ARRAY_LEN(queue_figures); i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     names[i] = queue_figures[i].name);
        names[CC_ARRAY_LEN(queue_figures)] = "service_level_<threshold>";
        cc_diag *d = cc_report(s->ds, CC_E108, mn->loc, "unknown queue metric %s; ccflow knows %s and %s",
                               shown(mn, buf, sizeof buf), list, names[CC_ARRAY_LEN(queue_figures)]);
        const char *best = cc_closest(m, names, CC_ARRAY_LEN(names));
        if (best)
            cc_note_add(d, mn->loc, "did you mean '%s'?", best);
        s->ok = false;
        return false;
    }
    bool is_time = qc->figure >= 0 && queue_figures[qc->figure].time;
    int64_t ms;
    char *end = NULL;
    if (!is_scalar(vn) || !vn->len)
        end = NULL;
    else if (is_time && cc_parse_duration(vn->text, &ms) && ms >= 0 && ms <= SCENARIO_MAX_MS) {
        qc->want = (double)ms;
        return ok;
    } else {
        errno = 0;
        qc->want = strtod(vn->text, &end);
        if (end == vn->text || errno == ERANGE || qc->want != qc->want || qc->want < 0 ||
            (*end && !(is_level && !strcmp(end, "%"))))
            end = NULL;
    }
    if (!end) {
        problemf(s, vn, "a queue expectation's value is %s, not %s",
                 is_time ? "a duration such as 90s or a number of seconds"
                 : is_level ? "a percentage such as 80 or 80%"
                            : "a number",
                 shown(vn, buf, sizeof buf));
        return false;
    }
    if (is_time)
        qc->want *= 1000; /* a plain number of seconds */
    return ok;
}

/* { queue, metric, value }: a queue's figure at the end of the run (the item was read before). */
static bool check_queue_metric(scenario *s, cc_rt *rt, const cc_node *item, FILE *out)
{
    queue_check qc;
    if (!queue_check_of(s, rt, item, &qc))
        return false;
    const cc_node *qn = cc_node_get(item, "queue");
    const char *qname = qn->text, *m = cc_node_get(item, "metric")->text;
    if (cc_rt_queue_index(rt, qname) < 0) {
        problem(s, qn, "no queue named '%s'", qname);
        return false;
    }
    cc_metrics mt;
    cc_rt_metrics(rt, (size_t)cc_rt_queue_index(rt, qname), qc.channel, &qc.threshold, qc.figure < 0, &mt);
    double seen;
    bool is_time = qc.figure >= 0 && queue_figures[qc.figure].time;
    if (qc.figure < 0)
        seen = mt.service_level[0];
    else {
        const char *at = (const char *)&mt + queue_figures[qc.figure].offset;
        if (is_time) {
            int64_t v;
            memcpy(&v, at, sizeof v);
            seen = (double)v;
        } else {
            uint64_t v;
            memcpy(&v, at, sizeof v);
            seen = (double)v;
        }
    }
    bool pass = seen > qc.want - 0.05 && seen < qc.want + 0.05;
    if (!pass) {
        char shown_value[64];
        if (is_time)
            snprintf(shown_value, sizeof shown_value, "%.1fs", seen / 1000);
        else
            snprintf(shown_value, sizeof shown_value, "%g%s", seen, qc.figure < 0 ? "%" : "");
        fprintf(out, "%s:%u: FAIL queue %s: saw %s %s\n", cc_source_get(s->ds, item->loc.file)->path, item->loc.line,
                qname, m, shown_value);
    }
    return pass;
}

/* What a contact expectation can check, after its `contact`. */
static const char *const contact_checks[] = {"contact",    "disconnect_reason", "agent",      "started_at",
                                             "ended_at",   "attributes",        "references", "previous",
                                             "related",    "created_by",        "initiation", "rejected",
                                             "refused"};

/* Reads one expect item before the run. An item that could pass without checking anything is a
 * problem: not a mapping, no check beside its contact, an unknown key (each one is reported), an
 * empty or mistyped value. */
static bool expect_item_valid(scenario *s, const cc_rt *rt, const cc_node *item)
{
    char buf[200];
    if (item->type != CC_NODE_MAP) {
        problemf(s, item, "an expect item is { contact: ID, CHECK: VALUE } or { queue, metric, value }, not %s",
                 shown(item, buf, sizeof buf));
        return false;
    }
    if (cc_node_get(item, "queue") && !cc_node_get(item, "contact")) {
        queue_check qc;
        return queue_check_of(s, rt, item, &qc);
    }
    bool ok = keys_known(s, item, "expectation", contact_checks, CC_ARRAY_LEN(contact_checks));
    const cc_node *who = cc_node_get(item, "contact");
    if (!is_scalar(who) || !who->len) {
        problemf(s, who ? who : item, "an expect item names its contact: { contact: ID, ... }%s",
                 who ? "; this one is empty" : "");
        return false;
    }
    size_t checks = 0;
    for (uint32_t i = 0; i < item->count; i++) {
        const char *key = item->pairs[i].key->text;
        const cc_node *v = item->pairs[i].value;
        size_t j = 1;
        while (j < CC_ARRAY_LEN(contact_checks) && strcmp(key, contact_checks[j]) != 0)
            j++;
        if (j == CC_ARRAY_LEN(contact_checks))
            continue; /* contact itself, or unknown: reported above */
        checks++;
        int64_t ms;
        if (!strcmp(key, "started_at") || !strcmp(key, "ended_at")) {
            ok &= duration_of(s, v, &ms);
        } else if (!strcmp(key, "attributes") || !strcmp(key, "references")) {
            if (v->type != CC_NODE_MAP || !v->count) {
                problemf(s, v, "'%s' maps keys to the values expected (null: absent), not %s", key,
                         v->type == CC_NODE_MAP ? "an empty mapping" : shown(v, buf, sizeof buf));
                ok = false;
            }
            for (uint32_t a = 0; v->type == CC_NODE_MAP && a < v->count; a++)
                if (v->pairs[a].value->type != CC_NODE_SCALAR) {
                    problemf(s, v->pairs[a].value, "an expected %s value is text or null, not %s",
                             key[0] == 'a' ? "attribute's" : "reference's", cc_node_type_name(v->pairs[a].value));
                    ok = false;
                }
        } else if (v->type != CC_NODE_SCALAR || (!strcmp(key, "disconnect_reason") || !strcmp(key, "rejected") ||
                                                 !strcmp(key, "refused")
                                                     ? !is_scalar(v) || !v->len
                                                     : !cc_node_is_null(v) && !v->len)) {
            /* names are never empty; agent, previous, related, created_by and initiation may be
             * null (none) */
            problemf(s, v, "'%s' expects %s, not %s", key,
                     !strcmp(key, "disconnect_reason") ? "a reason such as AGENT_DISCONNECT"
                     : !strcmp(key, "rejected") || !strcmp(key, "refused")
                         ? "an exception name such as InvalidRequestException"
                         : "a name, or null for none",
                     shown(v, buf, sizeof buf));
            ok = false;
        }
    }
    if (!checks && ok) {
        problemf(s, item, "this expectation names contact '%s' and nothing to check; add disconnect_reason, agent, "
                          "started_at, ended_at, attributes...", who->text);
        return false;
    }
    return ok;
}

/* What an expectation reads of a contact: its record once ended, DescribeContact's answer while it
 * lives (open). */
typedef struct {
    ended_contact *e;
    bool open, started;
} contact_view;

static void describe_live(void *ud, const cc_record *r)
{
    contact_view *cv = ud;
    ended_contact *e = contact_summary(r);
    e->ended = -1; /* still open */
    cv->e = e;
    cv->open = true;
    cv->started = strcmp(r->state, "SCHEDULED") != 0; /* a scheduled task's flow has not begun */
}

static void ended_contact_free(ended_contact *e)
{
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

/* Checks one expect item (read before the run) against the end of the run: the contact's state
 * then, whether it has ended or is still alive. */
static bool check_expect(scenario *s, cc_rt *rt, const cc_node *item, FILE *out)
{
    if (item->type == CC_NODE_MAP && cc_node_get(item, "queue") && !cc_node_get(item, "contact"))
        return check_queue_metric(s, rt, item, out);
    const cc_node *who = cc_node_get(item, "contact");
    contact_view cv = {cc_map_get(&s->ended, who->text), false, true};
    if (!cv.e)
        cc_rt_describe(rt, who->text, describe_live, &cv);
    const ended_contact *e = cv.e;
    const char *rejected = cc_map_get(&s->rejected, who->text);
    const char *absent = e ? "(still open)" : "(no such contact)";
    bool pass = true;
    cc_buf seen = {0};
    for (uint32_t i = 0; i < item->count && pass; i++) {
        const char *key = item->pairs[i].key->text;
        const cc_node *v = item->pairs[i].value;
        if (!strcmp(key, "contact"))
            continue;
        if (!strcmp(key, "disconnect_reason")) {
            pass = e && !cv.open && !strcmp(e->reason, v->text);
            cc_buf_printf(&seen, "disconnect_reason %s", e && !cv.open ? e->reason : absent);
        } else if (!strcmp(key, "agent")) { /* null: no agent took it */
            pass = e && (is_scalar(v) ? e->agent && !strcmp(e->agent, v->text) : !e->agent);
            cc_buf_printf(&seen, "agent %s", !e ? absent : e->agent ? e->agent : "(none)");
        } else if (!strcmp(key, "ended_at") || !strcmp(key, "started_at")) {
            int64_t ms;
            duration_of(s, v, &ms);
            bool known = e && (key[0] == 'e' ? !cv.open : cv.started);
            int64_t at = known ? (key[0] == 'e' ? e->ended : e->started) - s->start : 0;
            pass = known && at == ms;
            char d[32];
            cc_format_duration(d, sizeof d, at);
            cc_buf_printf(&seen, "%s %s", key, known ? d : !e ? absent : key[0] == 'e' ? "(still open)" : "(not started)");
        } else if (!strcmp(key, "refused")) { /* an API call on the contact was refused */
            const char *r = cc_map_get(&s->refused, who->text);
            pass = r && !strcmp(r, v->text);
            cc_buf_printf(&seen, "refused %s", r ? r : "(nothing refused)");
        } else if (!strcmp(key, "rejected")) {
            pass = rejected && !strcmp(rejected, v->text);
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
            cc_buf_printf(&seen, "%s %s", key, !e ? absent : have ? have : "(none)");
        } else { /* attributes or references: these keys have these values (null: absent) */
            const bool refs = key[0] == 'r';
            for (uint32_t a = 0; a < v->count && pass; a++) {
                const char *want = cc_node_is_null(v->pairs[a].value) ? NULL : v->pairs[a].value->text;
                const char *have = NULL;
                for (size_t k = 0; e && k + 1 < (refs ? e->refs.len : e->attrs.len); k += 2)
                    if (!strcmp((refs ? e->refs.items : e->attrs.items)[k], v->pairs[a].key->text))
                        have = (refs ? e->refs.items : e->attrs.items)[k + 1];
                pass = e && (want ? have && !strcmp(want, have) : !have);
                if (e)
                    cc_buf_printf(&seen, "%s=%s ", v->pairs[a].key->text, have ? have : "(absent)");
                else
                    cc_buf_printf(&seen, "%s", absent);
            }
        }
    }
    if (!pass)
        fprintf(out, "%s:%u: FAIL contact %s: saw %s\n", cc_source_get(s->ds, item->loc.file)->path, item->loc.line,
                who->text, seen.data ? seen.data : "nothing");
    cc_buf_free(&seen);
    if (cv.open)
        ended_contact_free(cv.e);
    return pass;
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
    if (!text_readable(&ds, file, text, len)) {
        s.ok = false;
        goto done;
    }
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
    char start_why[200];
    if (!n)
        problem(&s, root, "a scenario needs 'start', a UTC time such as 2026-11-23T08:00:00Z%s", "");
    else if (!is_scalar(n) || !parse_time(n->text, &start, start_why, sizeof start_why))
        problem(&s, n, "%s", is_scalar(n) ? start_why : "'start' is a UTC time such as 2026-11-23T08:00:00Z");
    s.start = start;
    if ((n = cc_node_get(root, "seed")))
        whole_number(&s, n, "'seed'", 0, UINT64_MAX, &seed);
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
    bool flows_ok = true;
    if (!flows || flows->type != CC_NODE_LIST || !flows->count) {
        problem(&s, flows ? flows : root, "'flows' lists flow files or directories, relative to the scenario%s", "");
        flows_ok = false;
    } else
        for (uint32_t i = 0; i < flows->count; i++) {
            char buf[200];
            if (!is_scalar(flows->items[i]) || !flows->items[i]->len) {
                problemf(&s, flows->items[i], "a flows item is a path to a flow file or directory, not %s",
                         shown(flows->items[i], buf, sizeof buf));
                flows_ok = false;
                continue;
            }
            char *p = join_path(dir, flows->items[i]->text);
            struct stat st;
            if (stat(p, &st) != 0) {
                cc_report(&ds, CC_E100, flows->items[i]->loc, "cannot read '%s' (paths are relative to the scenario): %s",
                          flows->items[i]->text, strerror(errno));
                s.ok = flows_ok = false;
            } else
                cc_bundle_add_path(&bundle, p, false);
            cc_free(p);
        }
    cc_bundle_add_stdlib(&bundle);
    size_t errors_before_bundle = ds.errors;
    cc_check_bundle(&bundle);
    /* a bundle with errors is never run; the rest of the scenario is still read, so that every
     * problem is reported at once */
    if (ds.errors > errors_before_bundle || !flows_ok)
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
        static const char *const queue_keys[] = {"name", "max_contacts", "hours"};
        const cc_node *q = queues->items[i], *name = cc_node_get(q, "name"), *max = cc_node_get(q, "max_contacts");
        uint64_t max_contacts = 0;
        keys_known(&s, q, "queue", queue_keys, CC_ARRAY_LEN(queue_keys)); /* reported; the queue stands */
        if (max)
            whole_number(&s, max, "max_contacts (0: no limit)", 0, UINT32_MAX, &max_contacts);
        if (!is_scalar(name)) {
            problem(&s, q, "a queue needs a name%s", "");
            continue;
        }
        int qi = cc_rt_add_queue(rt, name->text, (uint32_t)max_contacts);
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
        static const char *const limit_keys[] = {"active_tasks"};
        const cc_node *at = cc_node_get(limits, "active_tasks");
        uint64_t quota;
        if (limits->type != CC_NODE_MAP || !at)
            problem(&s, limits, "limits is { active_tasks: N }, the quota of tasks not yet ended (N >= 1)%s", "");
        else if (keys_known(&s, limits, "limits", limit_keys, CC_ARRAY_LEN(limit_keys)) &&
                 whole_number(&s, at, "active_tasks", 1, UINT64_MAX, &quota))
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
        if (cn && cn->type != CC_NODE_MAP)
            problem(&s, cn, "concurrency maps channels to slots: { task: 2, chat: 1 }%s", "");
        else if (cn) {
            const char *channels[CC_CH_COUNT];
            for (int c = 0; c < CC_CH_COUNT; c++)
                channels[c] = cc_channel_name(c);
            keys_known(&s, cn, "concurrency", channels, CC_CH_COUNT);
            memset(conc, 0, sizeof conc);
            for (uint32_t k = 0; k < cn->count; k++)
                for (int c = 0; c < CC_CH_COUNT; c++) {
                    uint64_t slots;
                    if (!strcmp(cn->pairs[k].key->text, cc_channel_name(c)) &&
                        whole_number(&s, cn->pairs[k].value, "a channel's concurrency", 0, UINT8_MAX, &slots))
                        conc[c] = (uint8_t)slots;
                }
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
        keys_known(&s, a, "agent", agent_keys, CC_ARRAY_LEN(agent_keys));
    }
    /* quick_connects: - { name, queue: Q | agent: A, flow: F } (after queues and agents) */
    const cc_node *qcs = cc_node_get(root, "quick_connects");
    for (uint32_t i = 0; qcs && qcs->type == CC_NODE_LIST && i < qcs->count; i++) {
        const cc_node *q = qcs->items[i], *name = cc_node_get(q, "name"), *qq = cc_node_get(q, "queue"),
                      *qa = cc_node_get(q, "agent"), *qf = cc_node_get(q, "flow");
        char why[300];
        static const char *const qc_keys[] = {"name", "queue", "agent", "flow"};
        if (!keys_known(&s, q, "quick connect", qc_keys, CC_ARRAY_LEN(qc_keys)))
            continue;
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
    if (fns && fns->type != CC_NODE_MAP)
        problem(&s, fns, "functions map names to stand-ins: { crm_lookup: { result: { tier: gold }, latency: 200ms } }%s",
                "");
    for (uint32_t i = 0; fns && fns->type == CC_NODE_MAP && i < fns->count; i++) {
        static const char *const function_keys[] = {"result", "latency"};
        const cc_node *f = fns->pairs[i].value, *result = cc_node_get(f, "result"), *lat = cc_node_get(f, "latency");
        const char *rk[64], *rv[64];
        size_t nr = 0;
        int64_t latency = 0;
        if (f->type != CC_NODE_MAP) {
            problem(&s, f, "a function is { result: { key: value }, latency: 200ms }%s", "");
            continue;
        }
        bool fine = keys_known(&s, f, "function", function_keys, CC_ARRAY_LEN(function_keys));
        if (result && result->type != CC_NODE_MAP) {
            problem(&s, result, "a function's result maps keys to values: { tier: gold }%s", "");
            fine = false;
        }
        for (uint32_t k = 0; result && result->type == CC_NODE_MAP && k < result->count; k++) {
            if (!is_scalar(result->pairs[k].value)) {
                char buf[200];
                problemf(&s, result->pairs[k].value, "a result's value is text, not %s",
                         shown(result->pairs[k].value, buf, sizeof buf));
                fine = false;
            } else if (nr == CC_ARRAY_LEN(rk)) {
                problem(&s, result->pairs[k].key, "a function's result has at most 64 keys%s", "");
                fine = false;
            } else {
                rk[nr] = result->pairs[k].key->text;
                rv[nr++] = result->pairs[k].value->text;
            }
        }
        if ((lat && !duration_of(&s, lat, &latency)) || !fine)
            continue;
        cc_rt_add_function(rt, fns->pairs[i].key->text, rk, rv, nr, latency);
    }
    /* what happens, in time order: each event is { at, KIND: ... } with exactly one kind */
    static const char *const event_keys[] = {"at",       "start_task",      "start_contact",
                                             "agent",    "update_attributes", "stop_contact",
                                             "update_schedule", "transfer",  "accept_contact",
                                             "complete_contact"};
    const cc_node *events = cc_node_get(root, "events");
    if (events && events->type != CC_NODE_LIST)
        problem(&s, events, "events lists what happens: - { at: 0s, start_task: {...} }%s", "");
    for (uint32_t i = 0; events && events->type == CC_NODE_LIST && i < events->count; i++) {
        const cc_node *ev = events->items[i], *kind = NULL;
        if (ev->type != CC_NODE_MAP) {
            problem(&s, ev, "an event is { at: OFFSET, KIND: ... }%s", "");
            continue;
        }
        if (!keys_known(&s, ev, "event", event_keys, CC_ARRAY_LEN(event_keys)))
            continue;
        bool twice = false;
        for (uint32_t k = 0; k < ev->count; k++)
            if (strcmp(ev->pairs[k].key->text, "at") != 0) {
                if (kind) {
                    problemf(&s, ev->pairs[k].key, "an event does one thing; this one has '%s' and '%s' (make two events)",
                             kind->text, ev->pairs[k].key->text);
                    twice = true;
                }
                kind = ev->pairs[k].key;
            }
        if (!kind) {
            problem(&s, ev,
                    "an event is { at, X } where X is start_task, start_contact, agent, update_attributes, "
                    "stop_contact, update_schedule, transfer, accept_contact or complete_contact%s",
                    "");
            continue;
        }
        const cc_node *at_node = cc_node_get(ev, "at");
        int64_t at = 0;
        if (!at_node) {
            problem(&s, ev, "an event needs 'at', its offset from the scenario's start%s", "");
            continue;
        }
        if (!duration_of(&s, at_node, &at) || twice)
            continue;
        action a = {start + at, cc_node_get(ev, "start_task"), cc_node_get(ev, "start_contact"),
                    cc_node_get(ev, "agent"), i, NULL};
        if (!a.start_task && !a.start_contact && !a.agent)
            a.api = ev;
        cc_vec_push(&actions, a);
    }
    if (actions.len)
        qsort(actions.items, actions.len, sizeof *actions.items, cmp_actions);
    const cc_node *arr = cc_node_get(root, "arrivals");
    if (arr && arr->type != CC_NODE_LIST)
        problem(&s, arr, "arrivals lists generated load: - { every: 30s, count: 1000, start_task: {...} }%s", "");
    for (uint32_t i = 0; arr && arr->type == CC_NODE_LIST && i < arr->count; i++) {
        static const char *const arrival_keys[] = {"every", "count", "start_task"};
        const cc_node *a = arr->items[i];
        arrival g = {0, start, 0, 0, cc_node_get(a, "start_task")};
        const cc_node *count = cc_node_get(a, "count"), *every = cc_node_get(a, "every");
        if (a->type != CC_NODE_MAP || !keys_known(&s, a, "arrival", arrival_keys, CC_ARRAY_LEN(arrival_keys)))
            continue;
        if (!every || !count || !g.start_task) {
            problem(&s, a, "an arrival is { every: D, count: N, start_task: {...} }%s", "");
            continue;
        }
        if (duration_of(&s, every, &g.every) && whole_number(&s, count, "an arrival's count", 0, UINT64_MAX, &g.left))
            cc_vec_push(&arrivals, g);
    }
    request_texts texts_buf, *texts = &texts_buf;
    /* every event and arrival is read before anything runs, also those the run never reaches:
     * requests, API calls, agents, and outcomes that must name blocks and branches of the bundle */
    for (size_t i = 0; i < actions.len + arrivals.len; i++) {
        const action *a = i < actions.len ? &actions.items[i] : NULL;
        const cc_node *st = a ? a->start_task : arrivals.items[i - actions.len].start_task;
        cc_task_request probe;
        if (st)
            task_request(&s, rt, st, &probe, texts);
        else if (a->start_contact)
            start_contact_event(&s, rt, a->start_contact, true, texts->keys, texts->values, out);
        else if (a->api)
            api_event(&s, rt, a->api, texts, out, true);
        else if (a->agent) {
            static const char *const agent_event_keys[] = {"name", "status"};
            const cc_node *name = cc_node_get(a->agent, "name"), *status = cc_node_get(a->agent, "status");
            if (a->agent->type != CC_NODE_MAP ||
                !keys_known(&s, a->agent, "agent event", agent_event_keys, CC_ARRAY_LEN(agent_event_keys)))
                continue;
            if (!is_scalar(name) || cc_rt_agent_index(rt, name->text) < 0 || !is_scalar(status))
                problem(&s, a->agent, "an agent event names a known agent and a status%s", "");
        }
    }
    /* every expectation is read before the run: one that could pass without checking is a problem */
    const cc_node *expect = cc_node_get(root, "expect");
    if (expect && expect->type != CC_NODE_LIST) {
        char buf[200];
        problemf(&s, expect, "expect lists what to check: - { contact: t1, ended_at: 5m }, not %s",
                 shown(expect, buf, sizeof buf));
    }
    for (uint32_t i = 0; expect && expect->type == CC_NODE_LIST && i < expect->count; i++) {
        const cc_node *who = cc_node_get(expect->items[i], "contact");
        if (expect_item_valid(&s, rt, expect->items[i]) && is_scalar(who))
            cc_map_put(&s.wanted, who->text, (void *)who);
    }
    if (!s.ok)
        goto done;
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
                    /* a scenario's time ends 3650000d after its start, as its longest duration
                     * does: the runtime's own sums (now + handle time...) stay far inside int64 */
                    if (arrivals.items[g].next > start + SCENARIO_MAX_MS - arrivals.items[g].every)
                        arrivals.items[g].left = 0;
                    else
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
            if (!api_event(&s, rt, actions.items[next_action - 1].api, texts, out, false))
                goto done;
        } else if (sc) {
            if (!start_contact_event(&s, rt, sc, false, texts->keys, texts->values, out))
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
        if (s.ended.keys && s.ended.keys[i])
            ended_contact_free(s.ended.values[i]);
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
