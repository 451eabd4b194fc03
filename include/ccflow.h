/* ccflow.h — the public C API of libccflow.
 *
 * Validation: build a checker, add flow files, directories or in-memory sources, run it, and read
 * the diagnostics (the same ones `ccflow check` prints), or render them as text, JSON or SARIF.
 *
 * Ownership: every handle is created by a *_new function and released by the matching *_free.
 * Strings returned by the library (in ccflow_diagnostic, or by ccflow_check_render) belong to the
 * handle they came from and stay valid until that handle is freed, unless said otherwise; strings
 * passed in are copied. The library keeps no global state: separate handles may be used from
 * separate threads. */
#ifndef CCFLOW_H
#define CCFLOW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCFLOW_VERSION "0.1.0"

const char *ccflow_version(void);

typedef enum { CCFLOW_NOTE, CCFLOW_WARNING, CCFLOW_ERROR } ccflow_severity;

typedef enum { CCFLOW_FORMAT_TEXT, CCFLOW_FORMAT_JSON, CCFLOW_FORMAT_SARIF } ccflow_format;

/* One finding (or one of its notes). Lines and columns are 1-based; 0 when the finding has no
 * place in a file (an unreadable path). end_line/end_column are inclusive. */
typedef struct {
    const char *file;
    unsigned line, column, end_line, end_column;
    ccflow_severity severity;
    const char *code;    /* stable code such as "E401"; NULL for a note */
    const char *message;
    size_t note_count;   /* notes of a finding: read them with ccflow_check_note */
} ccflow_diagnostic;

typedef struct ccflow_check ccflow_check;

/* A new checker; the standard flows are added to the bundle unless ccflow_check_use_stdlib(c, 0). */
ccflow_check *ccflow_check_new(void);
void ccflow_check_free(ccflow_check *c);

void ccflow_check_use_stdlib(ccflow_check *c, int use);

/* Adds a flow file, or every .yaml/.yml file under a directory. Returns 0, or -1 when the path
 * cannot be read (that is also reported as a diagnostic, code E100). */
int ccflow_check_add_path(ccflow_check *c, const char *path);

/* Adds one flow from memory; name is how diagnostics call the file. Returns 0, or -1 when the
 * text holds no usable flow (the reasons are diagnostics). */
int ccflow_check_add_source(ccflow_check *c, const char *name, const char *text, size_t len);

/* Runs every check on the bundle gathered so far; returns the number of errors. Call it once,
 * after the last add. */
int ccflow_check_run(ccflow_check *c);

size_t ccflow_check_error_count(const ccflow_check *c);
size_t ccflow_check_warning_count(const ccflow_check *c);

/* Findings in file/line/column order after ccflow_check_run. Return 0, or -1 when out of range. */
size_t ccflow_check_count(const ccflow_check *c);
int ccflow_check_get(const ccflow_check *c, size_t index, ccflow_diagnostic *out);
int ccflow_check_note(const ccflow_check *c, size_t index, size_t note, ccflow_diagnostic *out);

/* Every finding rendered as `ccflow check --format ...` prints it (text without colour). The
 * string belongs to the checker and is replaced by the next call. NULL on allocation failure. */
const char *ccflow_check_render(ccflow_check *c, ccflow_format format);

#ifdef __cplusplus
}
#endif

#endif
