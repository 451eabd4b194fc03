/* tasks.h — the StartTaskContact request's own rules (name, description, attributes, references)
 * and what a task template asks of it, before the runtime looks at flows, contacts and agents. */
#ifndef CCFLOW_TASKS_H
#define CCFLOW_TASKS_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_TASK_NAME_MAX 1024
#define CC_TASK_DESCRIPTION_MAX 4096
#define CC_TASK_ATTRIBUTES_MAX 32768 /* UTF-8 bytes across all keys and values */
#define CC_TASK_REFERENCES_MAX 4096  /* UTF-8 bytes across all reference names and values */
#define CC_TASK_LINKS_MAX 12         /* tasks a PreviousContactId chain may link */
#define CC_TEMPLATE_EXPIRY_MIN 60000ll
#define CC_TEMPLATE_EXPIRY_MAX (30ll * 86400000)
#define CC_CONTACT_EXPIRY_MAX (30ll * 86400000) /* SPEC §7 keeps the seed's 30 days */

/* A field of a task template. Types: name, description, url, number, text, text_area, date_time,
 * boolean, single_select, email (what a task carries), and scheduled_time, quick_connect,
 * self_assign, expiry_duration (how it is started: no value of their own here). */
typedef struct {
    char *name, *type, *default_value; /* default_value NULL: none */
    bool required, read_only;
} cc_template_field;

typedef struct {
    char *name;
    char *flow;        /* the flow tasks from it run, or NULL: the request names one */
    int64_t expiry_ms; /* 0: the default (7 days) */
    bool active;
    bool self_assign; /* tasks from it may be assigned to the agent who creates them */
    CC_VEC(cc_template_field) fields;
} cc_task_template;

/* The field types a template may use; false for another. */
bool cc_template_field_type_known(const char *type);
/* Checks a template's own rules (name, fields, expiry); false with the reason. */
bool cc_template_check(const cc_task_template *t, char *err, size_t errlen);
void cc_template_free(cc_task_template *t);

typedef struct {
    const char *name, *type, *value; /* type: URL, NUMBER, STRING, DATE or EMAIL */
} cc_task_ref;

/* What a task gets from its request and template: name, description, references (pointing into
 * the request and the template). */
typedef struct {
    const char *name, *description;
    CC_VEC(cc_task_ref) refs;
} cc_task_shape;

/* Applies the request's own rules and its template's (NULL: none) to the name (required for
 * tasks: needs_name), description, attributes and references given. False with "Exception: reason" in err; nothing is kept. */
bool cc_task_shape_of(bool needs_name, const char *name, const char *description, const char *const *attr_keys,
                      const char *const *attr_values, size_t nattrs, const char *const *ref_names,
                      const char *const *ref_types, const char *const *ref_values, size_t nrefs,
                      const cc_task_template *tpl, cc_task_shape *out, char *err, size_t errlen);
void cc_task_shape_free(cc_task_shape *s);

/* Attribute rules alone (UpdateContactAttributes takes the same): keys of letters, digits, '-'
 * and '_', and at most CC_TASK_ATTRIBUTES_MAX bytes with those already there (existing_bytes). */
bool cc_task_attributes_ok(const char *const *keys, const char *const *values, size_t n, size_t existing_bytes,
                           char *err, size_t errlen);

#endif
