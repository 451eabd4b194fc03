/* connect_resources.c — names for the ARNs and ids of Connect exports (--resources): a mapping,
 * or saved `aws connect list-*` output, and what looks like an id, an ARN or a placeholder. */
#include "connect.h"

#include <ctype.h>
#include <string.h>

static bool is_text(const cc_node *n) { return n && n->type == CC_NODE_SCALAR && !cc_node_is_null(n); }

/* ---- resources ---- */

void cc_resources_init(cc_resources *r)
{
    memset(r, 0, sizeof *r);
    cc_arena_init(&r->arena);
}

void cc_resources_free(cc_resources *r)
{
    cc_map_free(&r->by_id);
    cc_map_free(&r->by_name);
    cc_arena_free(&r->arena);
}

/* The id at the end of an ARN (".../queue/ID"), or the text itself. */
static const char *arn_id(const char *text)
{
    if (strncmp(text, "arn:", 4) != 0)
        return text;
    const char *slash = strrchr(text, '/');
    return slash ? slash + 1 : text;
}

const char *cc_resources_name(const cc_resources *r, const char *text)
{
    if (!r || !text)
        return NULL;
    const char *name = cc_map_get(&r->by_id, text);
    if (!name && arn_id(text) != text)
        name = cc_map_get(&r->by_id, arn_id(text));
    return name;
}

static void add_resource(cc_resources *r, const char *id, const char *name)
{
    id = cc_arena_strdup(&r->arena, id);
    name = cc_arena_strdup(&r->arena, name);
    cc_map_put(&r->by_id, id, (void *)name);
    if (arn_id(id) != id)
        cc_map_put(&r->by_id, arn_id(id), (void *)name);
    if (!strncmp(id, "arn:", 4) || !cc_map_get(&r->by_name, name))
        if (!cc_map_set(&r->by_name, name, (void *)id))
            cc_map_put(&r->by_name, name, (void *)id);
}

/* One mapping entry: either side may be the ARN or id. */
static void add_pair(cc_resources *r, const char *a, const char *b)
{
    if (cc_connect_looks_like_id(a) && !cc_connect_looks_like_id(b))
        add_resource(r, a, b);
    else
        add_resource(r, b, a);
}

/* What the list operations print: {"ContactFlowSummaryList": [{"Id", "Arn", "Name"}, ...]}. */
static bool add_summary_lists(cc_resources *r, cc_diags *ds, const cc_node *root)
{
    bool any = false;
    for (uint32_t i = 0; i < root->count; i++) {
        const cc_node *k = root->pairs[i].key, *v = root->pairs[i].value;
        size_t len = k->len;
        if (len < 11 || strcmp(k->text + len - 11, "SummaryList") != 0 || v->type != CC_NODE_LIST)
            continue;
        any = true;
        for (uint32_t j = 0; j < v->count; j++) {
            const cc_node *item = v->items[j];
            const cc_node *name = cc_node_get(item, "Name"), *id = cc_node_get(item, "Id"), *arn = cc_node_get(item, "Arn");
            if (!is_text(name) || (!is_text(id) && !is_text(arn))) {
                cc_report(ds, CC_E105, item->loc, "a summary entry needs 'Name' and 'Id' or 'Arn'");
                continue;
            }
            if (is_text(arn))
                add_resource(r, arn->text, name->text);
            if (is_text(id))
                add_resource(r, id->text, name->text);
        }
    }
    return any;
}

bool cc_resources_load(cc_resources *r, cc_diags *ds, const char *path)
{
    size_t len;
    char *text = cc_read_file(path, &len);
    if (!text) {
        cc_report(ds, CC_E100, (cc_loc){cc_source_add(ds, path, NULL, 0), 0, 0, 0, 0}, "cannot read '%s'", path);
        return false;
    }
    uint32_t file = cc_source_add(ds, path, text, len);
    size_t first = 0;
    while (first < len && isspace((unsigned char)text[first]))
        first++;
    /* JSON first when it looks like JSON: YAML reads most JSON but not all of it */
    cc_node *root = (first < len && (text[first] == '{' || text[first] == '['))
                        ? cc_json_read(&r->arena, ds, file, text, len)
                        : cc_yaml_read(&r->arena, ds, file, text, len);
    if (!root)
        return false;
    if (root->type != CC_NODE_MAP) {
        cc_report(ds, CC_E106, root->loc, "a resources file is a mapping of ARNs or ids to names, or the output of "
                                          "'aws connect list-...'");
        return false;
    }
    if (add_summary_lists(r, ds, root))
        return true;
    for (uint32_t i = 0; i < root->count; i++) {
        const cc_node *k = root->pairs[i].key, *v = root->pairs[i].value;
        if (is_text(v))
            add_pair(r, k->text, v->text);
        else if (v->type == CC_NODE_MAP) /* grouped: queues: {...}, flows: {...} */
            for (uint32_t j = 0; j < v->count; j++) {
                if (is_text(v->pairs[j].value))
                    add_pair(r, v->pairs[j].key->text, v->pairs[j].value->text);
                else
                    cc_report(ds, CC_E106, v->pairs[j].value->loc, "expected a name or an ARN, not %s",
                              cc_node_type_name(v->pairs[j].value));
            }
        else
            cc_report(ds, CC_E106, v->loc, "expected a name or an ARN, not %s", cc_node_type_name(v));
    }
    return true;
}

bool cc_connect_is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (!s[i])
            return false;
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return s[sizeof shape - 1] == '\0';
}

bool cc_connect_has_placeholder(const char *s)
{
    const char *p;
    if (strstr(s, "${") || strstr(s, "{{"))
        return true;
    /* %%Name%% and %Name% as deployment scripts write them */
    if ((p = strchr(s, '%')) != NULL) {
        const char *q = p + 1 + (p[1] == '%');
        size_t n = 0;
        while (isalnum((unsigned char)q[n]) || q[n] == '_')
            n++;
        if (n && q[n] == '%')
            return true;
    }
    return false;
}

bool cc_connect_looks_like_id(const char *text)
{
    return !strncmp(text, "arn:", 4) || cc_connect_is_uuid(text) || cc_connect_has_placeholder(text);
}
