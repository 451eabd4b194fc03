/* bytecode.c — the .ccfb loader: checksum, then every section, instruction and operand verified. */
#include "bytecode.h"

#include "catalog.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t ccfb_implied_kind(uint8_t op)
{
    /* only an instruction with parameter operands and no kind operand asks (the verifier and the
     * disassembler call this for every instruction) */
    if (op >= CC_OP_COUNT || !strchr(cc_opcode_infos[op].operands, 'p') || strchr(cc_opcode_infos[op].operands, 'k'))
        return 0;
    const cc_block_spec *k = cc_op_kind((cc_opcode)op);
    return k ? (uint32_t)(k - cc_blocks) : 0;
}

uint32_t ccfb_crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
    }
    return ~crc;
}

uint32_t ccfb_read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

ccfb_block ccfb_flow_block(const ccfb_flow *f, uint32_t i)
{
    return (ccfb_block){ccfb_read_u32(f->blocks + 8u * i), ccfb_read_u32(f->blocks + 8u * i + 4)};
}

/* A bounded cursor over the bytes: every read checks that the bytes are there. */
typedef struct {
    const uint8_t *p, *end;
    char *err;
    size_t errlen;
    bool failed;
} cursor;

static bool fail(cursor *c, const char *fmt, ...)
{
    if (!c->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
        c->failed = true;
    }
    return false;
}

static bool take_u32(cursor *c, uint32_t *out, const char *what)
{
    if (c->failed)
        return false;
    if ((size_t)(c->end - c->p) < 4)
        return fail(c, "truncated: the bundle ends inside %s", what);
    *out = ccfb_read_u32(c->p);
    c->p += 4;
    return true;
}

static bool take_bytes(cursor *c, uint32_t n, const uint8_t **out, const char *what)
{
    if (c->failed)
        return false;
    if ((size_t)(c->end - c->p) < n)
        return fail(c, "truncated: %s runs past the end of the bundle", what);
    *out = c->p;
    c->p += n;
    return true;
}

/* A table of texts: a count, then each text as a length and its bytes, UTF-8 without NUL; the
 * texts point into the bundle. `what` names one text in messages ("string", "source file name"). */
static void take_texts(cursor *c, uint32_t *count, ccfb_string **texts, const char *what)
{
    char part[64];
    uint32_t n = 0;
    snprintf(part, sizeof part, "the %s count", what);
    if (take_u32(c, &n, part) && n > (size_t)(c->end - c->p) / 4)
        fail(c, "%u %ss cannot fit in the bundle", n, what);
    if (c->failed)
        return;
    *count = n;
    *texts = cc_xcalloc(n ? n : 1, sizeof **texts);
    snprintf(part, sizeof part, "a %s", what);
    for (uint32_t i = 0; i < n && !c->failed; i++) {
        uint32_t len = 0;
        const uint8_t *text = NULL;
        if (take_u32(c, &len, part) && take_bytes(c, len, &text, part)) {
            if (!cc_utf8_valid((const char *)text, len) || memchr(text, 0, len))
                fail(c, "%s %u is not valid UTF-8 text", what, i);
            (*texts)[i] = (ccfb_string){text, len};
        }
    }
}

/* Operands of an instruction: calls check for each, in order, with the operand kind. Returns the
 * instruction's size, or 0 when it does not fit in `avail` bytes. */
static uint32_t walk_operands(const uint8_t *code, uint32_t avail, const char *fmt, void *ctx,
                              bool (*check)(void *ctx, char kind, uint32_t value))
{
    uint32_t at = 1;
    for (const char *f = fmt; *f; f++) {
        if (*f == '*') {
            uint32_t count = ccfb_read_u32(code + at - 4);
            const char *group = f + 1;
            size_t glen = strlen(group);
            if (glen == 0 || (uint64_t)count * glen * 4 > avail - at)
                return 0;
            for (uint32_t r = 0; r < count; r++)
                for (size_t g = 0; g < glen; g++) {
                    if (check && !check(ctx, group[g], ccfb_read_u32(code + at)))
                        return 0;
                    at += 4;
                }
            return at;
        }
        if (avail - at < 4)
            return 0;
        uint32_t v = ccfb_read_u32(code + at);
        if (check && !check(ctx, *f, v))
            return 0;
        at += 4;
    }
    return at;
}

uint32_t ccfb_insn_size(const uint8_t *code, uint32_t pc)
{
    return walk_operands(code + pc, 0xffffffffu - pc, cc_opcode_infos[code[pc]].operands, NULL, NULL);
}

void ccfb_each_operand(const uint8_t *code, uint32_t pc, void *ctx, bool (*fn)(void *ctx, char kind, uint32_t value))
{
    walk_operands(code + pc, 0xffffffffu - pc, cc_opcode_infos[code[pc]].operands, ctx, fn);
}

typedef struct {
    const ccfb_module *m;
    uint32_t kind;      /* the block kind whose parameters 'p' operands name */
    const bool *starts; /* pass 2: instruction boundaries of the flow's code */
    uint32_t code_len;
    char *err;
    size_t errlen;
    uint32_t flow, pc;
} operand_check;

static bool operand_ok(void *ctx, char kind, uint32_t v)
{
    operand_check *oc = ctx;
    const char *why = NULL;
    switch (kind) {
    case 'v': {
        uint32_t tag = CCFB_VAL_TAG(v), payload = CCFB_VAL_PAYLOAD(v);
        if (tag == CCFB_VAL_NONE && payload != 0)
            why = "an empty value with a payload";
        else if (tag == CCFB_VAL_BOOL && payload > 1)
            why = "a boolean that is neither 0 nor 1";
        else if ((tag == CCFB_VAL_STR || tag == CCFB_VAL_NUM || tag == CCFB_VAL_REF || tag == CCFB_VAL_JSON) &&
                 payload >= oc->m->nstrings)
            why = "a value naming a string past the string pool";
        else if (tag > CCFB_VAL_JSON)
            why = "a value of unknown kind";
        break;
    }
    case 's':
        if (v >= oc->m->nstrings)
            why = "a string index past the string pool";
        break;
    case 'f':
        if (v >= oc->m->nflows)
            why = "a flow index past the flow table";
        break;
    case 'k':
        if (v >= (uint32_t)cc_block_count)
            why = "an unknown block kind";
        else
            oc->kind = v;
        break;
    case 'o':
        if (v >= (uint32_t)CC_CASE_OP_COUNT)
            why = "an unknown case operator";
        break;
    case 'h':
        if (v >= (uint32_t)CC_HOOK_COUNT)
            why = "an unknown event hook";
        break;
    case 'a':
        if (v >= (uint32_t)CC_ATTR_TARGET_COUNT)
            why = "an unknown attribute target";
        break;
    case 'S':
        if (v >= (uint32_t)CC_STAFF_COUNT)
            why = "an unknown staffing status";
        break;
    case 'M':
        if (v >= (uint32_t)CC_QMETRIC_COUNT)
            why = "an unknown queue metric";
        break;
    case 'p': {
        const cc_block_spec *spec = &cc_blocks[oc->kind];
        uint32_t n = 0;
        while (spec->params[n].name)
            n++;
        if (v >= n)
            why = "a parameter the block's kind does not have";
        break;
    }
    case 'L':
        if (oc->starts && v != CCFB_NO_TARGET && (v >= oc->code_len || !oc->starts[v]))
            why = "a jump to an offset that is not the start of an instruction";
        break;
    default:
        break;
    }
    if (why) {
        snprintf(oc->err, oc->errlen, "flow %u, offset %u: %s (0x%08x)", oc->flow, oc->pc, why, v);
        return false;
    }
    return true;
}

static bool verify_code(ccfb_module *m, uint32_t fi, char *err, size_t errlen)
{
    ccfb_flow *f = &m->flows[fi];
    bool *starts = cc_xcalloc(f->code_len + 1, sizeof *starts);
    operand_check oc = {m, 0, NULL, f->code_len, err, errlen, fi, 0};
    bool ok = true;
    uint32_t last = 0;
    /* pass 1: opcodes, operand counts and kinds, instruction boundaries */
    for (uint32_t pc = 0; ok && pc < f->code_len;) {
        uint8_t op = f->code[pc];
        oc.pc = pc;
        oc.kind = ccfb_implied_kind(op);
        if (op >= CC_OP_COUNT) {
            snprintf(err, errlen, "flow %u, offset %u: unknown opcode %u", fi, pc, op);
            ok = false;
            break;
        }
        uint32_t size = walk_operands(f->code + pc, f->code_len - pc, cc_opcode_infos[op].operands, &oc, operand_ok);
        if (!size) {
            if (!strstr(err, "offset"))
                snprintf(err, errlen, "flow %u, offset %u: %s runs past the end of the flow's code", fi, pc,
                         cc_opcode_infos[op].name);
            ok = false;
            break;
        }
        starts[pc] = true;
        last = pc;
        pc += size;
    }
    if (ok && f->code_len == 0) {
        snprintf(err, errlen, "flow %u has no code", fi);
        ok = false;
    }
    if (ok && !strchr(cc_opcode_infos[f->code[last]].flags, 'E')) {
        snprintf(err, errlen, "flow %u: its code runs off the end after %s at offset %u", fi,
                 cc_opcode_infos[f->code[last]].name, last);
        ok = false;
    }
    /* pass 2: jump targets land on instructions */
    oc.starts = starts;
    for (uint32_t pc = 0; ok && pc < f->code_len;) {
        oc.pc = pc;
        oc.kind = ccfb_implied_kind(f->code[pc]);
        uint32_t size = walk_operands(f->code + pc, f->code_len - pc, cc_opcode_infos[f->code[pc]].operands, &oc,
                                      operand_ok);
        if (!size)
            ok = false;
        pc += size ? size : 1;
    }
    if (ok && (f->start >= f->code_len || !starts[f->start])) {
        snprintf(err, errlen, "flow %u: its start offset %u is not an instruction", fi, f->start);
        ok = false;
    }
    for (uint32_t b = 0; ok && b < f->nblocks; b++) {
        ccfb_block blk = ccfb_flow_block(f, b);
        if (blk.id >= m->nstrings || blk.pc >= f->code_len || !starts[blk.pc]) {
            snprintf(err, errlen, "flow %u: block %u has a bad id or offset", fi, b);
            ok = false;
        }
    }
    for (uint32_t e = 0; ok && e < m->nsrcmap; e++)
        if (m->srcmap[e].flow == fi && (m->srcmap[e].pc >= f->code_len || !starts[m->srcmap[e].pc])) {
            snprintf(err, errlen, "source map entry %u points inside an instruction of flow %u", e, fi);
            ok = false;
        }
    cc_free(starts);
    return ok;
}

bool ccfb_load(ccfb_module *m, const uint8_t *bytes, size_t size, bool check_crc, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (errlen)
        err[0] = '\0';
    m->bytes = bytes;
    m->size = size;
    if (size < CCFB_HEADER_SIZE || memcmp(bytes, CCFB_MAGIC, 4) != 0) {
        snprintf(err, errlen, "not a ccflow bundle (no CCFB header)");
        return false;
    }
    m->version = (uint16_t)(bytes[4] | bytes[5] << 8);
    m->flags = (uint16_t)(bytes[6] | bytes[7] << 8);
    if (m->version != CCFB_VERSION) {
        snprintf(err, errlen, "bundle format version %u; this ccflow reads version %u", m->version, (unsigned)CCFB_VERSION);
        return false;
    }
    if (m->flags & ~CCFB_FLAG_SOURCE_MAP) {
        snprintf(err, errlen, "unknown header flags 0x%04x", m->flags);
        return false;
    }
    if (ccfb_read_u32(bytes + 12) != size) {
        snprintf(err, errlen, "the bundle is %zu bytes but its header says %u: truncated or extended", size,
                 ccfb_read_u32(bytes + 12));
        return false;
    }
    if (check_crc && ccfb_read_u32(bytes + 8) != ccfb_crc32(bytes + CCFB_HEADER_SIZE, size - CCFB_HEADER_SIZE)) {
        snprintf(err, errlen, "checksum mismatch: the bundle is damaged");
        return false;
    }
    cursor c = {bytes + CCFB_HEADER_SIZE, bytes + size, err, errlen, false};
    uint32_t n = 0;
    take_texts(&c, &m->nstrings, &m->strings, "string");
    if (take_u32(&c, &n, "the flow count") && n > (size_t)(c.end - c.p) / 24)
        fail(&c, "%u flows cannot fit in the bundle", n);
    if (!c.failed) {
        m->nflows = n;
        m->flows = cc_xcalloc(n ? n : 1, sizeof *m->flows);
        for (uint32_t i = 0; i < n && !c.failed; i++) {
            ccfb_flow *f = &m->flows[i];
            take_u32(&c, &f->name, "a flow's name");
            take_u32(&c, &f->type, "a flow's type");
            take_u32(&c, &f->channels, "a flow's channels");
            take_u32(&c, &f->start, "a flow's start");
            take_u32(&c, &f->nblocks, "a flow's block count");
            if (!c.failed && f->nblocks > (size_t)(c.end - c.p) / 8)
                fail(&c, "flow %u claims %u blocks, more than the bundle holds", i, f->nblocks);
            take_bytes(&c, f->nblocks * 8u, &f->blocks, "a flow's block table");
            take_u32(&c, &f->code_len, "a flow's code length");
            take_bytes(&c, f->code_len, &f->code, "a flow's code");
            if (c.failed)
                break;
            if (f->name >= m->nstrings)
                fail(&c, "flow %u: its name is not in the string pool", i);
            else if (f->type >= CC_FT_COUNT)
                fail(&c, "flow %u: unknown flow type %u", i, f->type);
            else if (f->channels & ~(0xfu | 0x100u) || !(f->channels & 0xfu))
                fail(&c, "flow %u: bad channel set 0x%x", i, f->channels);
        }
    }
    if (!c.failed && (m->flags & CCFB_FLAG_SOURCE_MAP)) {
        take_texts(&c, &m->nfiles, &m->files, "source file name");
        if (take_u32(&c, &n, "the source map count") && n > (size_t)(c.end - c.p) / 20)
            fail(&c, "%u source map entries cannot fit in the bundle", n);
        if (!c.failed) {
            m->nsrcmap = n;
            m->srcmap = cc_xcalloc(n ? n : 1, sizeof *m->srcmap);
            for (uint32_t i = 0; i < n && !c.failed; i++) {
                ccfb_srcmap_entry *e = &m->srcmap[i];
                take_u32(&c, &e->flow, "a source map entry");
                take_u32(&c, &e->pc, "a source map entry");
                take_u32(&c, &e->file, "a source map entry");
                take_u32(&c, &e->line, "a source map entry");
                take_u32(&c, &e->col, "a source map entry");
                if (!c.failed && (e->flow >= m->nflows || e->file >= m->nfiles))
                    fail(&c, "source map entry %u names a flow or file that does not exist", i);
            }
        }
    }
    if (!c.failed && c.p != c.end)
        fail(&c, "%zu bytes follow the last section", (size_t)(c.end - c.p));
    for (uint32_t i = 0; i < m->nflows && !c.failed; i++)
        if (!verify_code(m, i, err, errlen))
            c.failed = true;
    if (c.failed) {
        ccfb_free(m);
        return false;
    }
    return true;
}

void ccfb_free(ccfb_module *m)
{
    cc_free(m->strings);
    cc_free(m->flows);
    cc_free(m->files);
    cc_free(m->srcmap);
    m->strings = NULL;
    m->flows = NULL;
    m->files = NULL;
    m->srcmap = NULL;
}
