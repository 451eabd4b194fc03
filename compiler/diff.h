/* diff.h — `ccflow diff`: a semantic comparison of two checked bundles (flows by name, blocks by
 * Connect identifier, id, then structure) and of the channel verdicts each one draws. */
#ifndef CCFLOW_DIFF_H
#define CCFLOW_DIFF_H

#include "ir.h"

typedef enum { CC_DIFF_TEXT, CC_DIFF_MARKDOWN, CC_DIFF_JSON } cc_diff_format;

/* Compares two bundles that cc_bundle_load_and_check has read and checked, each with its own
 * diagnostics (the channel verdicts E401, W402 and E403 are read from them), and appends the
 * report in the chosen format to out. Returns whether they differ in meaning. */
bool cc_diff_bundles(const cc_bundle *old_b, const cc_bundle *new_b, cc_diff_format format, cc_buf *out);

#endif
