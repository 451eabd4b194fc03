/* opcodes.h — the one opcode table of ccflow's bytecode. Every instruction is an opcode byte
 * followed by operands of fixed width (4 bytes, little-endian) whose kinds the format string
 * gives; "*" repeats the group after it as many times as the count operand before it says.
 * The enum, the names, the operand formats, the verifier, the disassembler and the VM's dispatch
 * all come from this table.
 *
 * Conventions: an action sets the fiber's outcome register; the SWITCH after it jumps by outcome.
 * Outcome 0 is the block's success path (`next`); outcomes 1.. are the block's other branches in
 * catalogue order, a kind's cases standing in for its "cases" entry, one outcome per case.
 *
 * Operand kinds:
 *   v  value: a tagged operand (string, whole number, reference or none; see bytecode.h)
 *   s  string-pool index            k  block kind (catalogue index)
 *   f  flow-table index             i  unsigned whole number
 *   d  duration in milliseconds     L  code offset in the flow, or CCFB_NO_TARGET
 *   n  count of the repeated group that follows ("*")
 *   o  case operator (equals, contains, starts_with, ends_with, greater_than, less_than,
 *      greater_or_equal, less_or_equal, percent)   h  event hook   a  attribute target
 *   S  staffing status (available, staffed, online) M  queue metric (time_in_queue, queue_size)
 *   p  parameter index of the block's kind (catalogue order)
 *
 * X(name, operands, flags, synopsis) — flags: J has code offsets, Y may suspend the fiber, E never
 * continues with the next instruction (so a flow's code must end with one). */
#ifndef CCFLOW_OPCODES_H
#define CCFLOW_OPCODES_H

#define CC_OPCODES(X)                                                                                         \
    X(NOP,            "",         "",   "nothing")                                                           \
    X(SWITCH,         "n*L",      "JE", "pc <- L[outcome]; the flow ends when that branch has no target")    \
    X(JUMP,           "L",        "JE", "pc <- L")                                                           \
    X(END_FLOW,       "",         "E",  "the flow ends here (end_flow, or a path with no target)")           \
    X(DISCONNECT,     "",         "E",  "disconnect the contact")                                            \
    X(SET_QUEUE,      "v",        "",   "working queue <- v; outcome ok | error")                            \
    X(TRANSFER_QUEUE, "v",        "Y",  "queue the contact (in v, or the working queue); outcome at_capacity | error") \
    X(CHECK_STAFFING, "Sv",       "",   "agents of queue v (working queue if none) with status S > 0?; outcome true | false | error") \
    X(CHECK_QUEUE,    "Mvn*ov",   "",   "metric M of queue v against each case (operator, operand); outcome case | no_match | error") \
    X(CHECK_HOURS,    "v",        "",   "hours v (the working queue's if none) open now?; outcome in_hours | out_of_hours | error") \
    X(COMPARE,        "vn*ov",    "",   "v against each case (operator, operand) in order; outcome first case that holds | no_match") \
    X(SET_ATTRIBUTES, "an*sv",    "",   "attributes of target a (current, related, flow) <- each (key s, value v); outcome ok | error") \
    X(SET_PRIORITY,   "v",        "",   "routing priority <- v")                                             \
    X(ADJUST_AGE,     "d",        "",   "routing age += d (signed milliseconds)")                            \
    X(CREATE_TASK,    "n*pv",     "",   "start a task from parameters (parameter p, value v); outcome ok | error") \
    X(DISTRIBUTE,     "n*i",      "",   "outcome bucket by the seeded percentages i | default")              \
    X(GET_METRICS,    "vv",       "",   "$.Metrics <- metrics of queue v (working queue if none) for channel v; outcome ok | error") \
    X(INVOKE,         "vdn*sv",   "Y",  "call function v with timeout d and parameters (key s, value v); $.External <- result; outcome ok | error") \
    X(LOOP,           "iv",       "",   "counter of block i below count v: count it, outcome looping; else reset it, outcome complete") \
    X(SET_HOOK,       "hf",       "",   "event hook h <- flow f (customer queue, disconnect, agent or customer whisper, hold...); outcome ok | error") \
    X(TRANSFER_FLOW,  "f",        "",   "continue in flow f; outcome error when it cannot") \
    X(WAIT,           "d",        "Y",  "suspend for d; outcome timeout | error | customer_returned")      \
    X(PROMPT,         "v",        "",   "play or send text v (a trace event); outcome ok | error")           \
    X(LOOP_PROMPTS,   "dn*v",     "Y",  "play the prompts v in turn until interrupted after d; outcome timeout | error") \
    X(GET_INPUT,      "vdn*v",    "Y",  "prompt v, wait up to d for one of the options v; outcome option | timeout | no_match | error") \
    X(STORE_INPUT,    "vid",      "Y",  "prompt v, store up to i digits within d; outcome ok | error")      \
    X(BLOCK,          "kn*pv",    "",   "a block of kind k with parameters (parameter p, value v): its channel behaviour and a trace event; outcome ok | its branches") \
    X(CALL_MODULE,    "f",        "",   "run flow module f, coming back after this instruction with outcome ok when it returns; outcome error when it cannot") \
    X(RETURN,         "",         "E",  "back to the flow that invoked this module (the flow ends when none did)") \
    X(SET_HOOK_NAMED, "hv",       "",   "event hook h <- the flow named v at run time; outcome ok | error (no such flow, or not of the hook's type)") \
    X(TRANSFER_NAMED, "v",        "",   "continue in the inbound or transfer flow named v at run time; outcome error when there is none") \
    X(CALL_NAMED,     "v",        "",   "run the flow module named v at run time, as CALL_MODULE; outcome error when there is none") \
    X(WAIT_FOR,       "v",        "Y",  "suspend for v seconds, read when the block runs (0 to 7 days); outcome timeout | error")

typedef enum {
#define CC_OP_ENUM(name, operands, flags, synopsis) CC_OP_##name,
    CC_OPCODES(CC_OP_ENUM)
#undef CC_OP_ENUM
        CC_OP_COUNT
} cc_opcode;

typedef struct {
    const char *name;
    const char *operands;
    const char *flags;
    const char *synopsis;
} cc_opcode_info;

extern const cc_opcode_info cc_opcode_infos[CC_OP_COUNT];

#endif
