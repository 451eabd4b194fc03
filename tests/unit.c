/* unit.c — unit tests of the libyaml reader's error paths and of the flow IR built from it. */
#include "bytecode.h"
#include "civil.h"
#include "codegen.h"
#include "ir.h"
#include "json_writer.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct {
    cc_diags ds;
    cc_bundle b;
    cc_flow *flow;
} fixture;

/* Reads text as one flow file named path; returns with diagnostics collected. */
static void load(fixture *fx, const char *path, const char *text, size_t len)
{
    cc_diags_init(&fx->ds);
    cc_bundle_init(&fx->b, &fx->ds);
    char *copy = cc_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    cc_bundle_add_text(&fx->b, path, copy, len, false);
    fx->flow = fx->b.flows.len ? fx->b.flows.items[0] : NULL;
}

static void unload(fixture *fx)
{
    cc_bundle_free(&fx->b);
    cc_diags_free(&fx->ds);
}

static bool has_code(const fixture *fx, cc_diag_code code, uint32_t line)
{
    for (size_t i = 0; i < fx->ds.diags.len; i++)
        if (fx->ds.diags.items[i]->code == code && (!line || fx->ds.diags.items[i]->loc.line == line))
            return true;
    return false;
}

static const char seed[] = "flow: Task routing\n"
                           "type: inbound\n"
                           "channels: [task]\n"
                           "start: queue\n"
                           "blocks:\n"
                           "  queue:\n"
                           "    set_working_queue: Support\n"
                           "    next: tries\n"
                           "    on: { error: hangup }\n"
                           "  tries:\n"
                           "    loop: 10\n"
                           "    on: { looping: staffed, complete: hangup }\n"
                           "  staffed:\n"
                           "    check_staffing: available\n"
                           "    on: { \"true\": transfer, \"false\": pause, error: hangup }\n"
                           "  pause:\n"
                           "    wait: 1m\n"
                           "    on: { timeout: tries, error: hangup }\n"
                           "  transfer:\n"
                           "    transfer_to_queue: {}\n"
                           "    on: { at_capacity: hangup, error: hangup }\n"
                           "  hangup:\n"
                           "    disconnect: {}\n";

static void test_ir_of_seed_flow(void)
{
    fixture fx;
    load(&fx, "seed.yaml", seed, strlen(seed));
    cc_check_bundle(&fx.b);
    CHECK(fx.ds.diags.len == 0, "the seed flow is clean (%zu diagnostics)", fx.ds.diags.len);
    cc_flow *f = fx.flow;
    CHECK(f && !strcmp(f->name, "Task routing"), "flow name");
    CHECK(f && f->type == CC_FT_INBOUND && f->channels == CC_CH_TASK && f->channels_declared, "type and channels");
    CHECK(f && f->nblocks == 6 && f->start_index == 0, "six blocks, starting at 'queue'");
    if (f && f->nblocks == 6) {
        const cc_block *loop = &f->blocks[1];
        CHECK(!strcmp(loop->spec->kind, "loop") && loop->nparams == 1 && loop->params[0].num == 10, "loop 10");
        CHECK(loop->id_loc.line == 10 && loop->id_loc.col == 3, "loop id at 10:3, got %u:%u", loop->id_loc.line,
              loop->id_loc.col);
        CHECK(loop->kind_loc.line == 11 && loop->kind_loc.col == 5 && loop->kind_loc.end_col == 8, "loop kind span");
        const cc_branch *looping = cc_block_branch(loop, "looping");
        CHECK(looping && looping->to == 2, "looping goes to 'staffed'");
        const cc_block *wait = &f->blocks[3];
        CHECK(wait->params[0].num == 60000, "wait 1m is 60000 ms");
        const cc_block *staffed = &f->blocks[2];
        const cc_param *status = cc_block_param(staffed, "status");
        CHECK(status && !strcmp(status->value->text, "available"), "check_staffing shorthand fills 'status'");
    }
    unload(&fx);
}

/* Every prefix of a valid flow either reads or is diagnosed, never crashes. */
static void test_truncated(void)
{
    size_t n = strlen(seed), ok = 0;
    for (size_t len = 0; len <= n; len++) {
        fixture fx;
        load(&fx, "cut.yaml", seed, len);
        cc_check_bundle(&fx.b);
        ok += fx.flow != NULL || fx.ds.errors > 0;
        unload(&fx);
    }
    CHECK(ok == n + 1, "each of %zu prefixes reads as a flow or gets an error (%zu did)", n + 1, ok);
}

static void test_reader_errors(void)
{
    fixture fx;
    const char tabs[] = "flow: T\ntype: inbound\nblocks:\n  a:\n\tdisconnect: {}\n";
    load(&fx, "tabs.yaml", tabs, strlen(tabs));
    CHECK(has_code(&fx, CC_E101, 5) && strstr(fx.ds.diags.items[0]->message, "tab"), "tab indentation at line 5");
    unload(&fx);

    const char dup[] = "flow: D\ntype: inbound\nblocks:\n  a: { disconnect: {} }\n  a: { end_flow: {} }\nflow: E\n";
    load(&fx, "dup.yaml", dup, strlen(dup));
    CHECK(has_code(&fx, CC_E113, 5), "duplicate block id at line 5");
    CHECK(has_code(&fx, CC_E103, 6), "duplicate top-level key at line 6");
    CHECK(fx.flow && !strcmp(fx.flow->name, "D"), "the first of duplicate keys wins");
    unload(&fx);

    const char alias[] = "flow: A\ntype: inbound\nchannels: &ch [task]\nblocks:\n  a:\n"
                         "    set_contact_attributes: &m { k: v }\n    next: b\n    on: { error: b }\n"
                         "  b:\n    set_flow_attributes: *m\n    next: c\n    on: { error: c }\n"
                         "  c: { disconnect: {} }\n";
    load(&fx, "alias.yaml", alias, strlen(alias));
    cc_check_bundle(&fx.b);
    CHECK(fx.ds.diags.len == 0 && fx.flow && fx.flow->nblocks == 3, "anchors and aliases read as their values");
    unload(&fx);

    const char bad_utf8[] = "flow: caf\xc3\x28\ntype: inbound\n";
    load(&fx, "utf8.yaml", bad_utf8, strlen(bad_utf8));
    CHECK(has_code(&fx, CC_E101, 1) && strstr(fx.ds.diags.items[0]->message, "UTF-8"), "invalid UTF-8 on line 1");
    unload(&fx);

    load(&fx, "empty.yaml", "", 0);
    CHECK(has_code(&fx, CC_E102, 1) && fx.ds.diags.len == 1, "an empty file is one E102");
    unload(&fx);

    const char comments[] = "# nothing\n\n# at all\n";
    load(&fx, "comments.yaml", comments, strlen(comments));
    CHECK(has_code(&fx, CC_E102, 0), "a file of comments is E102");
    unload(&fx);

    const char nul[] = "flow: x\0y\n";
    load(&fx, "nul.yaml", nul, sizeof nul - 1);
    CHECK(has_code(&fx, CC_E101, 1), "a NUL byte is reported");
    unload(&fx);

    const char unclosed[] = "flow: U\ntype: inbound\nblocks: { a: { disconnect: {} }\n";
    load(&fx, "unclosed.yaml", unclosed, strlen(unclosed));
    CHECK(fx.ds.errors == 1 && fx.ds.diags.items[0]->code == CC_E101, "an unclosed mapping is one E101");
    unload(&fx);
}

/* A flow of many thousands of blocks reads and checks (and quickly: no quadratic passes). */
static void test_huge(void)
{
    enum { N = 50000 };
    cc_buf b = {0};
    cc_buf_puts(&b, "flow: Huge\ntype: inbound\nchannels: [task]\nblocks:\n");
    for (int i = 0; i < N; i++)
        cc_buf_printf(&b, "  b%d:\n    set_contact_attributes: { step: \"%d\" }\n    next: b%d\n    on: { error: z }\n", i,
                      i, i + 1);
    cc_buf_printf(&b, "  b%d:\n    disconnect: {}\n  z:\n    disconnect: {}\n", N);
    fixture fx;
    load(&fx, "huge.yaml", b.data, b.len);
    cc_check_bundle(&fx.b);
    CHECK(fx.flow && fx.flow->nblocks == N + 2 && fx.ds.diags.len == 0, "%d blocks, clean", N + 2);
    unload(&fx);
    cc_buf_free(&b);
}

static const char dsl_seed[] = "flow \"Task routing\" { type: inbound, channels: [task] }\n"
                               "queue: set_working_queue \"Support\"\n"
                               "    error -> hangup\n"
                               "tries: loop 10 {\n"
                               "    check_staffing available\n"
                               "        true -> transfer\n"
                               "        false -> { wait 1m\n"
                               "            error -> hangup }\n"
                               "        error -> hangup\n"
                               "}\n"
                               "if $.Attributes.tier equals \"gold\" { change_routing_priority { priority: 1 } }\n"
                               "transfer: transfer_to_queue\n"
                               "    at_capacity -> hangup\n"
                               "    error -> hangup\n"
                               "hangup: disconnect\n";

/* Every prefix of a DSL flow, and every one-byte corruption of it, reads or is diagnosed. */
static void test_dsl_robust(void)
{
    size_t n = strlen(dsl_seed), ok = 0, total = 0;
    fixture fx;
    load(&fx, "seed.flow", dsl_seed, n);
    cc_check_bundle(&fx.b);
    CHECK(fx.ds.diags.len == 0 && fx.flow && fx.flow->nblocks == 8, "the DSL seed is clean with 8 blocks (%zu diags)",
          fx.ds.diags.len);
    unload(&fx);
    for (size_t len = 0; len <= n; len++, total++) {
        load(&fx, "cut.flow", dsl_seed, len);
        cc_check_bundle(&fx.b);
        ok += fx.flow != NULL || fx.ds.errors > 0;
        unload(&fx);
    }
    static const char bytes[] = {'\0', '\n', '"', '{', '}', '[', '-', '>', '$', '#', '\\', (char)0xff, (char)0xc3};
    char *copy = cc_xmalloc(n + 1);
    for (size_t i = 0; i < n; i += 3)
        for (size_t k = 0; k < sizeof bytes; k++, total++) {
            memcpy(copy, dsl_seed, n + 1);
            copy[i] = bytes[k];
            load(&fx, "flip.flow", copy, n);
            cc_check_bundle(&fx.b);
            ok += fx.flow != NULL || fx.ds.errors > 0 || fx.ds.warnings > 0 || fx.ds.diags.len == 0;
            unload(&fx);
        }
    free(copy);
    CHECK(ok == total, "%zu of %zu damaged DSL inputs handled", ok, total);

    /* binary noise */
    unsigned rng = 12345;
    char noise[512];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof noise; i++) {
            rng = rng * 1103515245u + 12345u;
            noise[i] = (char)(rng >> 16);
        }
        load(&fx, "noise.flow", noise, sizeof noise);
        cc_check_bundle(&fx.b);
        unload(&fx);
        load(&fx, "noise.yaml", noise, sizeof noise);
        cc_check_bundle(&fx.b);
        unload(&fx);
    }
    CHECK(1, "binary noise does not crash either reader");
}

/* YAML and DSL spellings of the seed flow build the same IR. */
static void test_same_ir(void)
{
    static const char yaml[] = "flow: Same\ntype: inbound\nchannels: [task]\nblocks:\n"
                               "  q:\n    set_working_queue: Support\n    next: w\n    on: { error: z }\n"
                               "  w:\n    wait: 1m\n    on: { timeout: c, error: z }\n"
                               "  c:\n    check_contact_attributes:\n      value: $.Attributes.tier\n"
                               "      cases:\n        - { equals: gold, next: z }\n    on: { no_match: z }\n"
                               "  z:\n    disconnect: {}\n";
    static const char dsl[] = "flow \"Same\" { type: inbound, channels: [task] }\n"
                              "q: set_working_queue Support\n    error -> z\n"
                              "w: wait 1m\n    error -> z\n"
                              "c: check_contact_attributes { value: $.Attributes.tier }\n"
                              "    equals gold -> z\n    no_match -> z\n"
                              "z: disconnect\n";
    fixture a, b;
    load(&a, "same.yaml", yaml, strlen(yaml));
    load(&b, "same.flow", dsl, strlen(dsl));
    cc_check_bundle(&a.b);
    cc_check_bundle(&b.b);
    cc_buf da = {0}, db = {0};
    if (a.flow && b.flow) {
        cc_flow_dump(a.flow, &da);
        cc_flow_dump(b.flow, &db);
    }
    CHECK(a.flow && b.flow && da.len && da.len == db.len && !memcmp(da.data, db.data, da.len),
          "same IR:\n%s---\n%s", da.data ? da.data : "", db.data ? db.data : "");
    CHECK(a.ds.diags.len == 0 && b.ds.diags.len == 0, "both spellings clean");
    cc_buf_free(&da);
    cc_buf_free(&db);
    unload(&a);
    unload(&b);
}

/* Compiles flows/ (and the standard flows) into bytes. */
static void compile_example(cc_buf *out, bool strip)
{
    cc_diags ds;
    cc_diags_init(&ds);
    cc_bundle b;
    cc_bundle_init(&b, &ds);
    cc_bundle_add_path(&b, "flows", false);
    cc_bundle_add_stdlib(&b);
    cc_check_bundle(&b);
    if (ds.errors)
        cc_fatal("flows/ has errors");
    cc_codegen(&b, strip, out);
    cc_bundle_free(&b);
    cc_diags_free(&ds);
}

/* Every byte of a real bundle flipped, every truncation and extension: the loader rejects it
 * or the result is safe to print; nothing crashes (this runs under ASan too). */
static void test_verifier(void)
{
    cc_buf a = {0}, b = {0};
    compile_example(&a, false);
    compile_example(&b, false);
    CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len), "compiling twice gives the same bytes");
    ccfb_module m;
    char err[256];
    CHECK(ccfb_load(&m, (const uint8_t *)a.data, a.len, true, err, sizeof err), "the real bundle loads: %s", err);
    ccfb_free(&m);

    uint8_t *copy = cc_xmalloc(a.len + 16);
    size_t rejected = 0, accepted = 0, crc_caught = 0;
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    for (size_t i = 0; i < a.len; i++)
        for (size_t k = 0; k < sizeof masks; k++) {
            memcpy(copy, a.data, a.len);
            copy[i] ^= masks[k];
            crc_caught += !ccfb_load(&m, copy, a.len, true, err, sizeof err);
            if (ccfb_load(&m, copy, a.len, false, err, sizeof err)) {
                cc_buf text = {0};
                ccfb_disasm(&m, &text);
                cc_buf_free(&text);
                ccfb_free(&m);
                accepted++;
            } else
                rejected++;
        }
    CHECK(crc_caught == a.len * sizeof masks, "the checksum catches every flipped byte (%zu of %zu)", crc_caught,
          a.len * sizeof masks);
    CHECK(rejected > accepted, "without the checksum the verifier rejects most flips (%zu rejected, %zu safe)",
          rejected, accepted);
    size_t truncations = 0;
    for (size_t len = 0; len < a.len; len++)
        truncations += !ccfb_load(&m, (const uint8_t *)a.data, len, false, err, sizeof err);
    CHECK(truncations == a.len, "every truncation is rejected (%zu of %zu)", truncations, a.len);
    memcpy(copy, a.data, a.len);
    memset(copy + a.len, 0, 16);
    CHECK(!ccfb_load(&m, copy, a.len + 16, false, err, sizeof err), "an extended bundle is rejected");
    /* the same extension with a header that admits it: the verifier still finds the extra bytes */
    copy[12] = (uint8_t)(a.len + 16);
    copy[13] = (uint8_t)((a.len + 16) >> 8);
    copy[14] = (uint8_t)((a.len + 16) >> 16);
    CHECK(!ccfb_load(&m, copy, a.len + 16, false, err, sizeof err) && strstr(err, "follow the last section"),
          "trailing bytes are found: %s", err);
    free(copy);
    cc_buf_free(&a);
    cc_buf_free(&b);
}

/* A saved VM state restores exactly, and no damage to its bytes crashes the restore. */
static void test_snapshot(void)
{
    cc_buf bytes = {0};
    compile_example(&bytes, true);
    ccfb_module m;
    char err[256];
    if (!ccfb_load(&m, (const uint8_t *)bytes.data, bytes.len, true, err, sizeof err)) {
        CHECK(false, "load: %s", err);
        return;
    }
    cc_rt *rt = cc_rt_new(&m, 0, 1);
    int q = cc_rt_add_queue(rt, "Support", 0);
    uint8_t conc[4] = {0, 0, 1, 0};
    cc_rt_add_agent(rt, "a", &q, 1, conc, 300000, 60000, true);
    for (int i = 0; i < 20; i++) {
        cc_task_request req = {.name = "T", .flow = "Task routing", .scheduled_ms = -1};
        cc_rt_advance(rt, i * 30000LL);
        cc_rt_start_task(rt, &req, NULL, 0, err, sizeof err);
    }
    cc_rt_advance(rt, 11 * 60000LL);
    cc_buf state = {0}, again = {0};
    cc_rt_snapshot(rt, &state);
    cc_rt *copy = cc_rt_restore(&m, (const uint8_t *)state.data, state.len, err, sizeof err);
    CHECK(copy != NULL, "a state restores: %s", err);
    if (copy) {
        cc_rt_snapshot(copy, &again);
        CHECK(again.len == state.len && !memcmp(again.data, state.data, state.len), "restored state saves the same bytes");
        cc_rt_free(copy);
    }
    size_t refused = 0, tries = 0;
    uint8_t *damaged = cc_xmalloc(state.len);
    for (size_t i = 0; i < state.len; i += 1) {
        memcpy(damaged, state.data, state.len);
        damaged[i] ^= 0x5a;
        tries++;
        cc_rt *d = cc_rt_restore(&m, damaged, state.len, err, sizeof err);
        if (d) {
            cc_rt_run_until(d, 40 * 86400000LL); /* a restored state must also run safely */
            cc_rt_free(d);
        } else
            refused++;
    }
    for (size_t len = 0; len < state.len; len += 13)
        if (!cc_rt_restore(&m, (const uint8_t *)state.data, len, err, sizeof err))
            refused++;
        else
            CHECK(false, "a truncated state of %zu bytes was accepted", len);
    CHECK(refused > 0, "damaged states are refused (%zu of %zu flips), truncated ones always", refused, tries);
    free(damaged);
    cc_buf_free(&state);
    cc_buf_free(&again);
    cc_rt_free(rt);
    ccfb_free(&m);
    cc_buf_free(&bytes);
}

/* What each channel does at blocks it does not support, at run time: `ccflow check` refuses such a
 * bundle (E401), so the bytecode is made here directly, as another producer of bundles could. */
static void record_attrs(void *ud, const cc_record *r)
{
    cc_buf *out = ud;
    cc_buf_printf(out, "%s %s:", r->id, cc_end_reason_name(r->reason));
    for (size_t i = 0; i < r->nattrs; i++)
        cc_buf_printf(out, " %s=%s", r->attr_keys[i], r->attr_values[i]);
    cc_buf_putc(out, '\n');
}

static void test_channel_behaviour(void)
{
    cc_diags ds;
    cc_diags_init(&ds);
    cc_bundle b;
    cc_bundle_init(&b, &ds);
    cc_bundle_add_path(&b, "tests/data/channel_behaviour.yaml", false);
    cc_check_bundle(&b);
    CHECK(ds.errors == 1 && ds.diags.len == 2, "the checker refuses it: %zu errors", ds.errors);
    cc_buf bytes = {0};
    cc_codegen(&b, true, &bytes);
    ccfb_module m;
    char err[256];
    CHECK(ccfb_load(&m, (const uint8_t *)bytes.data, bytes.len, true, err, sizeof err), "load: %s", err);
    cc_rt *rt = cc_rt_new(&m, 0, 1);
    cc_buf seen = {0};
    cc_rt_on_record(rt, record_attrs, &seen);
    cc_task_request task = {.id = "task", .name = "Task", .flow = "Channel behaviour", .scheduled_ms = -1};
    cc_task_request call = {.id = "call", .name = "Call", .flow = "Channel behaviour", .scheduled_ms = -1};
    CHECK(cc_rt_start_task(rt, &task, NULL, 0, err, sizeof err), "task: %s", err);
    CHECK(cc_rt_start_contact(rt, &call, 0, NULL, 0, err, sizeof err), "call: %s", err);
    cc_rt_run_until(rt, 3600000);
    CHECK(seen.data && strstr(seen.data, "task CONTACT_FLOW_DISCONNECT: media=refused prompt=passed") &&
              strstr(seen.data, "call CONTACT_FLOW_DISCONNECT: media=streamed prompt=passed"),
          "a task takes the error branch of media streaming and passes a prompt; a call runs both:\n%s",
          seen.data ? seen.data : "");
    cc_buf_free(&seen);
    cc_rt_free(rt);
    ccfb_free(&m);
    cc_buf_free(&bytes);
    cc_bundle_free(&b);
    cc_diags_free(&ds);
}

static void test_duration_and_closest(void)
{
    int64_t ms;
    CHECK(cc_parse_duration("250ms", &ms) && ms == 250, "250ms");
    CHECK(cc_parse_duration("7d", &ms) && ms == 604800000, "7d");
    CHECK(cc_parse_duration("-30s", &ms) && ms == -30000, "-30s");
    CHECK(!cc_parse_duration("10", &ms) && !cc_parse_duration("1w", &ms) && !cc_parse_duration("m", &ms), "bad durations");
    char out[32];
    cc_format_duration(out, sizeof out, 600000);
    CHECK(!strcmp(out, "10m"), "600000 ms prints as 10m, got %s", out);
    static const char *const words[] = {"disconnect", "end_flow", "wait"};
    CHECK(cc_closest("disconect", words, 3) == words[0], "disconect -> disconnect");
    CHECK(cc_closest("xyzzy", words, 3) == NULL, "no hint for a far word");
}

/* Named outcomes: the number the VM gets for a name is the position of that branch in the kind's
 * list, after its cases when it follows them; kinds that share an instruction list the same
 * branches, so the instruction's outcome means the same in each. */
static void test_outcomes(void)
{
    const cc_block_spec *st = cc_block_lookup("check_staffing"), *q = cc_block_lookup("check_queue_status"),
                        *in = cc_block_lookup("get_customer_input");
    CHECK(cc_outcome(st, CC_OUT_NEXT, 0) == 0 && cc_outcome(st, CC_OUT_TRUE, 0) == 1 && cc_outcome(st, CC_OUT_ERROR, 0) == 3,
          "check_staffing: next 0, true 1, error 3");
    CHECK(cc_outcome(st, CC_OUT_TIMEOUT, 0) == -1, "check_staffing has no timeout");
    CHECK(cc_outcome(q, CC_OUT_CASES, 4) == 1 && cc_outcome(q, CC_OUT_NO_MATCH, 4) == 5 && cc_outcome(q, CC_OUT_ERROR, 4) == 6,
          "check_queue_status with 4 cases: cases 1-4, no_match 5, error 6");
    CHECK(cc_outcome(in, CC_OUT_ERROR, 2) == 5, "get_customer_input with 2 options: error is 5");
    cc_op_outcomes o;
    cc_op_outcomes_build(&o);
    CHECK(cc_op_outcome(&o, CC_OP_CHECK_QUEUE, CC_OUT_ERROR, 4) == 6 && cc_op_outcome(&o, CC_OP_CHECK_QUEUE, CC_OUT_CASES, 4) == 1,
          "the instruction table agrees with the kind's");
    CHECK(cc_op_outcome(&o, CC_OP_WAIT_FOR, CC_OUT_CUSTOMER_RETURNED, 0) == 3, "WAIT_FOR outcomes are wait's");
    for (int i = 0; i < cc_block_count; i++) {
        const cc_block_spec *k = &cc_blocks[i], *first = cc_op_kind(k->op);
        if (k->op != CC_OP_NOP)
            CHECK(first && !strcmp(first->branches, k->branches), "%s shares %s with %s but not its branches", k->kind,
                  cc_opcode_infos[k->op].name, first ? first->kind : "?");
    }
}

/* Calendar dates and ISO times (common/civil.c), the one reader and writer of both. */
static void test_civil(void)
{
    int64_t ms;
    char why[160], out[40];
    CHECK(cc_parse_utc("2026-11-23T08:00:00Z", &ms, why, sizeof why) && ms == 1795420800000LL, "a UTC time");
    CHECK(cc_parse_utc("2024-02-29T23:59:59.5Z", &ms, why, sizeof why) && ms % 1000 == 500, ".5 is 500 ms");
    CHECK(!cc_parse_utc("2026-02-29T00:00:00Z", &ms, why, sizeof why) && strstr(why, "no day 29"), "no 2026-02-29: %s", why);
    CHECK(!cc_parse_utc("2026-13-01T00:00:00Z", &ms, why, sizeof why) && strstr(why, "no month 13"), "no month 13");
    CHECK(!cc_parse_utc("2026-01-01T25:00:00Z", &ms, why, sizeof why) && strstr(why, "no time 25"), "no hour 25");
    CHECK(!cc_parse_utc("2026-01-01T00:00:00", &ms, why, sizeof why) && !why[0], "not the shape: no reason but that");
    CHECK(!cc_parse_utc("2026-01-01T00:00:00", &ms, NULL, 0) && !cc_parse_utc("2026-01-01T00:00:00.Z", &ms, NULL, 0) &&
              !cc_parse_utc("2026-01-01T00:00:00Zx", &ms, NULL, 0) && !cc_parse_utc("2026-1-01T00:00:00Z", &ms, NULL, 0),
          "shapes that are not ISO UTC times");
    CHECK(cc_parse_utc("1969-12-31T23:59:59Z", &ms, NULL, 0) && ms == -1000, "before 1970 is negative");
    cc_format_utc(out, sizeof out, -1000, false);
    CHECK(!strcmp(out, "1969-12-31T23:59:59Z"), "format before 1970: %s", out);
    cc_format_utc(out, sizeof out, 1795420800250LL, true);
    CHECK(!strcmp(out, "2026-11-23T08:00:00.250Z"), "format with ms: %s", out);
    cc_civil c;
    cc_civil_from_ms(1795420800000LL, &c);
    CHECK(c.weekday == 1 && c.year == 2026 && c.month == 11 && c.day == 23, "2026-11-23 is a Monday");
    CHECK(cc_days_from_civil(2000, 3, 1) - cc_days_from_civil(2000, 2, 28) == 2 && cc_month_days(1900, 2) == 28,
          "leap years: 2000 is one, 1900 is not");
}

/* The catalogue's tables carry the codes the bytecode uses, in code order (the verifier, the
 * disassembler and the VM read them by code). */
static void test_tables(void)
{
    for (int i = 0; i < CC_CASE_OP_COUNT; i++)
        CHECK((int)cc_case_ops[i].code == i && cc_case_op_by_name(cc_case_ops[i].name) == &cc_case_ops[i],
              "case operator %d is %s", i, cc_case_ops[i].name);
    CHECK(!cc_case_ops[CC_CASE_OP_COUNT].name, "the case operators end with a NULL name");
    for (int i = 0; i < CC_HOOK_COUNT; i++) {
        const cc_block_spec *k = cc_block_lookup(cc_hooks[i].kind);
        const cc_param_spec *ps = cc_param_lookup(k, cc_hooks[i].param);
        CHECK((int)cc_hooks[i].code == i, "hook %d is %s", i, cc_hooks[i].name);
        CHECK(ps && ps->type == CC_PT_FLOW && ps->flow_types == cc_hooks[i].flow_types && cc_hook_of(k, ps->name) == &cc_hooks[i],
              "hook %s: %s's parameter %s selects it, with its flow types", cc_hooks[i].name, cc_hooks[i].kind, cc_hooks[i].param);
    }
    for (int i = 0; i < CC_ATTR_TARGET_COUNT; i++)
        CHECK((int)cc_attr_targets[i].code == i &&
                  cc_attr_target_of(cc_block_lookup(cc_attr_targets[i].kind)) == &cc_attr_targets[i],
              "attribute target %d is %s", i, cc_attr_targets[i].name);
    for (int i = 0; i < CC_STAFF_COUNT; i++)
        CHECK(cc_staffing[i].code == i, "staffing %d is %s", i,
              cc_staffing[i].name);
    for (int i = 0; i < CC_REF_COUNT; i++)
        CHECK((int)cc_refs[i].id == i && cc_ref_lookup(cc_refs[i].path) == &cc_refs[i], "reference %s is row %d", cc_refs[i].path, i);
    CHECK(cc_ref_lookup("$.Lex.IntentName")->id == CC_REF_LEX_INTENT_NAME && cc_ref_lookup("$.Lex.Slots.x")->id == CC_REF_LEX_ &&
              cc_ref_lookup("$.Attributes.tier")->id == CC_REF_ATTRIBUTES_ && !cc_ref_lookup("$.Nothing"),
          "a reference finds its fixed path before a prefix");
    for (int i = 0; i < CC_QMETRIC_COUNT; i++)
        CHECK(cc_queue_metrics[i].code == i, "queue metric %d is %s",
              i, cc_queue_metrics[i].name);
}

/* The JSON writer: layouts, escaping, numbers, and misuse that is flagged but never written. */
static void test_json_writer(void)
{
    cc_buf b = {0};
    cc_jw w;
    cc_jw_init(&w, &b, 0, false);
    cc_jw_object(&w);
    cc_jw_kv_string(&w, "a\"b", "x\n\x01\xff\xc3\xa9");
    cc_jw_key(&w, "n");
    cc_jw_array(&w);
    cc_jw_int(&w, -3);
    CHECK(cc_jw_number(&w, "1.5e3"), "1.5e3 is a JSON number");
    CHECK(!cc_jw_number(&w, "007"), "007 is not a JSON number");
    cc_jw_bool(&w, true);
    cc_jw_null(&w);
    cc_jw_string(&w, NULL);
    cc_jw_array_end(&w);
    cc_jw_key(&w, "e");
    cc_jw_object(&w);
    cc_jw_object_end(&w);
    cc_jw_object_end(&w);
    CHECK(cc_jw_finish(&w), "a well-used writer reports no misuse");
    CHECK(!strcmp(b.data, "{\"a\\\"b\":\"x\\n\\u0001\\ufffd\xc3\xa9\",\"n\":[-3,1.5e3,\"007\",true,null,null],\"e\":{}}"),
          "compact text: %s", b.data);

    b.len = 0;
    cc_jw_init(&w, &b, 1, true);
    cc_jw_array(&w);
    for (int i = 0; i < 2; i++) {
        cc_jw_object(&w);
        cc_jw_kv_int(&w, "i", i);
        cc_jw_kv_string(&w, "s", "t");
        cc_jw_object_end(&w);
    }
    cc_jw_array_end(&w);
    CHECK(cc_jw_finish(&w) && !strcmp(b.data, "[\n  {\"i\": 0, \"s\": \"t\"},\n  {\"i\": 1, \"s\": \"t\"}\n]"),
          "one member a line at the top, spaced inside: %s", b.data);

    b.len = 0;
    cc_jw_init(&w, &b, UINT32_MAX, true);
    cc_jw_object(&w);
    cc_jw_key(&w, "a");
    cc_jw_array(&w);
    cc_jw_array_end(&w);
    cc_jw_kv_int(&w, "b", 1);
    cc_jw_object_end(&w);
    CHECK(cc_jw_finish(&w) && !strcmp(b.data, "{\n  \"a\": [],\n  \"b\": 1\n}"), "indented: %s", b.data);

    /* misuse: each is flagged, and the text stays valid JSON */
    b.len = 0;
    cc_jw_init(&w, &b, 0, false);
    cc_jw_object(&w);
    cc_jw_int(&w, 1);         /* a value without a key: dropped */
    cc_jw_key(&w, "k");
    cc_jw_array_end(&w);      /* the wrong end, with a key pending: null, then } */
    cc_jw_array_end(&w);      /* nothing open: dropped */
    cc_jw_string(&w, "x");    /* a second top-level value: dropped */
    CHECK(!cc_jw_finish(&w) && w.misuse && !strcmp(b.data, "{\"k\":null}"), "misuse repaired: %s", b.data);
    b.len = 0;
    cc_jw_init(&w, &b, 0, false);
    cc_jw_array(&w);
    cc_jw_key(&w, "k");       /* a key in an array: dropped */
    cc_jw_array(&w);
    for (int i = 0; i < 100; i++) /* deeper than the writer's inline levels */
        cc_jw_array(&w);
    CHECK(!cc_jw_finish(&w) && b.len == 204 && b.data[101] == '[' && b.data[203] == ']',
          "containers left open are closed: %zu bytes", b.len);
    b.len = 0;
    cc_jw_init(&w, &b, 0, false);
    CHECK(!cc_jw_finish(&w) && !strcmp(b.data, "null"), "a writer that wrote nothing writes null");
    cc_buf_free(&b);

    CHECK(cc_jw_is_number("0") && cc_jw_is_number("-0.5") && cc_jw_is_number("1E+2"), "JSON numbers");
    CHECK(!cc_jw_is_number("") && !cc_jw_is_number(".5") && !cc_jw_is_number("+1") && !cc_jw_is_number("1.") &&
              !cc_jw_is_number("0x10") && !cc_jw_is_number("inf") && !cc_jw_is_number("nan") &&
              !cc_jw_is_number("01") && !cc_jw_is_number("1e"),
          "numbers strtod reads but JSON does not");
}

int main(void)
{
    test_ir_of_seed_flow();
    test_truncated();
    test_reader_errors();
    test_huge();
    test_dsl_robust();
    test_same_ir();
    test_verifier();
    test_snapshot();
    test_channel_behaviour();
    test_duration_and_closest();
    test_json_writer();
    test_outcomes();
    test_civil();
    test_tables();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
