/* api.c — the public validation API of include/ccflow.h over the bundle, checks and diagnostics. */
#include "ccflow.h"
#include "ir.h"

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
