/*
 * Included before hw/i386/x86-msi.c when it is built for the fuzzer: stands
 * in for QEMU's generated trace header, so the decoder links alone.
 */
#include <stdbool.h>
#include <stdint.h>

#define TRACE_HW_I386_GENERATED_TRACERS_H

static inline void trace_x86_msi_memory(uint64_t addr, uint32_t data,
                                        const char *reason) {}
static inline void trace_x86_msi_compat(uint64_t addr, uint32_t data,
                                        uint32_t dest, uint8_t vector,
                                        uint8_t delivery_mode,
                                        uint64_t canonical) {}
static inline void trace_x86_msi_xen_pirq(uint64_t addr, uint32_t data,
                                          uint32_t pirq) {}
static inline void trace_x86_msi_invalid(uint64_t addr, uint32_t data,
                                         const char *reason) {}
static inline void trace_x86_msi_kvm_ioapic_refused(uint64_t addr,
                                                    uint32_t data) {}
