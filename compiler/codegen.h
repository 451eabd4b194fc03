/* codegen.h — lowers a checked bundle's flow IR to a .ccfb bundle (vm/bytecode.h). */
#ifndef CCFLOW_CODEGEN_H
#define CCFLOW_CODEGEN_H

#include "ir.h"

/* Appends the bundle's bytes to out. The bundle must have been checked without errors. Output is
 * deterministic: the same flows give the same bytes. strip leaves the source map out, so that the
 * same flows spelt in YAML or in the DSL give identical bytes. */
void cc_codegen(const cc_bundle *b, bool strip, cc_buf *out);

#endif
