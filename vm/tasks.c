/* tasks.c — the StartTaskContact request's own rules and task templates (tasks.h). Every message
 * starts with the exception name the Amazon Connect API would raise. */
#include "tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const carried_types[] = {"name",  "description", "url",     "number",        "text",
                                            "text_area", "date_time", "boolean", "single_select", "email"};
static const char *const setting_types[] = {"scheduled_time", "quick_connect", "self_assign", "expiry_duration"};

bool cc_template_field_type_known(const char *type)
{
    for (size_t i = 0; i < CC_ARRAY_LEN(carried_types); i++)
        if (!strcmp(type, carried_types[i]))
            return true;
    for (size_t i = 0; i < CC_ARRAY_LEN(setting_types); i++)
        if (!strcmp(type, setting_types[i]))
            return true;
    return false;
}

/* The reference type a template field's value becomes; NULL for name, description and the
 * settings, which are not references. */
static const char *ref_type_of(const char *field_type)
{
    static const struct {
        const char *field, *ref;
    } map[] = {{"url", "URL"},          {"number", "NUMBER"}, {"text", "STRING"},          {"text_area", "STRING"},
               {"date_time", "DATE"},   {"boolean", "STRING"}, {"single_select", "STRING"}, {"email", "EMAIL"}};
    for (size_t i = 0; i < CC_ARRAY_LEN(map); i++)
        if (!strcmp(field_type, map[i].field))
            return map[i].ref;
    return NULL;
}

bool cc_template_check(const cc_task_template *t, char *err, size_t errlen)
{
    if (!t->name || !*t->name || strlen(t->name) > 100) {
        snprintf(err, errlen, "InvalidParameterException: a task template's name is 1 to 100 characters");
        return false;
    }
    if (t->expiry_ms && (t->expiry_ms < CC_TEMPLATE_EXPIRY_MIN || t->expiry_ms > CC_TEMPLATE_EXPIRY_MAX)) {
        snprintf(err, errlen, "InvalidRequestException: template '%s' expires after 1 minute to 30 days", t->name);
        return false;
    }
    for (size_t i = 0; i < t->fields.len; i++) {
        const cc_template_field *f = &t->fields.items[i];
        if (!f->name || !*f->name || strlen(f->name) > 100) {
            snprintf(err, errlen, "InvalidParameterException: a field name of template '%s' is 1 to 100 characters",
                     t->name);
            return false;
        }
        if (!cc_template_field_type_known(f->type)) {
            snprintf(err, errlen,
                     "InvalidParameterException: field '%s' of template '%s' has type '%s'; expected name, "
                     "description, url, number, text, text_area, date_time, boolean, single_select, email, "
                     "scheduled_time, quick_connect, self_assign or expiry_duration",
                     f->name, t->name, f->type);
            return false;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t->fields.items[j].name, f->name)) {
                snprintf(err, errlen, "InvalidParameterException: template '%s' has two fields named '%s'", t->name,
                         f->name);
                return false;
            }
        if (f->required && f->read_only && !f->default_value) {
            snprintf(err, errlen,
                     "InvalidParameterException: field '%s' of template '%s' is required and read-only, so it "
                     "needs a default",
                     f->name, t->name);
            return false;
        }
    }
    return true;
}

void cc_template_free(cc_task_template *t)
{
    for (size_t i = 0; i < t->fields.len; i++) {
        cc_free(t->fields.items[i].name);
        cc_free(t->fields.items[i].type);
        cc_free(t->fields.items[i].default_value);
    }
    cc_vec_free(&t->fields);
    cc_free(t->name);
    cc_free(t->flow);
}

bool cc_task_attributes_ok(const char *const *keys, const char *const *values, size_t n, size_t existing_bytes,
                           char *err, size_t errlen)
{
    size_t total = existing_bytes;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(keys[i]);
        if (len == 0 || len > 32767) {
            snprintf(err, errlen, "InvalidParameterException: an attribute key is 1 to 32767 characters");
            return false;
        }
        for (const char *p = keys[i]; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                  *p == '_')) {
                snprintf(err, errlen,
                         "InvalidParameterException: attribute key '%.64s' may hold only letters, digits, '-' and '_'",
                         keys[i]);
                return false;
            }
        total += len + strlen(values[i]);
    }
    if (total > CC_TASK_ATTRIBUTES_MAX) {
        snprintf(err, errlen,
                 "InvalidParameterException: the attributes take %zu bytes; a contact holds at most %d across all "
                 "keys and values",
                 total, CC_TASK_ATTRIBUTES_MAX);
        return false;
    }
    return true;
}

/* An epoch timestamp in seconds: digits, with an optional fraction. */
static bool is_epoch(const char *s)
{
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == s)
        return false;
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f)
            return false;
    }
    return *p == '\0';
}

static bool is_number(const char *s)
{
    char *end;
    if (!*s)
        return false;
    (void)strtod(s, &end);
    return *end == '\0';
}

/* A reference as the request gives it: its type, and a value that type allows. */
static bool ref_ok(const char *name, const char *type, const char *value, char *err, size_t errlen)
{
    if (!*name || strlen(name) > 4096) {
        snprintf(err, errlen, "InvalidParameterException: a reference name is 1 to 4096 characters");
        return false;
    }
    if (!strcmp(type, "ATTACHMENT")) {
        snprintf(err, errlen,
                 "InvalidParameterException: reference '%.64s' is an ATTACHMENT, which a task cannot take when it is "
                 "created; use URL, NUMBER, STRING, DATE or EMAIL",
                 name);
        return false;
    }
    if (strcmp(type, "URL") && strcmp(type, "NUMBER") && strcmp(type, "STRING") && strcmp(type, "DATE") &&
        strcmp(type, "EMAIL")) {
        snprintf(err, errlen,
                 "InvalidParameterException: reference '%.64s' has type '%.32s'; expected URL, NUMBER, STRING, DATE "
                 "or EMAIL",
                 name, type);
        return false;
    }
    if (strlen(value) > 4096) {
        snprintf(err, errlen, "InvalidParameterException: the value of reference '%.64s' is longer than 4096",
                 name);
        return false;
    }
    if (!strcmp(type, "DATE") && !is_epoch(value)) {
        snprintf(err, errlen,
                 "InvalidParameterException: reference '%.64s' is a DATE, whose value is an epoch timestamp in "
                 "seconds, not '%.64s'",
                 name, value);
        return false;
    }
    if (!strcmp(type, "NUMBER") && !is_number(value)) {
        snprintf(err, errlen, "InvalidParameterException: reference '%.64s' is a NUMBER, not '%.64s'", name, value);
        return false;
    }
    return true;
}

static const cc_task_ref *find_ref(const cc_task_shape *s, const char *name)
{
    for (size_t i = 0; i < s->refs.len; i++)
        if (!strcmp(s->refs.items[i].name, name))
            return &s->refs.items[i];
    return NULL;
}

/* Applies the template: every reference names one of its fields, read-only fields keep their
 * defaults, defaults fill what is missing, required fields end up with a value. */
static bool apply_template(const cc_task_template *t, cc_task_shape *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->refs.len; i++) {
        const cc_template_field *f = NULL;
        for (size_t j = 0; j < t->fields.len && !f; j++)
            if (!strcmp(t->fields.items[j].name, s->refs.items[i].name) && ref_type_of(t->fields.items[j].type))
                f = &t->fields.items[j];
        if (!f) {
            snprintf(err, errlen, "InvalidParameterException: template '%s' has no field '%.64s' for a reference",
                     t->name, s->refs.items[i].name);
            return false;
        }
        if (strcmp(ref_type_of(f->type), s->refs.items[i].type) != 0) {
            snprintf(err, errlen, "InvalidParameterException: field '%s' of template '%s' takes a %s reference, not %s",
                     f->name, t->name, ref_type_of(f->type), s->refs.items[i].type);
            return false;
        }
    }
    for (size_t j = 0; j < t->fields.len; j++) {
        const cc_template_field *f = &t->fields.items[j];
        const char **slot = !strcmp(f->type, "name") ? &s->name : !strcmp(f->type, "description") ? &s->description : NULL;
        const char *rt = ref_type_of(f->type);
        if (!slot && !rt)
            continue; /* a setting: scheduling, quick connect, self-assignment, expiry */
        const cc_task_ref *r = rt ? find_ref(s, f->name) : NULL;
        bool given = slot ? *slot && **slot : r && *r->value;
        if (given && f->read_only && !(slot && f->default_value && !strcmp(*slot, f->default_value))) {
            snprintf(err, errlen, "InvalidParameterException: field '%s' of template '%s' is read-only", f->name,
                     t->name);
            return false;
        }
        if (!given && f->default_value) {
            if (slot)
                *slot = f->default_value;
            else if (r) /* given empty: the default takes its place */
                ((cc_task_ref *)r)->value = f->default_value;
            else {
                cc_task_ref d = {f->name, rt, f->default_value};
                cc_vec_push(&s->refs, d);
            }
            given = true;
        }
        if (!given && f->required) {
            snprintf(err, errlen, "InvalidParameterException: field '%s' of template '%s' is required", f->name,
                     t->name);
            return false;
        }
    }
    return true;
}

bool cc_task_shape_of(bool needs_name, const char *name, const char *description, const char *const *attr_keys,
                      const char *const *attr_values, size_t nattrs, const char *const *ref_names,
                      const char *const *ref_types, const char *const *ref_values, size_t nrefs,
                      const cc_task_template *tpl, cc_task_shape *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->name = name;
    out->description = description;
    size_t ref_bytes = 0;
    for (size_t i = 0; i < nrefs; i++) {
        if (!ref_ok(ref_names[i], ref_types[i], ref_values[i], err, errlen))
            goto refused;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ref_names[j], ref_names[i])) {
                snprintf(err, errlen, "InvalidParameterException: two references are named '%.64s'", ref_names[i]);
                goto refused;
            }
        ref_bytes += strlen(ref_names[i]) + strlen(ref_values[i]);
        cc_task_ref r = {ref_names[i], ref_types[i], ref_values[i]};
        cc_vec_push(&out->refs, r);
    }
    if (tpl && !apply_template(tpl, out, err, errlen))
        goto refused;
    if (needs_name && !out->name) { /* required, but its minimum length is 0: "" is a name */
        snprintf(err, errlen, "InvalidRequestException: Name is required");
        goto refused;
    }
    if (out->name && strlen(out->name) > CC_TASK_NAME_MAX) {
        snprintf(err, errlen, "InvalidParameterException: Name is %zu characters; at most %d", strlen(out->name),
                 CC_TASK_NAME_MAX);
        goto refused;
    }
    if (out->description && strlen(out->description) > CC_TASK_DESCRIPTION_MAX) {
        snprintf(err, errlen, "InvalidParameterException: Description is %zu characters; at most %d",
                 strlen(out->description), CC_TASK_DESCRIPTION_MAX);
        goto refused;
    }
    ref_bytes = 0;
    for (size_t i = 0; i < out->refs.len; i++)
        ref_bytes += strlen(out->refs.items[i].name) + strlen(out->refs.items[i].value);
    if (ref_bytes > CC_TASK_REFERENCES_MAX) {
        snprintf(err, errlen,
                 "InvalidParameterException: the references take %zu bytes; a task holds at most %d across all "
                 "names and values",
                 ref_bytes, CC_TASK_REFERENCES_MAX);
        goto refused;
    }
    if (!cc_task_attributes_ok(attr_keys, attr_values, nattrs, 0, err, errlen))
        goto refused;
    return true;
refused:
    cc_task_shape_free(out);
    return false;
}

void cc_task_shape_free(cc_task_shape *s) { cc_vec_free(&s->refs); }
