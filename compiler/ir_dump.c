/* ir_dump.c — a canonical text form of the flow IR, without source locations: two spellings of
 * a flow (YAML and DSL) that mean the same give the same dump (`ccflow ir`, and the tests). */
#include "ir.h"
#include "json_writer.h"

#include <stdlib.h>
#include <string.h>

void cc_flow_dump(const cc_flow *f, cc_buf *out)
{
    cc_buf_puts(out, "flow ");
    cc_jw_quote(out, f->name, strlen(f->name));
    cc_buf_printf(out, " type %s channels", f->type >= 0 ? cc_flow_types[f->type].name : "?");
    for (int c = 0; c < CC_CH_COUNT; c++)
        if (f->channels & (1u << c))
            cc_buf_printf(out, " %s", cc_channel_name(c));
    cc_buf_printf(out, "%s start %s\n", f->channels_declared ? " (declared)" : "",
                  f->start_index >= 0 && (uint32_t)f->start_index < f->nblocks ? f->blocks[f->start_index].id : "-");
    for (uint32_t i = 0; i < f->nblocks; i++) {
        const cc_block *b = &f->blocks[i];
        cc_buf_puts(out, "block ");
        cc_jw_quote(out, b->id, strlen(b->id));
        cc_buf_printf(out, " %s\n", b->spec ? b->spec->kind : "?");
        /* parameters in catalogue order, branches next-first then in catalogue order: the order
         * they were written in means nothing */
        for (const cc_param_spec *ps = b->spec ? b->spec->params : NULL; ps && ps->name; ps++) {
            const cc_param *p = cc_block_param(b, ps->name);
            if (!p || p->spec->type == CC_PT_CASES)
                continue;
            cc_buf_printf(out, "  param %s = ", p->spec->name);
            if (p->spec->type == CC_PT_DURATION && !p->is_ref && !p->invalid) {
                /* 60s, 1m and Connect's "60" are one duration */
                char text[48];
                cc_format_duration(text, sizeof text, p->num);
                cc_buf_printf(out, "\"%s\"", text);
            } else
                cc_node_json(out, p->value, true);
            cc_buf_putc(out, '\n');
        }
        for (uint32_t j = 0; j < b->ncases; j++) {
            const cc_case *c = &b->cases[j];
            cc_buf_printf(out, "  case %s ", c->op);
            cc_node_json(out, c->operand, true);
            cc_buf_puts(out, " -> ");
            if (c->target)
                cc_jw_quote(out, c->target, strlen(c->target));
            else
                cc_buf_puts(out, "-");
            cc_buf_putc(out, '\n');
        }
        for (int idx = -1; idx < 64; idx++)
            for (uint32_t j = 0; j < b->nbranches; j++) {
                if (b->branches[j].index != idx)
                    continue;
                cc_buf_printf(out, "  branch %s -> ", b->branches[j].name);
                cc_jw_quote(out, b->branches[j].target, strlen(b->branches[j].target));
                cc_buf_putc(out, '\n');
            }
    }
}
