/* catalog_doc.c — docs/blocks.md, written from the catalogue (`ccflow blocks`). */
#include "catalog.h"

#include "util.h"

#include <string.h>

/* ---- docs/blocks.md ---- */

static const char *support_word(uint8_t support)
{
    switch (support) {
    case CC_SUP_YES: return "yes";
    case CC_SUP_NO_ERROR: return "error";
    case CC_SUP_NO_SUCCESS: return "no-op";
    }
    return "?";
}

/* Writes the "|"-separated words of `list` as `a`, `b`, `c` (or `a` or `b` with `last` = "or"). */
static void put_words(FILE *out, const char *list, const char *last)
{
    int count = 0;
    for (const char *s = list; *s; s++)
        count += *s == '|';
    count++;
    int index = 0;
    for (const char *s = list; *s; index++) {
        const char *end = strchr(s, '|');
        int len = end ? (int)(end - s) : (int)strlen(s);
        if (index > 0)
            fputs(index == count - 1 && last ? last : ", ", out);
        fprintf(out, "`%.*s`", len, s);
        if (!end)
            break;
        s = end + 1;
    }
}

static void put_flow_types(FILE *out, unsigned mask)
{
    if (mask == CC_FT_ALL) {
        fputs("all", out);
        return;
    }
    bool first = true;
    for (int t = 0; t < CC_FT_COUNT; t++)
        if (mask & CC_FT_BIT(t)) {
            fprintf(out, "%s`%s`", first ? "" : ", ", cc_flow_types[t].name);
            first = false;
        }
}

static void put_duration(FILE *out, int64_t ms)
{
    char text[32];
    cc_format_duration(text, sizeof text, ms);
    fputs(text, out);
}

/* The type column of a parameter table: the type with its range or choices. */
static void put_param_type(FILE *out, const cc_param_spec *p)
{
    switch (p->type) {
    case CC_PT_TEXT: fputs("text", out); break;
    case CC_PT_INT:
        if (p->max == INT64_MAX)
            fprintf(out, "integer ≥ %lld", (long long)p->min);
        else
            fprintf(out, "integer %lld..%lld", (long long)p->min, (long long)p->max);
        break;
    case CC_PT_DURATION:
        fputs("duration ", out);
        put_duration(out, p->min);
        fputs("..", out);
        put_duration(out, p->max);
        if (p->min < 0)
            fputs(" (signed)", out);
        break;
    case CC_PT_BOOL: fputs("`true` or `false`", out); break;
    case CC_PT_ENUM:
        fputs("one of ", out);
        put_words(out, p->values, " or ");
        break;
    case CC_PT_QUEUE: fputs("queue name", out); break;
    case CC_PT_FLOW:
        fputs("name of a flow of type ", out);
        put_flow_types(out, p->flow_types);
        break;
    case CC_PT_HOURS: fputs("hours-of-operation name", out); break;
    case CC_PT_TEMPLATE: fputs("task template name", out); break;
    case CC_PT_FUNCTION: fputs("function name", out); break;
    case CC_PT_VALUE: fputs("text, number, boolean or reference", out); break;
    case CC_PT_REF: fputs("reference (`$.…`)", out); break;
    case CC_PT_MAP: fputs("map of key → value or reference", out); break;
    case CC_PT_CASES:
        fputs("list of cases `{ OP: operand, next: id }`, OP ", out);
        put_words(out, p->values, " or ");
        break;
    case CC_PT_PROMPTS: fputs("list of `{ text: … }`", out); break;
    case CC_PT_REFERENCES: fputs("map of name → `{ type, value }`", out); break;
    case CC_PT_JSON: fputs("any value, kept as written", out); break;
    }
    if ((p->flags & CC_PF_REF) && p->type != CC_PT_REF && p->type != CC_PT_VALUE)
        fputs(", or a reference", out);
}

/* Writes the exclusive groups as sentences: "Give exactly one of `a`, `b`." */
static void put_exclusive(FILE *out, const char *groups)
{
    for (const char *s = groups; *s;) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        bool exactly_one = *s == '!';
        const char *names = exactly_one ? s + 1 : s;
        char group[128];
        size_t n = len - (size_t)(names - s);
        if (n >= sizeof group)
            n = sizeof group - 1;
        memcpy(group, names, n);
        group[n] = '\0';
        fputs(exactly_one ? "- Give exactly one of " : "- Give at most one of ", out);
        put_words(out, group, " or ");
        fputs(".\n", out);
        if (!end)
            break;
        s = end + 1;
    }
}

static void put_block_section(FILE *out, const cc_block_spec *b)
{
    fprintf(out, "## `%s`\n\n%s\n\n", b->kind, b->doc);
    fprintf(out, "- Connect block: %s\n", b->ui_name);
    fputs("- Connect action: ", out);
    if (b->actions[0])
        put_words(out, b->actions, " or ");
    else
        fputs("not verified", out);
    fputs("\n- Flow types: ", out);
    put_flow_types(out, b->flow_types);
    fputs("\n- Channels:", out);
    for (int c = 0; c < CC_CH_COUNT; c++)
        fprintf(out, "%s %s %s", c ? "," : "", cc_channel_name(c), support_word(b->support[c]));
    fputs("\n- Branches: ", out);
    bool has_next = !(b->flags & CC_BK_NEXT_KEPT);
    if (has_next)
        fputs("`next`", out);
    if (b->branches[0]) {
        if (has_next)
            fputs(", ", out);
        put_words(out, b->branches, NULL);
        if (cc_branch_listed(b->branches, "cases"))
            fputs(" (`cases` means one branch per case, through its `next`)", out);
    } else if (!has_next) {
        fputs("none", out);
    }
    if (!has_next)
        fputs("; a `next` is kept for export but never taken", out);
    fputs("\n", out);
    if (b->flags & CC_BK_TERMINAL)
        fputs("- Ends the flow.\n", out);
    if (b->flags & CC_BK_SUSPENDS)
        fputs("- May suspend the contact, so a cycle through it is not a busy loop.\n", out);
    if (b->flags & CC_BK_LOOP)
        fputs("- Its `looping` branch bounds a cycle.\n", out);
    if (b->flags & CC_BK_QUEUE_DEP)
        fprintf(out, "- Needs a working queue unless `%s` is given.\n", b->queue_param);
    if (b->flags & CC_BK_SETS_QUEUE)
        fputs("- Sets the working queue on success.\n", out);
    if (b->flags & CC_BK_TASK_SET)
        fputs("- One of the blocks Amazon Connect supports for tasks.\n", out);
    fputs("\n", out);

    if (!b->params[0].name) {
        fputs("No parameters: write `{}`.\n\n", out);
        return;
    }
    fputs("| parameter | type | required | shorthand | Connect key | description |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (const cc_param_spec *p = b->params; p->name; p++) {
        fprintf(out, "| `%s` | ", p->name);
        put_param_type(out, p);
        const char *shorthand = p->flags & CC_PF_WHOLE    ? "whole value"
                                : p->flags & CC_PF_SCALAR ? "yes"
                                                          : "";
        fprintf(out, " | %s | %s | ", p->flags & CC_PF_REQUIRED ? "yes" : "", shorthand);
        if (p->connect)
            fprintf(out, "`%s`", p->connect);
        else
            fputs(p->type == CC_PT_CASES ? "(conditions)" : "—", out);
        fprintf(out, " | %s |\n", p->doc);
    }
    fputs("\n", out);
    if (b->exclusive) {
        put_exclusive(out, b->exclusive);
        fputs("\n", out);
    }
}

void cc_catalog_markdown(FILE *out)
{
    fputs("# Block reference\n\n"
          "This page is generated from the block catalogue in `common/catalog.c`, the one table "
          "that validation and code generation read, with the Amazon Connect names of every "
          "block, branch and parameter; edit the table, not this page. It lists every block kind a ccflow flow may use: the Amazon "
          "Connect block and action it stands for, the flow types that allow it, how each channel "
          "fares on it, its branches besides `next`, and its parameters. In the channel columns "
          "`yes` means the block runs, `error` that the contact takes the `error` branch (and "
          "`ccflow check` reports an error when that channel can reach the block), and `no-op` "
          "that nothing happens and the contact goes on through `next` (a warning). A parameter "
          "marked *shorthand* can be written as the block's whole value (`wait: 1m`); "
          "durations are written `250ms`, `90s`, `10m`, `2h` or `7d`, and references as "
          "`$.Attributes.x`, `$.Channel` and the like. A flow module (`type: module`) may use every "
          "block an inbound flow may, except `invoke_module` (modules do not nest), and ends with "
          "`return`.\n\n",
          out);
    fputs("| kind | Connect block | voice | chat | task | email | task set |\n"
          "|---|---|---|---|---|---|---|\n",
          out);
    for (int i = 0; i < cc_block_count; i++) {
        const cc_block_spec *b = &cc_blocks[i];
        fprintf(out, "| [`%s`](#%s) | %s |", b->kind, b->kind, b->ui_name);
        for (int c = 0; c < CC_CH_COUNT; c++)
            fprintf(out, " %s |", support_word(b->support[c]));
        fprintf(out, " %s |\n", b->flags & CC_BK_TASK_SET ? "yes" : "");
    }
    fputs("\n", out);
    for (int i = 0; i < cc_block_count; i++)
        put_block_section(out, &cc_blocks[i]);
}
