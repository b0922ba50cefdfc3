/*
 * libFuzzer harness for the x86 MSI decoder (hw/i386/x86-msi.c in the
 * series).  Input: 8 bytes of address, 4 of data, 1 of context flags.
 *
 * Checks, beyond "no crash" under ASan and UBSan:
 * - an interrupt in compatibility format comes with a canonical message
 *   that decodes back to the same fields and keeps the vector and the
 *   low 8 destination bits of the message;
 * - a memory write is never turned into an interrupt: it carries no
 *   message to deliver, and it stays a memory write with every optional
 *   format disabled;
 * - any message that decodes as canonical re-encodes to a canonical message
 *   with the same fields;
 * - x86_msi_canonicalize() (what KVM routes get) returns the message itself
 *   unless the decoder widened its destination beyond 8 bits, and then the
 *   canonical form.
 */

#include "qemu/osdep.h"
#include "hw/i386/x86-msi.h"

#define CHECK(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "check failed: %s (line %d)\n", #cond, __LINE__); \
            abort(); \
        } \
    } while (0)

static bool same_fields(const X86MSIFields *a, const X86MSIFields *b)
{
    return a->dest == b->dest && a->vector == b->vector &&
           a->delivery_mode == b->delivery_mode &&
           a->dest_logical == b->dest_logical &&
           a->redir_hint == b->redir_hint && a->level == b->level &&
           a->trigger_level == b->trigger_level;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    static const X86MSIContext none;
    MSIMessage msg, again, route;
    X86MSIContext ctx;
    X86MSIResult res, res_none;
    X86MSIFields back, back2;
    uint8_t flags;

    if (len < 13) {
        return 0;
    }
    memcpy(&msg.address, buf, 8);
    memcpy(&msg.data, buf + 8, 4);
    flags = buf[12];
    ctx.ext_dest_id = flags & 1;
    ctx.addr_hi_dest = flags & 2;
    ctx.intr_remap = flags & 4;
    ctx.xen_pirq = flags & 8;

    switch (x86_msi_decode(&msg, &ctx, &res)) {
    case X86_MSI_COMPAT:
        CHECK(x86_msi_decode_canonical(&res.canonical, &back));
        CHECK(same_fields(&back, &res.fields));
        CHECK(res.canonical.data == msg.data);
        CHECK(back.vector == (msg.data & 0xff));
        CHECK((back.dest & 0xff) == ((msg.address >> 12) & 0xff));
        break;
    case X86_MSI_MEMORY:
        CHECK(res.canonical.address == 0 && res.canonical.data == 0);
        CHECK(res.reason);
        CHECK(x86_msi_decode(&msg, &none, &res_none) == X86_MSI_MEMORY);
        break;
    case X86_MSI_INVALID:
        CHECK(res.canonical.address == 0 && res.reason);
        break;
    case X86_MSI_REMAPPABLE:
        CHECK(ctx.intr_remap && (msg.address & 0x10));
        break;
    case X86_MSI_XEN_PIRQ:
        CHECK(ctx.xen_pirq && res.pirq && !(msg.data & 0xff));
        break;
    default:
        CHECK(false);
    }

    route = x86_msi_canonicalize(&msg, &ctx);
    if (res.kind == X86_MSI_COMPAT && res.fields.dest > 0xff) {
        CHECK(route.address == res.canonical.address &&
              route.data == res.canonical.data);
    } else {
        CHECK(route.address == msg.address && route.data == msg.data);
    }

    if (x86_msi_decode_canonical(&msg, &back)) {
        again = x86_msi_encode(&back);
        CHECK(x86_msi_decode_canonical(&again, &back2));
        CHECK(same_fields(&back, &back2));
    }
    return 0;
}
