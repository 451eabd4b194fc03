/* json_writer.h — the one writer of every JSON text ccflow produces: it keeps the nesting, the
 * commas and the escaping itself, so what it writes is valid JSON (and valid UTF-8) whatever it is
 * asked to write. */
#ifndef CCFLOW_JSON_WRITER_H
#define CCFLOW_JSON_WRITER_H

#include "util.h"

/* A writer appends one JSON value to a buffer. Misuse (a key outside an object, a value without
 * its key, an end that closes nothing or the other kind of container, a second top-level value)
 * is recorded in `misuse` and the call is dropped or repaired (a pending key gets null, an end
 * closes the container that is open), so the text stays valid; cc_jw_finish reports it.
 *
 * Layout: containers nested fewer than `pretty` levels deep put each member on a line of its own,
 * indented two spaces a level; deeper ones are written on one line, with ", " and ": " when
 * `spaced`, else "," and ":". So pretty 0 is compact (or spaced) text, pretty UINT_MAX is fully
 * indented, and pretty 1 is an array of one-line objects (`check --format json`). */
typedef struct {
    cc_buf *out;
    unsigned pretty;
    bool spaced;
    bool done;           /* the top-level value is complete */
    const char *misuse;  /* the first misuse, or NULL */
    size_t depth;        /* open containers */
    size_t cap;          /* of levels */
    unsigned char *levels; /* per open container: CC_JW_OBJECT, CC_JW_MEMBERS, CC_JW_KEY bits */
    unsigned char inline_levels[24]; /* levels of shallow texts, so records allocate nothing */
} cc_jw;

void cc_jw_init(cc_jw *w, cc_buf *out, unsigned pretty, bool spaced);
/* Closes whatever is still open and releases the writer; false when it was misused (or wrote
 * nothing, in which case it writes null). */
bool cc_jw_finish(cc_jw *w);

void cc_jw_object(cc_jw *w);
void cc_jw_object_end(cc_jw *w);
void cc_jw_array(cc_jw *w);
void cc_jw_array_end(cc_jw *w);
void cc_jw_key(cc_jw *w, const char *key);
void cc_jw_string(cc_jw *w, const char *s);            /* NULL writes null */
void cc_jw_string_n(cc_jw *w, const char *s, size_t n); /* n bytes; NUL bytes become \u0000 */
void cc_jw_int(cc_jw *w, int64_t v);
void cc_jw_bool(cc_jw *w, bool v);
void cc_jw_null(cc_jw *w);
/* The text as a number when it is one in JSON's grammar (RFC 8259 §6); otherwise as a string,
 * returning false. */
bool cc_jw_number(cc_jw *w, const char *text);

/* A key and its value in one call. */
void cc_jw_kv_string(cc_jw *w, const char *key, const char *s); /* NULL writes null */
void cc_jw_kv_int(cc_jw *w, const char *key, int64_t v);

/* Whether s is a whole number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
bool cc_jw_is_number(const char *s);

/* s (n bytes) as a quoted JSON string: escaped, and valid UTF-8 (each byte that does not start a
 * valid sequence becomes U+FFFD). For text formats that quote names JSON's way (ir, disasm). */
void cc_jw_quote(cc_buf *out, const char *s, size_t n);

#endif
