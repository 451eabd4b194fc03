/* api.c — the public API of include/ccflow.h over the bundle, checks, code generation and VM.
 *
 * Every handle owns a heap (util.h): a call that may allocate enters it through CALL, which sets
 * the place an allocation failure jumps back to; the call then returns its failure value and the
 * handle is spent. Freeing a handle releases its heap in one sweep. */
#include "ccflow.h"
#include "bytecode.h"
#include "codegen.h"
#include "ir.h"
#include "runtime.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Enters heap h for the rest of the call; on allocation failure the call returns failure. Every
 * return after CALL goes through RETURN, which leaves the heap. */
#define CALL(h, failure)                                                                            \
    jmp_buf escape_;                                                                               \
    cc_heap_frame frame_;                                                                          \
    if ((h)->failed)                                                                               \
        return failure;                                                                            \
    cc_heap_enter((h), &frame_, &escape_);                                                         \
    if (setjmp(escape_)) {                                                                         \
        cc_heap_unwind((h), &frame_);                                                              \
        return failure;                                                                            \
    }
#define RETURN(h, value)                                                                            \
    do {                                                                                           \
        __typeof__(value) value_ = (value);                                                        \
        cc_heap_leave((h), &frame_);                                                               \
        return value_;                                                                             \
    } while (0)

static void *system_realloc(void *ud, void *p, size_t n)
{
    (void)ud;
    if (n == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, n);
}

/* A handle of size bytes from the allocator (zeroed, outside its own heap), with its heap. */
static void *new_handle(const ccflow_allocator *a, size_t size, size_t heap_offset)
{
    cc_realloc_fn fn = a && a->realloc ? a->realloc : system_realloc;
    void *ud = a && a->realloc ? a->user : NULL;
    char *h = fn(ud, NULL, size);
    if (!h)
        return NULL;
    memset(h, 0, size);
    cc_heap_init((cc_heap *)(h + heap_offset), fn, ud);
    return h;
}

static void free_handle(void *h, cc_heap *heap)
{
    cc_realloc_fn fn = heap->fn;
    void *ud = heap->ud;
    cc_heap_release(heap);
    fn(ud, h, 0);
}

struct ccflow_check {
    cc_heap heap;
    cc_diags ds;
    cc_bundle bundle;
    bool use_stdlib;
    bool ran;
    char *rendered;
};

const char *ccflow_version(void) { return CCFLOW_VERSION; }

ccflow_check *ccflow_check_new_with(const ccflow_allocator *a)
{
    ccflow_check *volatile c = new_handle(a, sizeof *c, offsetof(ccflow_check, heap));
    if (!c)
        return NULL;
    CALL(&c->heap, (free_handle(c, &c->heap), NULL)); /* a half-made handle goes whole */
    cc_diags_init(&c->ds);
    cc_bundle_init(&c->bundle, &c->ds);
    c->use_stdlib = true;
    RETURN(&c->heap, (ccflow_check *)c);
}

ccflow_check *ccflow_check_new(void) { return ccflow_check_new_with(NULL); }

void ccflow_check_free(ccflow_check *c)
{
    if (c)
        free_handle(c, &c->heap);
}

int ccflow_check_out_of_memory(const ccflow_check *c) { return c->heap.failed; }

void ccflow_check_use_stdlib(ccflow_check *c, int use) { c->use_stdlib = use != 0; }

int ccflow_check_add_path(ccflow_check *c, const char *path)
{
    CALL(&c->heap, -1);
    RETURN(&c->heap, cc_bundle_add_path(&c->bundle, path, false) ? 0 : -1);
}

int ccflow_check_add_source(ccflow_check *c, const char *name, const char *text, size_t len)
{
    CALL(&c->heap, -1);
    char *copy = cc_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    RETURN(&c->heap, cc_bundle_add_text(&c->bundle, name, copy, len, false) ? 0 : -1);
}

int ccflow_check_run(ccflow_check *c)
{
    CALL(&c->heap, -1);
    if (!c->ran) {
        c->ran = true;
        if (c->use_stdlib)
            cc_bundle_add_stdlib(&c->bundle);
        cc_check_bundle(&c->bundle);
        cc_diags_sort(&c->ds);
    }
    RETURN(&c->heap, (int)c->ds.errors);
}

size_t ccflow_check_error_count(const ccflow_check *c) { return c->ds.errors; }
size_t ccflow_check_warning_count(const ccflow_check *c) { return c->ds.warnings; }
size_t ccflow_check_count(const ccflow_check *c) { return c->heap.failed ? 0 : c->ds.diags.len; }

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
    if (c->heap.failed || index >= c->ds.diags.len)
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
    if (c->heap.failed || index >= c->ds.diags.len || note >= c->ds.diags.items[index]->notes.len)
        return -1;
    const cc_note *n = &c->ds.diags.items[index]->notes.items[note];
    fill(c, n->loc, out);
    out->severity = CCFLOW_NOTE;
    out->code = NULL;
    out->message = n->message;
    out->note_count = 0;
    return 0;
}

/* The text open_memstream builds is the C library's: released on every way out. */
typedef struct {
    FILE *f;
    char *text;
} memstream;

static void memstream_close(void *p)
{
    memstream *m = p;
    if (m->f)
        fclose(m->f);
    free(m->text);
}

const char *ccflow_check_render(ccflow_check *c, ccflow_format format)
{
    CALL(&c->heap, NULL);
    cc_format f = format == CCFLOW_FORMAT_JSON ? CC_FORMAT_JSON : format == CCFLOW_FORMAT_SARIF ? CC_FORMAT_SARIF : CC_FORMAT_TEXT;
    memstream m = {NULL, NULL};
    size_t len = 0;
    if (!(m.f = open_memstream(&m.text, &len)))
        RETURN(&c->heap, NULL);
    cc_heap_defer(memstream_close, &m);
    cc_diags_render(&c->ds, m.f, f, false);
    int closed = fclose(m.f);
    m.f = NULL;
    char *copy = NULL;
    if (closed == 0) {
        copy = cc_xmalloc(len + 1);
        memcpy(copy, m.text, len + 1);
    }
    cc_heap_undefer();
    memstream_close(&m);
    if (copy) {
        cc_free(c->rendered);
        c->rendered = copy;
    }
    RETURN(&c->heap, copy);
}

int ccflow_check_compile(ccflow_check *c, int strip, void **bytes, size_t *size)
{
    CALL(&c->heap, -1);
    if (!c->ran || c->ds.errors)
        RETURN(&c->heap, -1);
    cc_buf out = {0};
    cc_codegen(&c->bundle, strip != 0, &out);
    cc_heap_detach(out.data);
    *bytes = out.data;
    *size = out.len;
    RETURN(&c->heap, 0);
}

void ccflow_free(void *p) { cc_heap_free_detached(p); }

/* ---- bundles: calls without a handle run in a heap of their own, over the C library ---- */

/* Hands out what b holds, NUL-terminated, detached from the heap. */
static char *buf_out(cc_buf *b, size_t *len)
{
    cc_buf_putc(b, '\0');
    if (len)
        *len = b->len - 1;
    cc_heap_detach(b->data);
    return b->data;
}

/* What ccflow_disasm (sources false: the disassembly, its length in *n) and ccflow_bundle_sources
 * (sources true: the source map's names, NULL when none, their number in *n) hand out. */
static int bundle_read(cc_heap *h, const void *bundle, size_t size, int flags, bool sources, char **out, size_t *n,
                       char *err, size_t errlen)
{
    CALL(h, (snprintf(err, errlen, "out of memory"), -1));
    ccfb_module m;
    if (!ccfb_load(&m, bundle, size, !(flags & CCFLOW_LOAD_NO_CHECKSUM), err, errlen))
        RETURN(h, -1);
    cc_buf b = {0};
    if (sources) {
        for (uint32_t f = 0; f < m.nfiles; f++) {
            cc_buf_put(&b, (const char *)m.files[f].text, m.files[f].len);
            cc_buf_putc(&b, '\0');
        }
        *n = m.nfiles;
    } else
        ccfb_disasm(&m, &b);
    ccfb_free(&m);
    *out = sources && !b.data ? NULL : buf_out(&b, sources ? NULL : n);
    RETURN(h, 0);
}

/* bundle_read in a heap of its own, over the C library's allocator. */
static int bundle_read_alone(const void *bundle, size_t size, int flags, bool sources, char **out, size_t *n,
                             char *err, size_t errlen)
{
    cc_heap h;
    cc_heap_init(&h, system_realloc, NULL);
    int status = bundle_read(&h, bundle, size, flags, sources, out, n, err, errlen);
    cc_heap_release(&h);
    return status;
}

int ccflow_disasm(const void *bundle, size_t size, int flags, char **text, size_t *text_len, char *err,
                  size_t errlen)
{
    size_t len;
    int status = bundle_read_alone(bundle, size, flags, false, text, &len, err, errlen);
    if (status == 0 && text_len)
        *text_len = len;
    return status;
}

int ccflow_bundle_sources(const void *bundle, size_t size, int flags, char **names, size_t *count, char *err,
                          size_t errlen)
{
    return bundle_read_alone(bundle, size, flags, true, names, count, err, errlen);
}

struct ccflow_vm {
    cc_heap heap;
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

/* A VM over a verified copy of the bundle, with a new runtime at start_ms, or the saved state when
 * there is one; NULL with the reason when the bundle or the state is refused or memory runs out. */
static ccflow_vm *vm_open(const ccflow_allocator *a, const void *bundle, size_t size, int flags, long long start_ms,
                          unsigned long long seed, const void *state, size_t state_size, char *err, size_t errlen)
{
    ccflow_vm *volatile vm = new_handle(a, sizeof *vm, offsetof(ccflow_vm, heap));
    if (!vm) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    CALL(&vm->heap, (free_handle(vm, &vm->heap), snprintf(err, errlen, "out of memory"), NULL));
    vm->bytes = cc_xmalloc(size ? size : 1);
    memcpy(vm->bytes, bundle, size);
    bool ok = ccfb_load(&vm->module, vm->bytes, size, !(flags & CCFLOW_LOAD_NO_CHECKSUM), err, errlen);
    if (ok) {
        vm->rt = state ? cc_rt_restore(&vm->module, state, state_size, err, errlen)
                       : cc_rt_new(&vm->module, start_ms, seed);
        ok = vm->rt != NULL;
    }
    cc_heap_leave(&vm->heap, &frame_);
    if (!ok) {
        free_handle(vm, &vm->heap);
        return NULL;
    }
    return vm;
}

ccflow_vm *ccflow_vm_new_with(const ccflow_allocator *a, const void *bundle, size_t size, int flags,
                              long long start_ms, unsigned long long seed, char *err, size_t errlen)
{
    return vm_open(a, bundle, size, flags, start_ms, seed, NULL, 0, err, errlen);
}

ccflow_vm *ccflow_vm_new(const void *bundle, size_t size, int flags, long long start_ms, unsigned long long seed,
                         char *err, size_t errlen)
{
    return ccflow_vm_new_with(NULL, bundle, size, flags, start_ms, seed, err, errlen);
}

void ccflow_vm_free(ccflow_vm *vm)
{
    if (vm)
        free_handle(vm, &vm->heap);
}

int ccflow_vm_out_of_memory(const ccflow_vm *vm) { return vm->heap.failed; }

/* The host's callbacks may call the library again; when such a call ran out of memory, the
 * call in progress jumps out too (cc_heap_check), since the VM's state is no longer whole. */
static void record_out(const cc_record *r, ccflow_record *out)
{
    *out = (ccflow_record){r->id,        r->channel,      r->name,
                           r->description, r->flow,       r->initiated,
                           r->scheduled, r->ended,        (ccflow_end_reason)r->reason,
                           cc_end_reason_name(r->reason), r->queue, r->enqueued,
                           r->dequeued,  r->agent,        r->connected,
                           r->acw_end,   r->attr_keys,    r->attr_values,
                           r->nattrs,    r->previous,     r->related,
                           r->created_by, r->template_name, r->expiry_ms,
                           r->ref_names, r->ref_types,    r->ref_values,
                           r->nrefs,     r->state};
    if (r->reason == CC_END_NONE)
        out->reason_name = NULL;
}

static void record_bridge(void *ud, const cc_record *r)
{
    ccflow_vm *vm = ud;
    ccflow_record out;
    record_out(r, &out);
    vm->on_record(vm->record_user, &out);
    cc_heap_check();
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
    cc_heap_check();
}

void ccflow_vm_on_trace(ccflow_vm *vm, ccflow_trace_fn fn, void *user)
{
    CALL(&vm->heap, );
    vm->on_trace = fn;
    vm->trace_user = user;
    cc_rt_on_trace(vm->rt, fn ? trace_bridge : NULL, vm); /* builds the map traces read: allocates */
    cc_heap_leave(&vm->heap, &frame_);
}

int ccflow_vm_add_queue(ccflow_vm *vm, const char *name, unsigned max_contacts)
{
    CALL(&vm->heap, -1);
    RETURN(&vm->heap, cc_rt_add_queue(vm->rt, name, max_contacts) < 0 ? -1 : 0);
}

int ccflow_vm_add_agent(ccflow_vm *vm, const ccflow_agent *a)
{
    int queues[64];
    if (a->queue_count > CC_ARRAY_LEN(queues))
        return -1;
    CALL(&vm->heap, -1);
    for (size_t i = 0; i < a->queue_count; i++)
        if ((queues[i] = cc_rt_queue_index(vm->rt, a->queues[i])) < 0)
            RETURN(&vm->heap, -1);
    uint8_t conc[4];
    for (int c = 0; c < 4; c++)
        conc[c] = (uint8_t)(a->concurrency[c] > 255 ? 255 : a->concurrency[c]);
    int ai = cc_rt_add_agent(vm->rt, a->name, queues, a->queue_count, conc, a->handle_ms, a->after_contact_work_ms,
                             a->available != 0);
    RETURN(&vm->heap, ai < 0 ? -1 : 0);
}

int ccflow_vm_set_agent_available(ccflow_vm *vm, const char *name, int available)
{
    CALL(&vm->heap, -1);
    int ai = cc_rt_agent_index(vm->rt, name);
    if (ai < 0)
        RETURN(&vm->heap, -1);
    cc_rt_set_agent_available(vm->rt, ai, available != 0);
    RETURN(&vm->heap, 0);
}

int ccflow_vm_set_agent_status(ccflow_vm *vm, const char *name, const char *status)
{
    CALL(&vm->heap, -1);
    int ai = cc_rt_agent_index(vm->rt, name);
    if (ai < 0 || !status)
        RETURN(&vm->heap, -1);
    cc_rt_set_agent_status(vm->rt, ai, !strcmp(status, "available"), strcmp(status, "offline") != 0);
    RETURN(&vm->heap, 0);
}

int ccflow_vm_add_hours(ccflow_vm *vm, const char *name, const char *timezone, const ccflow_hours *open,
                        size_t count, char *err, size_t errlen)
{
    cc_week week;
    memset(&week, 0, sizeof week);
    for (size_t i = 0; i < count; i++)
        if (cc_week_add(&week, open[i].days, open[i].ranges, err, errlen))
            return -1;
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_add_hours(vm->rt, name, timezone ? timezone : "UTC", &week, err, errlen) < 0 ? -1 : 0);
}

int ccflow_vm_set_queue_hours(ccflow_vm *vm, const char *queue, const char *hours)
{
    int q = cc_rt_queue_index(vm->rt, queue), h = hours ? cc_rt_hours_index(vm->rt, hours) : -1;
    if (q < 0 || (hours && h < 0))
        return -1;
    CALL(&vm->heap, -1);
    cc_rt_set_queue_hours(vm->rt, q, h);
    RETURN(&vm->heap, 0);
}

int ccflow_vm_add_function(ccflow_vm *vm, const char *name, const char *const *keys, const char *const *values,
                           size_t count, long long latency_ms)
{
    CALL(&vm->heap, -1);
    RETURN(&vm->heap, cc_rt_add_function(vm->rt, name, keys, values, count, latency_ms) < 0 ? -1 : 0);
}

int ccflow_vm_start_task(ccflow_vm *vm, const ccflow_task *t, char *contact_id, size_t idlen, char *err,
                         size_t errlen)
{
    if (vm->heap.failed) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    cc_task_request req = {.id = t->id,
                           .name = t->name,
                           .description = t->description,
                           .flow = t->flow,
                           .scheduled_ms = t->scheduled_ms,
                           .attr_keys = t->attribute_keys,
                           .attr_values = t->attribute_values,
                           .nattrs = t->attribute_count,
                           .template_name = t->template_name,
                           .quick_connect = t->quick_connect,
                           .previous = t->previous_contact_id,
                           .related = t->related_contact_id,
                           .client_token = t->client_token,
                           .created_by = t->created_by,
                           .self_assign = t->self_assign != 0,
                           .expiry_ms = t->expiry_ms,
                           .ref_names = t->reference_names,
                           .ref_types = t->reference_types,
                           .ref_values = t->reference_values,
                           .nrefs = t->reference_count};
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_start_task(vm->rt, &req, contact_id, idlen, err, errlen) ? 0 : -1);
}

int ccflow_vm_add_quick_connect(ccflow_vm *vm, const char *name, const char *queue, const char *agent,
                                const char *flow, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_add_quick_connect(vm->rt, name, queue, agent, flow, err, errlen) ? 0 : -1);
}

void ccflow_vm_set_active_task_limit(ccflow_vm *vm, unsigned long long limit)
{
    cc_rt_set_active_task_limit(vm->rt, limit);
}

int ccflow_vm_add_template(ccflow_vm *vm, const ccflow_template *t, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    cc_task_template tpl = {(char *)t->name, (char *)t->flow, t->expiry_ms, t->active != 0, t->self_assign != 0, {0}};
    for (size_t i = 0; i < t->field_count; i++) {
        const ccflow_template_field *f = &t->fields[i];
        cc_template_field g = {(char *)f->name, (char *)f->type, (char *)f->default_value, f->required != 0,
                               f->read_only != 0};
        cc_vec_push(&tpl.fields, g);
    }
    bool ok = cc_rt_add_template(vm->rt, &tpl, err, errlen);
    cc_vec_free(&tpl.fields);
    RETURN(&vm->heap, ok ? 0 : -1);
}

int ccflow_vm_stop_contact(ccflow_vm *vm, const char *contact_id, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_stop_contact(vm->rt, contact_id, err, errlen) ? 0 : -1);
}

int ccflow_vm_update_attributes(ccflow_vm *vm, const char *contact_id, const char *const *keys,
                                const char *const *values, size_t count, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_update_attributes(vm->rt, contact_id, keys, values, count, err, errlen) ? 0 : -1);
}

int ccflow_vm_update_schedule(ccflow_vm *vm, const char *contact_id, long long scheduled_ms, char *err,
                              size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_update_schedule(vm->rt, contact_id, scheduled_ms, err, errlen) ? 0 : -1);
}

int ccflow_vm_transfer_contact(ccflow_vm *vm, const char *contact_id, const char *flow, const char *queue,
                               const char *agent, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_transfer(vm->rt, contact_id, flow, queue, agent, err, errlen) ? 0 : -1);
}

int ccflow_vm_set_agent_manual_accept(ccflow_vm *vm, const char *agent, int manual)
{
    int ai = cc_rt_agent_index(vm->rt, agent);
    if (ai < 0)
        return -1;
    cc_rt_set_agent_manual_accept(vm->rt, ai, manual != 0);
    return 0;
}

int ccflow_vm_set_agent_proficiency(ccflow_vm *vm, const char *agent, const char *name, const char *value)
{
    int ai = cc_rt_agent_index(vm->rt, agent);
    if (ai < 0 || !name || !value)
        return -1;
    CALL(&vm->heap, -1);
    cc_rt_set_agent_proficiency(vm->rt, ai, name, value);
    RETURN(&vm->heap, 0);
}

int ccflow_vm_accept_contact(ccflow_vm *vm, const char *contact_id, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_accept_contact(vm->rt, contact_id, err, errlen) ? 0 : -1);
}

int ccflow_vm_complete_contact(ccflow_vm *vm, const char *contact_id, char *err, size_t errlen)
{
    CALL(&vm->heap, (snprintf(err, errlen, "out of memory"), -1));
    RETURN(&vm->heap, cc_rt_complete_contact(vm->rt, contact_id, err, errlen) ? 0 : -1);
}

int ccflow_vm_queue_metrics(ccflow_vm *vm, const char *queue, const char *channel, const long long *thresholds_ms,
                            size_t threshold_count, ccflow_metrics *out)
{
    int q = cc_rt_queue_index(vm->rt, queue), ch = -1;
    for (int c = 0; channel && c < 4; c++)
        if (!strcmp(channel, cc_channel_upper(c)))
            ch = c;
    if (q < 0 || (channel && ch < 0) || threshold_count > CC_METRIC_THRESHOLDS)
        return -1;
    int64_t levels[CC_METRIC_THRESHOLDS];
    for (size_t i = 0; i < threshold_count; i++)
        levels[i] = thresholds_ms[i];
    cc_metrics m;
    CALL(&vm->heap, -1);
    cc_rt_metrics(vm->rt, (size_t)q, ch, levels, threshold_count, &m);
    *out = (ccflow_metrics){m.in_queue,      m.scheduled,          m.oldest_age_ms,   m.agents_online,
                            m.agents_available, m.agents_staffed,  m.agents_on_contact, m.agents_acw,
                            m.created,       m.handled,            m.abandoned,       m.expired,
                            m.dequeued,      m.answered,           m.avg_handle_ms,   m.avg_answer_ms,
                            m.avg_interaction_ms, m.avg_hold_ms,   m.max_wait_ms,     {0}};
    for (size_t i = 0; i < m.nlevels; i++)
        out->service_level[i] = m.service_level[i];
    RETURN(&vm->heap, 0);
}

/* A user's record callback, for describe and search. */
typedef struct {
    ccflow_record_fn fn;
    void *user;
} record_sink;

static void sink_bridge(void *ud, const cc_record *r)
{
    record_sink *k = ud;
    ccflow_record out;
    record_out(r, &out);
    k->fn(k->user, &out);
    cc_heap_check();
}

int ccflow_vm_describe_contact(ccflow_vm *vm, const char *contact_id, ccflow_record_fn fn, void *user)
{
    record_sink k = {fn, user};
    CALL(&vm->heap, -1);
    RETURN(&vm->heap, cc_rt_describe(vm->rt, contact_id, sink_bridge, &k) ? 0 : -1);
}

long long ccflow_vm_search_contacts(ccflow_vm *vm, const ccflow_search *q, ccflow_record_fn fn, void *user)
{
    record_sink k = {fn, user};
    cc_search s = {-1, q->queue, q->from_ms, q->to_ms, q->attribute_key, q->attribute_value, (cc_end_reason)q->reason};
    if (q->channel) {
        s.channel = -2; /* an unknown channel matches nothing */
        for (int c = 0; c < 4; c++)
            if (!strcmp(q->channel, cc_channel_upper(c)))
                s.channel = c;
    }
    CALL(&vm->heap, -1);
    RETURN(&vm->heap, (long long)cc_rt_search(vm->rt, &s, fn ? sink_bridge : NULL, &k));
}

long long ccflow_vm_run_until(ccflow_vm *vm, long long until_ms)
{
    CALL(&vm->heap, -1);
    RETURN(&vm->heap, cc_rt_run_until(vm->rt, until_ms));
}

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
    cc_heap_check();
}

int ccflow_vm_add_host_function(ccflow_vm *vm, const char *name, ccflow_host_fn fn, void *user)
{
    CALL(&vm->heap, -1);
    host_binding *h = cc_xmalloc(sizeof *h); /* the heap's, released with the VM */
    h->fn = fn;
    h->user = user;
    if (cc_rt_add_host_function(vm->rt, name, host_bridge, h) < 0) {
        cc_free(h);
        RETURN(&vm->heap, -1);
    }
    RETURN(&vm->heap, 0);
}

int ccflow_vm_answer(ccflow_vm *vm, unsigned long long call, int ok, const char *const *keys,
                     const char *const *values, size_t count)
{
    CALL(&vm->heap, -1);
    RETURN(&vm->heap, cc_rt_answer(vm->rt, call, ok != 0, keys, values, count) ? 0 : -1);
}

void ccflow_vm_set_clock(ccflow_vm *vm, ccflow_clock_fn now_ms, void *user)
{
    vm->clock = now_ms;
    vm->clock_user = user;
}

long long ccflow_vm_poll(ccflow_vm *vm)
{
    CALL(&vm->heap, -1);
    if (vm->clock) {
        long long now = vm->clock(vm->clock_user);
        cc_heap_check();
        if (now >= cc_rt_now(vm->rt)) /* the clock never runs backwards */
            cc_rt_run_until(vm->rt, now);
    }
    RETURN(&vm->heap, cc_rt_next_event(vm->rt));
}

int ccflow_vm_save(const ccflow_vm *cvm, void **state, size_t *size)
{
    ccflow_vm *vm = (ccflow_vm *)cvm; /* saving changes nothing but the heap's bookkeeping */
    CALL(&vm->heap, -1);
    cc_buf out = {0};
    cc_rt_snapshot(vm->rt, &out);
    cc_heap_detach(out.data);
    *state = out.data;
    *size = out.len;
    RETURN(&vm->heap, 0);
}

ccflow_vm *ccflow_vm_restore_with(const ccflow_allocator *a, const void *bundle, size_t size, int flags,
                                  const void *state, size_t state_size, char *err, size_t errlen)
{
    return vm_open(a, bundle, size, flags, 0, 0, state ? state : "", state_size, err, errlen);
}

ccflow_vm *ccflow_vm_restore(const void *bundle, size_t size, int flags, const void *state, size_t state_size,
                             char *err, size_t errlen)
{
    return ccflow_vm_restore_with(NULL, bundle, size, flags, state, state_size, err, errlen);
}
