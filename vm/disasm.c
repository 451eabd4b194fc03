/* disasm.c — `ccflow disasm`: a verified bundle printed one instruction a line, SQLite-EXPLAIN
 * style, with operands resolved to names and the synopsis of each opcode from opcodes.h. */
#include "bytecode.h"

#include "catalog.h"
#include "json_writer.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void put_string(cc_buf *out, const ccfb_module *m, uint32_t i)
{
    cc_jw_quote(out, (const char *)m->strings[i].text, m->strings[i].len);
}

static void put_raw(cc_buf *out, const ccfb_string *s) { cc_buf_put(out, (const char *)s->text, s->len); }

static void put_value(cc_buf *out, const ccfb_module *m, uint32_t v)
{
    uint32_t payload = CCFB_VAL_PAYLOAD(v);
    switch (CCFB_VAL_TAG(v)) {
    case CCFB_VAL_NONE:
        cc_buf_puts(out, "-");
        break;
    case CCFB_VAL_STR:
        put_string(out, m, payload);
        break;
    case CCFB_VAL_BOOL:
        cc_buf_puts(out, payload ? "true" : "false");
        break;
    default: /* numbers, references and JSON print as written */
        put_raw(out, &m->strings[payload]);
        break;
    }
}

/* The id of the block starting at pc, if one does. */
static const ccfb_string *block_at(const ccfb_module *m, const ccfb_flow *f, uint32_t pc)
{
    for (uint32_t b = 0; b < f->nblocks; b++) {
        ccfb_block blk = ccfb_flow_block(f, b);
        if (blk.pc == pc)
            return &m->strings[blk.id];
    }
    return NULL;
}

static void put_target(cc_buf *out, const ccfb_module *m, const ccfb_flow *f, uint32_t pc)
{
    if (pc == CCFB_NO_TARGET) {
        cc_buf_puts(out, "end");
        return;
    }
    const ccfb_string *id = block_at(m, f, pc);
    if (id)
        put_raw(out, id);
    else
        cc_buf_printf(out, "%04u", pc);
}

static void put_operand(cc_buf *out, const ccfb_module *m, const ccfb_flow *f, char kind, uint32_t v,
                        uint32_t *block_kind)
{
    char d[32];
    switch (kind) {
    case 'o':
        cc_buf_puts(out, cc_case_ops[v].name);
        break;
    case 'h':
        cc_buf_puts(out, cc_hooks[v].name);
        break;
    case 'a':
        cc_buf_puts(out, cc_attr_targets[v].name);
        break;
    case 'S':
        cc_buf_puts(out, cc_staffing[v].name);
        break;
    case 'M':
        cc_buf_puts(out, cc_queue_metrics[v].name);
        break;
    case 'p':
        cc_buf_printf(out, "%s:", cc_blocks[*block_kind].params[v].name);
        break;
    case 'v':
        put_value(out, m, v);
        break;
    case 's':
        put_string(out, m, v);
        break;
    case 'f':
        cc_buf_puts(out, "flow ");
        put_string(out, m, m->flows[v].name);
        break;
    case 'k':
        cc_buf_puts(out, cc_blocks[v].kind);
        *block_kind = v;
        break;
    case 'd':
        cc_format_duration(d, sizeof d, (int32_t)v);
        cc_buf_puts(out, d);
        break;
    case 'L':
        put_target(out, m, f, v);
        break;
    default:
        cc_buf_printf(out, "%u", v);
        break;
    }
}

void ccfb_disasm(const ccfb_module *m, cc_buf *out)
{
    cc_buf_printf(out, "; ccflow bundle, format %u, %u strings, %u flows%s\n", m->version, m->nstrings, m->nflows,
                  m->flags & CCFB_FLAG_SOURCE_MAP ? "" : ", no source map");
    for (uint32_t fi = 0; fi < m->nflows; fi++) {
        const ccfb_flow *f = &m->flows[fi];
        cc_buf_puts(out, "\nflow ");
        put_string(out, m, f->name);
        cc_buf_printf(out, " (%s; channels", cc_flow_types[f->type].name);
        for (int c = 0; c < CC_CH_COUNT; c++)
            if (f->channels & (1u << c))
                cc_buf_printf(out, " %s", cc_channel_name(c));
        cc_buf_printf(out, "%s) start ", f->channels & 0x100u ? ", declared" : "");
        put_target(out, m, f, f->start);
        cc_buf_printf(out, ", %u blocks, %u bytes of code\n", f->nblocks, f->code_len);
        for (uint32_t pc = 0; pc < f->code_len;) {
            const ccfb_string *id = block_at(m, f, pc);
            if (id) {
                cc_buf_putc(out, '\n');
                put_raw(out, id);
                cc_buf_putc(out, ':');
                for (uint32_t e = 0; e < m->nsrcmap; e++)
                    if (m->srcmap[e].flow == fi && m->srcmap[e].pc == pc) {
                        cc_buf_puts(out, "  ; ");
                        put_raw(out, &m->files[m->srcmap[e].file]);
                        cc_buf_printf(out, ":%u:%u", m->srcmap[e].line, m->srcmap[e].col);
                        break;
                    }
                cc_buf_putc(out, '\n');
            }
            uint8_t op = f->code[pc];
            const cc_opcode_info *info = &cc_opcode_infos[op];
            uint32_t block_kind = ccfb_implied_kind(op);
            size_t line_start = out->len;
            cc_buf_printf(out, "  %04u  %-15s", pc, info->name);
            uint32_t at = pc + 1;
            for (const char *k = info->operands; *k; k++) {
                if (*k == '*') {
                    uint32_t count = ccfb_read_u32(f->code + at - 4);
                    const char *group = k + 1;
                    for (uint32_t r = 0; r < count; r++) {
                        cc_buf_puts(out, r ? ", " : " [");
                        for (const char *g = group; *g; g++, at += 4) {
                            if (g != group && group[g - group - 1] != 'p')
                                cc_buf_putc(out, ' ');
                            if (op == CC_OP_SWITCH)
                                cc_buf_printf(out, "%u:", r);
                            put_operand(out, m, f, *g, ccfb_read_u32(f->code + at), &block_kind);
                        }
                    }
                    cc_buf_puts(out, count ? "]" : " []");
                    break;
                }
                if (*k != 'n') {
                    cc_buf_putc(out, ' ');
                    put_operand(out, m, f, *k, ccfb_read_u32(f->code + at), &block_kind);
                }
                at += 4;
            }
            size_t width = out->len - line_start;
            for (size_t w = width; w < 60; w++)
                cc_buf_putc(out, ' ');
            cc_buf_printf(out, "  ; %s\n", info->synopsis);
            pc = at;
        }
    }
}
