/* requests.c — tasks made by flows (create_task), task templates and quick connects. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of a JSON parameter's value (a mapping's values may be references, resolved now). */
const char *vm_json_value_text(cc_rt *rt, const contact *c, const cc_node *v, char *buf, size_t n)
{
    if (!v || v->type != CC_NODE_SCALAR || cc_node_is_null(v))
        return "";
    const char *t = !strncmp(v->text, "$.", 2) ? vm_ref_text(rt, c, v->text, buf, n) : v->text;
    return t ? t : ""; /* an unset reference reads empty */
}

/* create_task: a new task in the named flow (or its template's), related to this contact, now
 * or after its delay; it gets a copy of this contact's attributes, then its own. */
bool vm_create_task_from_flow(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc, char *err,
                                  size_t errlen)
{
    const cc_block_spec *spec = cc_op_kind(CC_OP_CREATE_TASK);
    char name[1100] = "", description[4200] = "", flow[512] = "", tpl[512] = "", buf[512];
    bool has_description = false, has_flow = false, has_tpl = false, ok = false;
    const cc_node *attrs = NULL, *refs = NULL;
    int64_t when = -1;
    uint32_t n = op_u32(code, pc, 0);
    contact *c = &rt->contacts.items[ci];
    snprintf(err, errlen, "its parameters cannot be read");
    cc_arena arena;
    cc_arena_init(&arena);
    for (uint32_t i = 0; i < n; i++) {
        const char *param = spec->params[op_u32(code, pc, 1 + 2 * i)].name;
        uint32_t v = op_u32(code, pc, 2 + 2 * i);
        const char *text = value_text(rt, c, v, buf, sizeof buf);
        if (!text)
            continue;
        if (!strcmp(param, "name"))
            snprintf(name, sizeof name, "%s", text);
        else if (!strcmp(param, "description"))
            has_description = true, snprintf(description, sizeof description, "%s", text);
        else if (!strcmp(param, "flow"))
            has_flow = true, snprintf(flow, sizeof flow, "%s", text);
        else if (!strcmp(param, "template"))
            has_tpl = true, snprintf(tpl, sizeof tpl, "%s", text);
        else if (!strcmp(param, "delay")) {
            int64_t ms;
            if (cc_parse_duration(text, &ms))
                when = rt->now + ms;
        } else if (!strcmp(param, "scheduled")) {
            long long sec = strtoll(text, NULL, 10); /* epoch seconds, as Connect takes them */
            if (sec <= 0 || sec > INT64_MAX / 1000 || sec * 1000 < rt->now) {
                snprintf(err, errlen, "scheduled '%s' is not a time ahead, in epoch seconds", text);
                goto out; /* not a time, or one that has passed: error */
            }
            when = sec * 1000;
        } else if ((!strcmp(param, "attributes") || !strcmp(param, "references")) &&
                   CCFB_VAL_TAG(v) == CCFB_VAL_JSON) {
            const cc_node *map = json_of(rt, v); /* decoded with the runtime */
            if (!map || map->type != CC_NODE_MAP) {
                snprintf(err, errlen, "%s is not a mapping", param);
                goto out;
            }
            *(param[0] == 'a' ? &attrs : &refs) = map;
        }
    }
    /* the request, its texts resolved now */
    size_t na = attrs ? attrs->count : 0, nr = refs ? refs->count : 0;
    const char **ak = cc_arena_alloc(&arena, (na + 1) * sizeof *ak), **av = cc_arena_alloc(&arena, (na + 1) * sizeof *av);
    const char **rn = cc_arena_alloc(&arena, (nr + 1) * sizeof *rn), **rtp = cc_arena_alloc(&arena, (nr + 1) * sizeof *rtp),
               **rv = cc_arena_alloc(&arena, (nr + 1) * sizeof *rv);
    for (size_t i = 0; i < na; i++) {
        ak[i] = attrs->pairs[i].key->text;
        av[i] = cc_arena_strdup(&arena, vm_json_value_text(rt, c, attrs->pairs[i].value, buf, sizeof buf));
    }
    for (size_t i = 0; i < nr; i++) {
        const cc_node *r = refs->pairs[i].value, *type = cc_node_get(r, "type");
        rn[i] = refs->pairs[i].key->text;
        rtp[i] = type && type->type == CC_NODE_SCALAR ? type->text : "";
        rv[i] = cc_arena_strdup(&arena, vm_json_value_text(rt, c, cc_node_get(r, "value"), buf, sizeof buf));
    }
    char idb[32];
    cc_task_request req = {.name = name,
                           .description = has_description ? description : NULL,
                           .flow = has_flow ? flow : NULL,
                           .template_name = has_tpl ? tpl : NULL,
                           .scheduled_ms = when,
                           .attr_keys = ak,
                           .attr_values = av,
                           .nattrs = na,
                           .ref_names = rn,
                           .ref_types = rtp,
                           .ref_values = rv,
                           .nrefs = nr,
                           .related = cid(c, idb)};
    uint32_t nci;
    if (!vm_start_contact(rt, &req, 2, NULL, 0, err, errlen, &nci))
        goto out;
    contact *me = &rt->contacts.items[ci], *task = &rt->contacts.items[nci];
    var_set(me, "$.Task.ContactId", cid(task, idb));
    if (me->mode == MODE_DISCONNECT)
        WX(task)->by_disconnect = true;
    ok = true;
out:
    cc_arena_free(&arena);
    return ok;
}

bool cc_rt_add_quick_connect(cc_rt *rt, const char *name, const char *queue_name, const char *agent_name, const char *flow,
                             char *err, size_t errlen)
{
    for (size_t i = 0; i < rt->quick_connects.len; i++)
        if (!strcmp(rt->quick_connects.items[i].name, name)) {
            snprintf(err, errlen, "a quick connect named '%s' already exists", name);
            return false;
        }
    if (!queue_name == !agent_name) {
        snprintf(err, errlen, "quick connect '%s' leads to a queue or to an agent: give one", name);
        return false;
    }
    int q = queue_name ? cc_rt_queue_index(rt, queue_name) : -1, ai = agent_name ? cc_rt_agent_index(rt, agent_name) : -1;
    if (queue_name ? q < 0 : ai < 0) {
        snprintf(err, errlen, "quick connect '%s' names %s '%s', which does not exist", name, queue_name ? "queue" : "agent",
                 queue_name ? queue_name : agent_name);
        return false;
    }
    int f = vm_flow_index(rt, flow);
    uint32_t want = queue_name ? CC_FT_TRANSFER_TO_QUEUE : CC_FT_TRANSFER_TO_AGENT;
    if (f < 0 || rt->m->flows[f].type != want) {
        snprintf(err, errlen, "quick connect '%s' runs a %s flow of the bundle; '%s' is %s", name,
                 queue_name ? "transfer_to_queue" : "transfer_to_agent", flow ? flow : "",
                 f < 0 ? "not in it" : "of another type");
        return false;
    }
    quick_connect qc = {cc_xstrdup(name), q, ai, (uint32_t)f};
    cc_vec_push(&rt->quick_connects, qc);
    return true;
}

bool cc_rt_add_template(cc_rt *rt, const cc_task_template *t, char *err, size_t errlen)
{
    if (!cc_template_check(t, err, errlen))
        return false;
    if (vm_find_template(rt, t->name) >= 0) {
        snprintf(err, errlen, "InvalidParameterException: a task template named '%s' already exists", t->name);
        return false;
    }
    if (rt->templates.len >= 50) {
        snprintf(err, errlen, "ServiceQuotaExceededException: an instance has at most 50 task templates");
        return false;
    }
    cc_task_template copy = {cc_xstrdup(t->name), t->flow ? cc_xstrdup(t->flow) : NULL, t->expiry_ms, t->active,
                             t->self_assign, {0}};
    for (size_t i = 0; i < t->fields.len; i++) {
        const cc_template_field *f = &t->fields.items[i];
        cc_template_field g = {cc_xstrdup(f->name), cc_xstrdup(f->type),
                               f->default_value ? cc_xstrdup(f->default_value) : NULL, f->required, f->read_only};
        cc_vec_push(&copy.fields, g);
    }
    cc_vec_push(&rt->templates, copy);
    return true;
}

int vm_find_template(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; i < rt->templates.len; i++)
        if (!strcmp(rt->templates.items[i].name, name))
            return (int)i;
    return -1;
}
