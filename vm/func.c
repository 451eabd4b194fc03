/* func.c — functions a flow invokes: fixed results, host functions and their answers, built-ins. */
#include "state.h"
#include "builtins.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- built-in functions ---- */

static void set_external(void *ud, const char *key, const char *value)
{
    char ref[300];
    snprintf(ref, sizeof ref, "$.External.%s", key);
    var_set((contact *)ud, ref, value);
}


invoke_params vm_params_of(cc_rt *rt, const contact *c, const uint8_t *code, uint32_t pc)
{
    char b1[512];
    invoke_params p = {op_u32(code, pc, 2), NULL, NULL};
    p.keys = cc_xcalloc(p.n + 1, sizeof *p.keys);
    p.values = cc_xcalloc(p.n + 1, sizeof *p.values);
    for (uint32_t i = 0; i < p.n; i++) {
        p.keys[i] = rt->strs[op_u32(code, pc, 3 + 2 * i)];
        const char *v = value_text(rt, c, op_u32(code, pc, 4 + 2 * i), b1, sizeof b1);
        p.values[i] = cc_xstrdup(v ? v : "");
    }
    return p;
}

void vm_params_free(invoke_params *p)
{
    for (uint32_t i = 0; i < p->n; i++)
        cc_free((char *)p->values[i]);
    cc_free(p->keys);
    cc_free(p->values);
}

bool vm_call_builtin(cc_rt *rt, contact *c, const char *name, const uint8_t *code, uint32_t pc)
{
    char fname[128];
    snprintf(fname, sizeof fname, "%s", name);
    invoke_params p = vm_params_of(rt, c, code, pc);
    bool ok = cc_builtin_call(fname, p.keys, p.values, p.n, rt->now, set_external, c);
    vm_params_free(&p);
    return ok;
}

/* ---- functions, metrics, tasks made by flows ---- */

const function *vm_find_function(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; name && i < rt->functions.len; i++)
        if (!strcmp(rt->functions.items[i].name, name))
            return &rt->functions.items[i];
    return NULL;
}

int cc_rt_add_host_function(cc_rt *rt, const char *name, cc_host_fn fn, void *ud)
{
    for (size_t i = 0; i < rt->functions.len; i++) {
        function *f = &rt->functions.items[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (f->host_ud != (void *)rt || f->host)
            return -1;
        f->host = fn; /* a restored host function gets its callback back */
        f->host_ud = ud;
        return (int)i;
    }
    function f = {.name = cc_xstrdup(name), .host = fn, .host_ud = ud};
    cc_vec_push(&rt->functions, f);
    return (int)rt->functions.len - 1;
}

bool cc_rt_answer(cc_rt *rt, uint64_t call, bool ok, const char *const *keys, const char *const *values, size_t n)
{
    for (size_t i = 0; i < rt->calls.len; i++) {
        if (rt->calls.items[i].id != call)
            continue;
        host_call hc = rt->calls.items[i];
        rt->calls.items[i] = rt->calls.items[--rt->calls.len];
        contact *c = &rt->contacts.items[hc.contact];
        if (c->gen != hc.gen || c->state == ST_ENDED)
            return false; /* the timeout came first, or the contact moved on */
        char key[512];
        for (size_t k = 0; ok && k < n; k++) {
            snprintf(key, sizeof key, "$.External.%s", keys[k]);
            var_set(c, key, values[k]);
        }
        c->outcome = cc_op_outcome(&rt->outcomes, CC_OP_INVOKE, ok ? CC_OUT_NEXT : CC_OUT_ERROR, 1);
        c->gen++; /* the timeout no longer applies */
        if (c->state == ST_WAITING)
            c->state = ST_RUNNING;
        vm_run_fiber(rt, hc.contact);
        return true;
    }
    return false;
}

int cc_rt_add_function(cc_rt *rt, const char *name, const char *const *keys, const char *const *values, size_t n,
                       int64_t latency_ms)
{
    if (vm_find_function(rt, name))
        return -1;
    function f = {.name = cc_xstrdup(name), .latency_ms = latency_ms};
    for (size_t i = 0; i < n; i++)
        vm_kv_set(&f.result, keys[i], values[i]);
    cc_vec_push(&rt->functions, f);
    return (int)rt->functions.len - 1;
}
