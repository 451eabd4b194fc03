/* scenario.h — `ccflow run` and `ccflow test`: a scenario file drives the VM on a virtual clock
 * (SPEC §8), deterministically: the same file and seed give the same output, byte for byte. */
#ifndef CCFLOW_SCENARIO_H
#define CCFLOW_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    const char *records_path; /* contact records as JSON lines, or NULL */
    bool report;              /* print the per-queue report and the totals line */
    bool expectations;        /* check the scenario's `expect` list */
    bool progress;            /* show progress on standard error (a terminal) */
    bool color;
    bool trace;               /* print a trace line for every block entered and every change */
    const char *until;        /* a duration that replaces the scenario's `until`, or NULL */
    bool stats;               /* print the memory the run used per contact (Linux /proc) */
    const char *restart_at;   /* save the VM's state at this offset, restore it into a new VM and
                                 go on there (proves that a saved state resumes exactly), or NULL */
} cc_scenario_options;

typedef struct {
    int status; /* 0 ran, 1 problems in the scenario or its flows, 2 I/O */
    unsigned passed, failed; /* expectations */
} cc_scenario_result;

cc_scenario_result cc_scenario_run(const char *path, const cc_scenario_options *opts, FILE *out);

#endif
