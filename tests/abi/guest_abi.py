#!/usr/bin/env python3
"""Dump what a guest sees of one QEMU configuration, under the qtest
accelerator: every fw_cfg item, the flattened memory map, the CPUID feature
words of the first and last vCPU, and the device description of the
migration stream.

Used by abi-compare.py; run alone to look at one configuration:

    guest_abi.py QEMU OUTDIR -- QEMU-ARGS...

No guest code runs: the qtest protocol reads fw_cfg through its DMA
interface and QMP does the rest.  The string @RAMDIR@ in the arguments names
a temporary directory for file memory backends: with share=on the migration
stream skips their RAM (x-ignore-shared).
"""

import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from vm import stop_qemu  # noqa: E402

FW_CFG_PORT_SEL = 0x510
FW_CFG_PORT_DMA_LOW = 0x518
FW_CFG_FILE_DIR = 0x19
FW_CFG_DMA_READ = 0x02
FW_CFG_DMA_SELECT = 0x08
FW_CFG_DMA_ERROR = 0x01
# Legacy (numbered) items that carry guest-visible data on x86, with no size
# information in the file directory: read a fixed prefix of each.
LEGACY_ITEMS = {
    0x00: 'signature', 0x01: 'id', 0x02: 'uuid', 0x03: 'ram_size',
    0x04: 'nographic', 0x05: 'nb_cpus', 0x06: 'machine_id', 0x0e: 'boot_menu',
    0x0f: 'max_cpus', 0x0d: 'numa', 0x8000: 'acpi_tables',
    0x8001: 'smbios_entries', 0x8002: 'irq0_override', 0x8003: 'e820_table',
    0x8004: 'hpet',
}
LEGACY_PREFIX = 4096
DMA_DESC = 0x10000          # guest address of the DMA descriptor
DMA_BUF = 0x20000           # guest address of the data buffer
DMA_CHUNK = 1 << 20


class QemuError(Exception):
    pass


class Qemu:
    """One QEMU process with a qtest and a QMP connection."""

    def __init__(self, binary, args, workdir, timeout=30):
        self.dir = workdir
        self.timeout = timeout
        qt_path = os.path.join(workdir, 'qtest.sock')
        qmp_path = os.path.join(workdir, 'qmp.sock')
        listeners = []
        for path in (qt_path, qmp_path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(1)
            s.settimeout(1)
            listeners.append(s)
        self.stderr = open(os.path.join(workdir, 'qemu.stderr'), 'w+')
        cmd = [binary, '-accel', 'qtest', '-qtest', 'unix:' + qt_path,
               '-qtest-log', '/dev/null',
               '-qmp', 'unix:' + qmp_path, '-display', 'none',
               '-nodefaults', '-S'] + args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr, stderr=self.stderr)
        try:
            self.qt = self._accept(listeners[0])
            self.qmp = self._accept(listeners[1])
        finally:
            for s in listeners:
                s.close()
        self.qt_buf = b''
        self.qmp_file = self.qmp.makefile('rwb')
        try:
            self._qmp_read()                  # greeting
            self.cmd('qmp_capabilities')
        except (QemuError, OSError):
            self.close()
            raise QemuError(self.error_text())

    def _accept(self, listener):
        deadline = time.time() + self.timeout
        while True:
            try:
                conn, _ = listener.accept()
                return conn
            except socket.timeout:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                raise QemuError(self.error_text())

    def error_text(self):
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self.stderr.closed:
            with open(self.stderr.name) as f:
                text = f.read().strip()
        else:
            self.stderr.seek(0)
            text = self.stderr.read().strip()
        # The error itself; hints and warnings may surround it.
        lines = [line for line in text.splitlines()
                 if 'warning:' not in line]
        return lines[0] if lines else 'QEMU did not start'

    # --- qtest protocol ---
    def qtest(self, line):
        self.qt.sendall(line.encode() + b'\n')
        while True:
            nl = self.qt_buf.find(b'\n')
            if nl >= 0:
                reply, self.qt_buf = self.qt_buf[:nl], self.qt_buf[nl + 1:]
                if reply.startswith(b'IRQ'):
                    continue
                if not reply.startswith(b'OK'):
                    raise QemuError('qtest %s: %s' % (line, reply.decode()))
                return reply.decode()[2:].strip()
            try:
                data = self.qt.recv(1 << 20)
            except OSError:
                data = b''
            if not data:
                raise QemuError(self.error_text())
            self.qt_buf += data

    def mem_write(self, addr, data):
        self.qtest('b64write 0x%x 0x%x %s' % (addr, len(data),
                                              base64.b64encode(data).decode()))

    def mem_read(self, addr, size):
        return base64.b64decode(self.qtest('b64read 0x%x 0x%x' % (addr, size)))

    def fw_cfg_read(self, key, size):
        """Read SIZE bytes of fw_cfg item KEY with the DMA interface."""
        out = b''
        control = (key << 16) | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ
        while True:
            n = min(size - len(out), DMA_CHUNK)
            self.mem_write(DMA_DESC, struct.pack('>IIQ', control, n, DMA_BUF))
            v = struct.unpack('<I', struct.pack('>I', DMA_DESC))[0]
            self.qtest('outl 0x%x 0x%x' % (FW_CFG_PORT_DMA_LOW, v))
            status = struct.unpack('>I', self.mem_read(DMA_DESC, 4))[0]
            if status & FW_CFG_DMA_ERROR:
                raise QemuError('fw_cfg DMA error on item 0x%x' % key)
            out += self.mem_read(DMA_BUF, n) if n else b''
            if len(out) >= size:
                return out
            control = FW_CFG_DMA_READ        # continue where it stopped

    # --- QMP ---
    def _qmp_read(self):
        while True:
            try:
                line = self.qmp_file.readline()
            except OSError:
                line = b''
            if not line:
                raise QemuError(self.error_text())
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def cmd(self, name, **args):
        self.qmp_file.write(json.dumps({'execute': name,
                                        'arguments': args}).encode() + b'\n')
        self.qmp_file.flush()
        reply = self._qmp_read()
        if 'error' in reply:
            raise QemuError('%s: %s' % (name, reply['error']['desc']))
        return reply['return']

    def close(self):
        stop_qemu(self.proc, lambda: self.cmd('quit'))
        self.stderr.close()


def fw_cfg_directory(q):
    """The fw_cfg file directory: (name, size, select) in its order"""
    count = struct.unpack('>I', q.fw_cfg_read(FW_CFG_FILE_DIR, 4))[0]
    d = q.fw_cfg_read(FW_CFG_FILE_DIR, 4 + 64 * count)[4:]
    entries = []
    for i in range(count):
        size, select, _, name = struct.unpack('>IHH56s', d[64 * i:64 * i + 64])
        entries.append((name.rstrip(b'\0').decode(), size, select))
    return entries


def dump_fw_cfg(q, out):
    files = {}
    listing = []
    for name, size, select in fw_cfg_directory(q):
        listing.append('%-56s %8d 0x%04x' % (name, size, select))
        files['fw_cfg/' + name] = q.fw_cfg_read(select, size)
    files['fw_cfg/DIRECTORY'] = ('\n'.join(listing) + '\n').encode()
    for key, name in LEGACY_ITEMS.items():
        files['fw_cfg/legacy/%04x-%s' % (key, name)] = \
            q.fw_cfg_read(key, LEGACY_PREFIX)
    return files


def normalize_mtree(text):
    """'info mtree -f' prints FlatViews in hash-table order: sort them."""
    blocks = []
    for block in re.split(r'\n(?=FlatView #)', text.strip()):
        block = re.sub(r'^FlatView #\d+', 'FlatView', block)
        blocks.append(block.strip())
    return ('\n\n'.join(sorted(blocks)) + '\n').encode()


def vmdesc(stream):
    """The JSON device description at the end of a migration stream."""
    start = stream.rfind(b'{"configuration"')
    if start < 0:
        start = stream.rfind(b'{"page_size"')
    if start < 0:
        raise QemuError('no device description in the migration stream')
    # QEMU_VM_VMDESCRIPTION: be32 length just before the JSON.
    length = struct.unpack('>I', stream[start - 4:start])[0]
    desc = json.loads(stream[start:start + length])
    return (json.dumps(desc, indent=1, sort_keys=True) + '\n').encode()


def dump(binary, args, outdir):
    """Write one file per guest-visible item to OUTDIR; raise QemuError if
    the configuration does not start."""
    with tempfile.TemporaryDirectory(prefix='guest-abi-') as tmp:
        args = [a.replace('@RAMDIR@', tmp) for a in args]
        q = Qemu(binary, args, tmp)
        try:
            files = dump_fw_cfg(q, outdir)
            mtree = q.cmd('human-monitor-command', **{'command-line':
                                                      'info mtree -f'})
            files['mtree-flat'] = normalize_mtree(mtree)
            cpus = q.cmd('query-cpus-fast')
            for which, cpu in (('first', cpus[0]), ('last', cpus[-1])):
                path = cpu['qom-path']
                words = q.cmd('qom-get', path=path, property='feature-words')
                props = {'feature-words': words}
                for p in ('apic-id', 'phys-bits', 'vendor', 'model-id'):
                    props[p] = q.cmd('qom-get', path=path, property=p)
                files['cpu-%s' % which] = (json.dumps(props, indent=1,
                                                      sort_keys=True)
                                           + '\n').encode()
            q.cmd('migrate-set-capabilities', capabilities=[
                {'capability': 'x-ignore-shared', 'state': True}])
            stream_path = os.path.join(tmp, 'stream')
            q.cmd('migrate', uri='file:' + stream_path)
            deadline = time.time() + 120
            while True:
                status = q.cmd('query-migrate').get('status')
                if status == 'completed':
                    break
                if status in ('failed', 'cancelled') or time.time() > deadline:
                    raise QemuError('migration to a file: %s' % status)
                time.sleep(0.05)
            with open(stream_path, 'rb') as f:
                files['migration-vmdesc.json'] = vmdesc(f.read())
        finally:
            q.close()
    for name, data in files.items():
        path = os.path.join(outdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)


def main():
    if len(sys.argv) < 4 or sys.argv[3] != '--':
        sys.exit('usage: guest_abi.py QEMU OUTDIR -- QEMU-ARGS...')
    try:
        dump(sys.argv[1], sys.argv[4:], sys.argv[2])
    except QemuError as e:
        sys.exit('could not start: %s' % e)


if __name__ == '__main__':
    main()


class QtestPci:
    """PCI configuration space of device DEV (slot << 3 | function) on bus 0,
    through qtest's port I/O (the 0xcf8/0xcfc mechanism)"""

    def __init__(self, q, devfn):
        self.q, self.devfn = q, devfn

    def _port(self, reg):
        self.q.qtest('outl 0xcf8 0x%x' % (0x80000000 | self.devfn << 8 |
                                          (reg & 0xfc)))
        return 0xcfc + (reg & 3)

    def read(self, reg, size):
        op = {1: 'inb', 2: 'inw', 4: 'inl'}[size]
        return int(self.q.qtest('%s 0x%x' % (op, self._port(reg))), 16)

    def write(self, reg, size, value):
        op = {1: 'outb', 2: 'outw', 4: 'outl'}[size]
        self.q.qtest('%s 0x%x 0x%x' % (op, self._port(reg), value))

    def cap(self, cap_id):
        """The offset of capability CAP_ID; asserts there is one"""
        cap = self.read(0x34, 1)
        while cap and self.read(cap, 1) != cap_id:
            cap = self.read(cap + 1, 1)
        assert cap, 'no capability 0x%x' % cap_id
        return cap


def edu_msi_setup(q, devfn, bar, addr, data):
    """Map edu DEVFN's BAR 0 at BAR, enable it as a bus master and program
    its MSI with ADDR and DATA; a write of 1 to BAR + 0x60 then sends it"""
    pci = QtestPci(q, devfn)
    pci.write(0x10, 4, bar)
    pci.write(0x04, 2, pci.read(0x04, 2) | 0x6)
    cap = pci.cap(0x05)
    pci.write(cap + 4, 4, addr & 0xffffffff)
    pci.write(cap + 8, 4, addr >> 32)
    pci.write(cap + 12, 2, data)
    pci.write(cap + 2, 2, pci.read(cap + 2, 2) | 1)
