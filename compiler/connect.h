/* connect.h — Amazon Connect Flow-language JSON: recognising it, reading it as a ccflow document
 * (import) and writing a flow back as Flow-language JSON (export); resource names for ARNs. */
#ifndef CCFLOW_CONNECT_H
#define CCFLOW_CONNECT_H

#include "ir.h"

/* ARNs and ids of Connect resources (flows, queues, hours, prompts, Lambdas...) and their names. */
typedef struct cc_resources {
    cc_arena arena;
    cc_map by_id;   /* ARN or id -> name */
    cc_map by_name; /* name -> ARN (the first given), for export */
} cc_resources;

void cc_resources_init(cc_resources *r);
void cc_resources_free(cc_resources *r);
/* Reads a mapping file: a YAML or JSON mapping of ARN-or-id to name (or name to ARN), or what
 * `aws connect list-contact-flows`, `list-queues`, `list-hours-of-operations`, `list-prompts`...
 * print (a `...SummaryList` of objects with Arn, Id and Name). Problems go to ds; false when the
 * file cannot be used at all. */
bool cc_resources_load(cc_resources *r, cc_diags *ds, const char *path);
/* The name of a resource given by ARN or id, or NULL when unknown. */
const char *cc_resources_name(const cc_resources *r, const char *arn_or_id);

/* Whether a text looks like an ARN, a Connect id (UUID) or a template placeholder rather than a
 * name: a reference like that which resolves to nothing points outside the bundle. */
bool cc_connect_looks_like_id(const char *text);
/* Whether text holds a deployment tool's placeholder (${Name}, {{name}}, %Name%, %%Name%%), and
 * whether it is a Connect id (a UUID, 8-4-4-4-12 hexadecimal digits). */
bool cc_connect_has_placeholder(const char *s);
bool cc_connect_is_uuid(const char *s);

/* Why an action identifier breaks Connect's rules (at most 50 characters, none of
 * % : ( \ / ) = $ , ; [ ] { }, not a reserved word such as __proto__), or NULL when it keeps them;
 * buf (n bytes) may hold the message. */
const char *cc_connect_identifier_problem(const char *id, char *buf, size_t n);

/* What the JSON tree of a file is. */
typedef enum {
    CC_CONNECT_FLOW,   /* a Flow-language document: Version and Actions */
    CC_CONNECT_LEGACY, /* the older export format: `modules` */
    CC_CONNECT_OTHER   /* some other JSON: not a flow */
} cc_connect_kind;
cc_connect_kind cc_connect_classify(const cc_node *root);

/* Reads a Flow-language document as the ccflow document tree of its flow, every node placed at
 * the JSON value it comes from; Connect's own rules (limits, identifiers, action types) are
 * checked on the way. `default_type` is the flow type when Metadata has none (-1: inbound, with
 * a note). Never NULL for a CC_CONNECT_FLOW tree. */
cc_node *cc_connect_to_doc(cc_arena *arena, cc_diags *ds, const cc_resources *res, int default_type, uint32_t file,
                           const char *path, const cc_node *root);

/* Writes a flow as Flow-language JSON: identifiers, parameters and layout from its `connect`
 * metadata where it has them, made up otherwise. */
void cc_connect_export(const cc_bundle *b, const cc_flow *f, const cc_resources *res, cc_buf *out);

#endif
