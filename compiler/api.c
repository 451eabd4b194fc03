/* api.c — the public validation API of include/ccflow.h over the bundle, checks and diagnostics. */
#include "ccflow.h"
#include "bytecode.h"
#include "codegen.h"
#include "ir.h"
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

struct ccflow_check {
    cc_diags ds;
    cc_bundle bundle;
    bool use_stdlib;
    bool ran;
    char *rendered;
};

const char *ccflow_version(void) { return CCFLOW_VERSION; }

ccflow_check *ccflow_check_new(void)
{
    ccflow_check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    cc_diags_init(&c->ds);
    cc_bundle_init(&c->bundle, &c->ds);
    c->use_stdlib = true;
    return c;
}

void ccflow_check_free(ccflow_check *c)
{
    if (!c)
        return;
    cc_bundle_free(&c->bundle);
    cc_diags_free(&c->ds);
    free(c->rendered);
    free(c);
}

void ccflow_check_use_stdlib(ccflow_check *c, int use) { c->use_stdlib = use != 0; }

int ccflow_check_add_path(ccflow_check *c, const char *path)
{
    return cc_bundle_add_path(&c->bundle, path, false) ? 0 : -1;
}

int ccflow_check_add_source(ccflow_check *c, const char *name, const char *text, size_t len)
{
    char *copy = cc_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return cc_bundle_add_text(&c->bundle, name, copy, len, false) ? 0 : -1;
}

int ccflow_check_run(ccflow_check *c)
{
    if (!c->ran) {
        c->ran = true;
        if (c->use_stdlib)
            cc_bundle_add_stdlib(&c->bundle);
        cc_check_bundle(&c->bundle);
        cc_diags_sort(&c->ds);
    }
    return (int)c->ds.errors;
}

size_t ccflow_check_error_count(const ccflow_check *c) { return c->ds.errors; }
size_t ccflow_check_warning_count(const ccflow_check *c) { return c->ds.warnings; }
size_t ccflow_check_count(const ccflow_check *c) { return c->ds.diags.len; }

static void fill(const ccflow_check *c, cc_loc loc, ccflow_diagnostic *out)
{
    const cc_source *s = cc_source_get(&c->ds, loc.file);
    out->file = s ? s->path : "";
    out->line = loc.line;
    out->column = loc.col;
    out->end_line = loc.end_line;
    out->end_column = loc.end_col;
}

int ccflow_check_get(const ccflow_check *c, size_t index, ccflow_diagnostic *out)
{
    if (index >= c->ds.diags.len)
        return -1;
    const cc_diag *d = c->ds.diags.items[index];
    fill(c, d->loc, out);
    out->severity = d->severity == CC_SEV_ERROR ? CCFLOW_ERROR : CCFLOW_WARNING;
    out->code = cc_diag_info_of(d->code)->code;
    out->message = d->message;
    out->note_count = d->notes.len;
    return 0;
}

int ccflow_check_note(const ccflow_check *c, size_t index, size_t note, ccflow_diagnostic *out)
{
    if (index >= c->ds.diags.len || note >= c->ds.diags.items[index]->notes.len)
        return -1;
    const cc_note *n = &c->ds.diags.items[index]->notes.items[note];
    fill(c, n->loc, out);
    out->severity = CCFLOW_NOTE;
    out->code = NULL;
    out->message = n->message;
    out->note_count = 0;
    return 0;
}

const char *ccflow_check_render(ccflow_check *c, ccflow_format format)
{
    cc_format f = format == CCFLOW_FORMAT_JSON ? CC_FORMAT_JSON : format == CCFLOW_FORMAT_SARIF ? CC_FORMAT_SARIF : CC_FORMAT_TEXT;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return NULL;
    cc_diags_render(&c->ds, mem, f, false);
    if (fclose(mem) != 0) {
        free(text);
        return NULL;
    }
    free(c->rendered);
    c->rendered = text;
    return text;
}

int ccflow_check_compile(ccflow_check *c, int strip, void **bytes, size_t *size)
{
    if (!c->ran || c->ds.errors)
        return -1;
    cc_buf out = {0};
    cc_codegen(&c->bundle, strip != 0, &out);
    *bytes = out.data;
    *size = out.len;
    return 0;
}

void ccflow_free(void *p) { free(p); }

struct ccflow_vm {
    CC_VEC(void *) bindings; /* host function bindings the VM owns */
    ccflow_clock_fn clock;
    void *clock_user;
    uint8_t *bytes;
    ccfb_module module;
    cc_rt *rt;
    ccflow_record_fn on_record;
    void *record_user;
    ccflow_trace_fn on_trace;
    void *trace_user;
};

ccflow_vm *ccflow_vm_new(const void *bundle, size_t size, int flags, long long start_ms, unsigned long long seed,
                         char *err, size_t errlen)
{
    ccflow_vm *vm = calloc(1, sizeof *vm);
    if (!vm) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    vm->bytes = cc_xmalloc(size ? size : 1);
    memcpy(vm->bytes, bundle, size);
    if (!ccfb_load(&vm->module, vm->bytes, size, !(flags & CCFLOW_LOAD_NO_CHECKSUM), err, errlen)) {
        free(vm->bytes);
        free(vm);
        return NULL;
    }
    vm->rt = cc_rt_new(&vm->module, start_ms, seed);
    return vm;
}

void ccflow_vm_free(ccflow_vm *vm)
{
    if (!vm)
        return;
    cc_rt_free(vm->rt);
    for (size_t i = 0; i < vm->bindings.len; i++)
        free(vm->bindings.items[i]);
    cc_vec_free(&vm->bindings);
    ccfb_free(&vm->module);
    free(vm->bytes);
    free(vm);
}

static void record_bridge(void *ud, const cc_record *r)
{
    ccflow_vm *vm = ud;
    ccflow_record out = {r->id, r->channel, r->name, r->description, r->flow, r->initiated, r->scheduled, r->ended,
                         (ccflow_end_reason)r->reason, cc_end_reason_name(r->reason), r->queue, r->enqueued,
                         r->dequeued, r->agent, r->connected, r->acw_end, r->attr_keys, r->attr_values, r->nattrs};
    vm->on_record(vm->record_user, &out);
}

void ccflow_vm_on_record(ccflow_vm *vm, ccflow_record_fn fn, void *user)
{
    vm->on_record = fn;
    vm->record_user = user;
    cc_rt_on_record(vm->rt, fn ? record_bridge : NULL, vm);
}

static void trace_bridge(void *ud, const cc_trace *t)
{
    ccflow_vm *vm = ud;
    ccflow_trace out = {t->at, t->contact, t->flow, t->block, t->what};
    vm->on_trace(vm->trace_user, &out);
}

void ccflow_vm_on_trace(ccflow_vm *vm, ccflow_trace_fn fn, void *user)
{
    vm->on_trace = fn;
    vm->trace_user = user;
    cc_rt_on_trace(vm->rt, fn ? trace_bridge : NULL, vm);
}

int ccflow_vm_add_queue(ccflow_vm *vm, const char *name, unsigned max_contacts)
{
    return cc_rt_add_queue(vm->rt, name, max_contacts) < 0 ? -1 : 0;
}

int ccflow_vm_add_agent(ccflow_vm *vm, const ccflow_agent *a)
{
    int queues[64];
    if (a->queue_count > CC_ARRAY_LEN(queues))
        return -1;
    for (size_t i = 0; i < a->queue_count; i++)
        if ((queues[i] = cc_rt_queue_index(vm->rt, a->queues[i])) < 0)
            return -1;
    uint8_t conc[4];
    for (int c = 0; c < 4; c++)
        conc[c] = (uint8_t)(a->concurrency[c] > 255 ? 255 : a->concurrency[c]);
    return cc_rt_add_agent(vm->rt, a->name, queues, a->queue_count, conc, a->handle_ms, a->after_contact_work_ms,
                           a->available != 0) < 0
               ? -1
               : 0;
}

int ccflow_vm_set_agent_available(ccflow_vm *vm, const char *name, int available)
{
    int ai = cc_rt_agent_index(vm->rt, name);
    if (ai < 0)
        return -1;
    cc_rt_set_agent_available(vm->rt, ai, available != 0);
    return 0;
}

int ccflow_vm_add_function(ccflow_vm *vm, const char *name, const char *const *keys, const char *const *values,
                           size_t count, long long latency_ms)
{
    return cc_rt_add_function(vm->rt, name, keys, values, count, latency_ms) < 0 ? -1 : 0;
}

int ccflow_vm_start_task(ccflow_vm *vm, const ccflow_task *t, char *err, size_t errlen)
{
    cc_task_request req = {t->id, t->name, t->description, t->flow, t->scheduled_ms, t->attribute_keys,
                           t->attribute_values, t->attribute_count};
    return cc_rt_start_task(vm->rt, &req, err, errlen) ? 0 : -1;
}

long long ccflow_vm_run_until(ccflow_vm *vm, long long until_ms) { return cc_rt_run_until(vm->rt, until_ms); }
long long ccflow_vm_now(const ccflow_vm *vm) { return cc_rt_now(vm->rt); }

/* The host's function and its user pointer, handed to the runtime as one. */
typedef struct {
    ccflow_host_fn fn;
    void *user;
} host_binding;

static void host_bridge(void *ud, uint64_t call, const char *contact, const char *function, const char *const *keys,
                        const char *const *values, size_t n)
{
    host_binding *h = ud;
    h->fn(h->user, call, contact, function, keys, values, n);
}

int ccflow_vm_add_host_function(ccflow_vm *vm, const char *name, ccflow_host_fn fn, void *user)
{
    host_binding *h = cc_xmalloc(sizeof *h);
    h->fn = fn;
    h->user = user;
    if (cc_rt_add_host_function(vm->rt, name, host_bridge, h) < 0) {
        free(h);
        return -1;
    }
    cc_vec_push(&vm->bindings, h);
    return 0;
}

int ccflow_vm_answer(ccflow_vm *vm, unsigned long long call, int ok, const char *const *keys,
                     const char *const *values, size_t count)
{
    return cc_rt_answer(vm->rt, call, ok != 0, keys, values, count) ? 0 : -1;
}

void ccflow_vm_set_clock(ccflow_vm *vm, ccflow_clock_fn now_ms, void *user)
{
    vm->clock = now_ms;
    vm->clock_user = user;
}

long long ccflow_vm_poll(ccflow_vm *vm)
{
    if (vm->clock) {
        long long now = vm->clock(vm->clock_user);
        if (now >= cc_rt_now(vm->rt)) /* the clock never runs backwards */
            cc_rt_run_until(vm->rt, now);
    }
    return cc_rt_next_event(vm->rt);
}

int ccflow_vm_save(const ccflow_vm *vm, void **state, size_t *size)
{
    cc_buf out = {0};
    cc_rt_snapshot(vm->rt, &out);
    *state = out.data;
    *size = out.len;
    return 0;
}

ccflow_vm *ccflow_vm_restore(const void *bundle, size_t size, int flags, const void *state, size_t state_size,
                             char *err, size_t errlen)
{
    ccflow_vm *vm = ccflow_vm_new(bundle, size, flags, 0, 0, err, errlen);
    if (!vm)
        return NULL;
    cc_rt *restored = cc_rt_restore(&vm->module, state, state_size, err, errlen);
    if (!restored) {
        ccflow_vm_free(vm);
        return NULL;
    }
    cc_rt_free(vm->rt);
    vm->rt = restored;
    return vm;
}
