/* opcodes.c — the names, operand formats and flags of the opcode table (opcodes.h). */
#include "opcodes.h"

const cc_opcode_info cc_opcode_infos[CC_OP_COUNT] = {
#define CC_OP_INFO(name, operands, flags, synopsis) {#name, operands, flags, synopsis},
    CC_OPCODES(CC_OP_INFO)
#undef CC_OP_INFO
};
