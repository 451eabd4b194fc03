/* bytecode.h — the .ccfb bundle format and its loader: every byte is verified before anything
 * runs or prints it, so malformed input is refused with a message, never followed.
 *
 * Layout (little-endian, all integers u32 unless said):
 *   header   "CCFB", u16 version, u16 flags (bit 0: a source map follows), u32 CRC-32 of every
 *            byte after the header, u32 total size                                   (16 bytes)
 *   strings  count, then per string: length, bytes (UTF-8, no NUL)
 *   flows    count, then per flow: name (string), type, channels (bits 0-3; bit 8 declared),
 *            start (code offset), block count, per block: id (string), code offset; then code
 *            length and the code
 *   srcmap   (flag bit 0) file count, per file: length, bytes; entry count, per entry:
 *            flow, code offset, file, line, column
 * Code offsets are relative to the flow's code. Instructions: see opcodes.h. */
#ifndef CCFLOW_BYTECODE_H
#define CCFLOW_BYTECODE_H

#include "opcodes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CCFB_MAGIC "CCFB"
#define CCFB_VERSION 1
#define CCFB_HEADER_SIZE 16
#define CCFB_FLAG_SOURCE_MAP 1u
#define CCFB_NO_TARGET 0xffffffffu

/* Value operands: a tag in the top three bits, a payload below. */
enum {
    CCFB_VAL_NONE = 0, /* payload 0: no value (an optional parameter left out) */
    CCFB_VAL_STR = 1,  /* payload: string index of the text */
    CCFB_VAL_NUM = 2,  /* payload: string index of the number as written */
    CCFB_VAL_REF = 3,  /* payload: string index of a $. reference */
    CCFB_VAL_BOOL = 4, /* payload: 0 or 1 */
    CCFB_VAL_JSON = 5, /* payload: string index of a JSON text (a mapping or list parameter) */
};
#define CCFB_VAL(tag, payload) (((uint32_t)(tag) << 29) | ((uint32_t)(payload) & 0x1fffffffu))
#define CCFB_VAL_TAG(v) ((v) >> 29)
#define CCFB_VAL_PAYLOAD(v) ((v) & 0x1fffffffu)

typedef struct {
    const uint8_t *text;
    uint32_t len;
} ccfb_string;

typedef struct {
    uint32_t id;  /* string */
    uint32_t pc;
} ccfb_block;

typedef struct {
    uint32_t name; /* string */
    uint32_t type;
    uint32_t channels; /* bits 0-3, bit 8 declared */
    uint32_t start;
    uint32_t nblocks;
    const uint8_t *blocks; /* nblocks x (id, pc), read with ccfb_flow_block */
    const uint8_t *code;
    uint32_t code_len;
} ccfb_flow;

typedef struct {
    uint32_t flow, pc, file, line, col;
} ccfb_srcmap_entry;

/* A verified bundle. It points into the bytes it was loaded from, which must outlive it. */
typedef struct {
    const uint8_t *bytes;
    size_t size;
    uint16_t version, flags;
    uint32_t nstrings;
    ccfb_string *strings;
    uint32_t nflows;
    ccfb_flow *flows;
    uint32_t nfiles;
    ccfb_string *files;
    uint32_t nsrcmap;
    ccfb_srcmap_entry *srcmap;
} ccfb_module;

uint32_t ccfb_crc32(const uint8_t *data, size_t len);

/* Verifies and indexes a bundle. Returns false with a message in err (one line) when any byte is
 * wrong. check_crc false skips the checksum (to test the verifier behind it). */
bool ccfb_load(ccfb_module *m, const uint8_t *bytes, size_t size, bool check_crc, char *err, size_t errlen);
void ccfb_free(ccfb_module *m);

ccfb_block ccfb_flow_block(const ccfb_flow *f, uint32_t i);
uint32_t ccfb_read_u32(const uint8_t *p);

/* Size in bytes of the instruction at code[pc] (already verified). */
uint32_t ccfb_insn_size(const uint8_t *code, uint32_t pc);

/* Calls fn with each operand of the instruction at code[pc] (already verified) and its kind, the
 * letter of opcodes.h ('v' a value, 's' a string...). */
void ccfb_each_operand(const uint8_t *code, uint32_t pc, void *ctx, bool (*fn)(void *ctx, char kind, uint32_t value));

/* The catalogue index of the kind whose parameters an instruction's `p` operands name when the
 * opcode implies it (CREATE_TASK is create_task's); 0 where a `k` operand says (BLOCK). */
uint32_t ccfb_implied_kind(uint8_t op);

/* The small enumerations that operands carry (o, h, a, S, M in opcodes.h) are the catalogue's
 * tables: cc_case_ops, cc_hooks, cc_attr_targets, cc_staffing, cc_queue_metrics, by code. */

/* Prints a verified bundle one instruction a line: offset, opcode, operands with names resolved
 * (strings, flows, block kinds, jump targets as block ids), the source location when the bundle
 * has a source map, and the opcode's synopsis. */
struct cc_buf;
void ccfb_disasm(const ccfb_module *m, struct cc_buf *out);

#endif
