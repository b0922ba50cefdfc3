/*
 * libFuzzer harness for the x86 MSI decoder (hw/i386/x86-msi.c in the
 * series).  Input: 8 bytes of address, 4 of data, 1 of flags (the
 * context, and the x2APIC API for x86_msi_kvm_route()).
 *
 * Checks, beyond "no crash" under ASan and UBSan:
 * - an interrupt in compatibility format comes with a canonical message
 *   that decodes back to the same fields and keeps the vector and the
 *   low 8 destination bits of the message;
 * - a memory write is never turned into an interrupt: it carries no
 *   message to deliver, and it stays a memory write with every optional
 *   format disabled;
 * - the fields an APIC takes from any message re-encode to a canonical
 *   message with the same fields;
 * - x86_msi_kvm_route() (what KVM routes get) refuses only what KVM's
 *   x2APIC API would refuse, and keeps the data and every address bit
 *   below 32 but the 15-bit extension's.
 */

#include "qemu/osdep.h"
/* the decoder itself, for its static encoder */
#include "hw/i386/x86-msi.c"

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
    X86MSIKVMPath path = { 0 };
    MSIMessage msg, again, route;
    X86MSIContext ctx = { 0 };
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
    ctx.xen_pirq = flags & 8;

    switch (x86_msi_decode(&msg, &ctx, &res)) {
    case X86_MSI_COMPAT:
        x86_msi_apic_fields(&res.canonical, &back);
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
    case X86_MSI_XEN_PIRQ:
        CHECK(ctx.xen_pirq && res.pirq && !(msg.data & 0xff));
        break;
    default:
        CHECK(false);
    }

    /*
     * What KVM gets: never a message its x2APIC API refuses, and a
     * message the KVM mode decodes moves only its destination bits.
     */
    path.ext_dest_id = ctx.ext_dest_id;
    path.addr_hi_dest = ctx.addr_hi_dest;
    path.x2apic_api = flags & 16;
    if (x86_msi_kvm_route(&msg, &path, &route)) {
        CHECK(!path.x2apic_api || !((route.address >> 32) & 0xff));
        CHECK(route.data == msg.data);
        CHECK((route.address & 0xfffff01f) == (msg.address & 0xfffff01f));
    } else {
        CHECK(path.x2apic_api);
    }

    /* what an APIC reads from any message survives the canonical form */
    x86_msi_apic_fields(&msg, &back);
    again = x86_msi_encode(&back);
    x86_msi_apic_fields(&again, &back2);
    CHECK(back2.dest == back.dest && back2.vector == back.vector &&
          back2.dest_logical == back.dest_logical);
    return 0;
}
