/* scenario_expect.c — a scenario's expectations: each read and checked before the run, then
 * checked against the contacts and queues at its end. */
#include "scenario_internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* What `expect` may ask about a contact, from its record (ended) or its description (live). */
ended_contact *contact_summary(const cc_record *r)
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
bool expect_item_valid(scenario *s, const cc_rt *rt, const cc_node *item)
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

void ended_contact_free(ended_contact *e)
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
bool check_expect(scenario *s, cc_rt *rt, const cc_node *item, FILE *out)
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
