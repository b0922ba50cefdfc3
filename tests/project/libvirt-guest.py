#!/usr/bin/env python3
"""The Windows configuration through libvirt, with the domain XML of the docs.

Debian's libvirtd, started here in session mode as user 'nobody' with its
directories in a temporary one (nothing of the system's libvirt is used or
changed), creates a transient domain (virsh create) from the XML shown in
docs/system/i386/large-guests.rst: <iommu model='intel'> with intremap and
eim, <ioapic driver='qemu'/>, <hyperv><avic/>, and <qemu:commandline> for
default-bus-bypass-iommu, dma-translation and the series' properties
(msi-addr-hi-dest, fadt-apic-mode, amd-ioapic-format).  Only what belongs to this
host is replaced: the domain type (kvm where tests/lib/accel-probe.sh booted
a guest under KVM, else qemu), <emulator> (the series build), memory and a
sparse vCPU topology that puts a vCPU at APIC ID 256 with two vCPUs, the
guest kernel, and a serial console file;
without KVM the Hyper-V enlightenments go too.

The guest (tests/guest/windows-config.sh) must report interrupt remapping
in x2APIC mode, the vCPU with APIC ID 256 online and an I/O APIC interrupt
counted on it; then the properties are read back through libvirt with
virsh qemu-monitor-command (qom-get).

Environment: QEMU (series build), TOP.
"""

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import INITRD, KERNEL, KVM, TOP, prepare, verdict  # noqa: E402,E501

QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0'
DOCS = os.path.join(TOP, 'build', 'series', 'qemu', 'docs', 'system', 'i386',
                    'large-guests.rst')


def docs_xml():
    """The domain XML of the docs' libvirt example"""
    with open(DOCS) as f:
        text = f.read()
    m = re.search(r'^(    <domain .*?^    </domain>)$', text, re.M | re.S)
    if not m:
        raise SystemExit('no domain XML in ' + DOCS)
    return '\n'.join(line[4:] for line in m.group(1).splitlines())


def local_xml(xml, workdir, qemu):
    """XML with the parts that belong to this host replaced"""
    ET.register_namespace('qemu', QEMU_NS)
    dom = ET.fromstring(xml)
    dom.set('type', 'kvm' if KVM else 'qemu')
    dom.find('name').text = 'lg-windows-config'
    dom.find('memory').attrib = {'unit': 'MiB'}
    dom.find('memory').text = '1024'
    dom.find('vcpu').attrib = {'current': '2'}
    dom.find('vcpu').text = '195'
    cpu = dom.find('cpu')
    cpu.clear()
    cpu.attrib = {'mode': 'custom', 'match': 'exact'}
    ET.SubElement(cpu, 'model').text = 'qemu64'
    ET.SubElement(cpu, 'topology', sockets='3', dies='1', cores='65',
                  threads='1')
    ET.SubElement(cpu, 'feature', policy='require', name='x2apic')
    # the second vCPU is the first of socket 2: APIC ID 256
    vcpus = ET.Element('vcpus')
    ET.SubElement(vcpus, 'vcpu', id='0', enabled='yes', hotpluggable='no')
    ET.SubElement(vcpus, 'vcpu', id='130', enabled='yes', hotpluggable='yes')
    for i in range(195):
        if i not in (0, 130):
            ET.SubElement(vcpus, 'vcpu', id=str(i), enabled='no',
                          hotpluggable='yes')
    dom.insert(list(dom).index(dom.find('vcpu')) + 1, vcpus)
    os_el = dom.find('os')
    for tag, text in [('kernel', os.path.join(workdir, 'vmlinuz')),
                      ('initrd', os.path.join(workdir, 'initramfs.cpio.gz')),
                      ('cmdline', 'console=ttyS0 quiet lg.test=windows-config '
                                  'lg.dest=256')]:
        ET.SubElement(os_el, tag).text = text
    devices = dom.find('devices')
    ET.SubElement(devices, 'emulator').text = qemu
    serial = ET.SubElement(devices, 'serial', type='file')
    ET.SubElement(serial, 'source', path=os.path.join(workdir, 'console.log'))
    ET.SubElement(serial, 'target', port='0')
    rng = ET.SubElement(devices, 'rng', model='virtio')
    ET.SubElement(rng, 'backend', model='random').text = '/dev/urandom'
    ET.SubElement(devices, 'controller', type='usb', model='none')
    ET.SubElement(devices, 'memballoon', model='none')
    # Hyper-V enlightenments need KVM
    features = dom.find('features')
    if not KVM and features.find('hyperv') is not None:
        features.remove(features.find('hyperv'))
    return ET.tostring(dom, encoding='unicode')


def main():
    qemu = os.path.abspath(os.environ['QEMU'])
    for tool in ('libvirtd', 'virsh'):
        if not shutil.which(tool, path='/usr/sbin:/usr/bin'):
            print('FAILED: %s is not installed; run make deps' % tool)
            return 1
    prepare()
    version = subprocess.run(['/usr/sbin/libvirtd', '--version'],
                             capture_output=True, text=True).stdout.strip()
    print('libvirt: %s, session mode as user nobody' % version)

    nobody = pwd.getpwnam('nobody')
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        os.chmod(workdir, 0o755)
        for f in (KERNEL, INITRD):
            shutil.copy(f, workdir)
        for d in ('config', 'cache', 'run', 'home'):
            os.mkdir(os.path.join(workdir, d), 0o700)
        for root, dirs, files in os.walk(workdir):
            for n in dirs + files:
                os.chown(os.path.join(root, n), nobody.pw_uid, nobody.pw_gid)
        os.chown(workdir, nobody.pw_uid, nobody.pw_gid)
        env = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin',
               'HOME': os.path.join(workdir, 'home'),
               'XDG_CONFIG_HOME': os.path.join(workdir, 'config'),
               'XDG_CACHE_HOME': os.path.join(workdir, 'cache'),
               'XDG_RUNTIME_DIR': os.path.join(workdir, 'run')}
        groups = [g.gr_gid for g in grp.getgrall() if g.gr_name == 'kvm']
        as_nobody = {'user': nobody.pw_uid, 'group': nobody.pw_gid,
                     'extra_groups': groups, 'env': env}
        log = open(os.path.join(workdir, 'libvirtd.log'), 'w')
        daemon = subprocess.Popen(['/usr/sbin/libvirtd'], stdout=log,
                                  stderr=log, **as_nobody)

        def virsh(*args, check=True):
            r = subprocess.run(['virsh', '-c', 'qemu:///session'] + list(args),
                               capture_output=True, text=True, timeout=120,
                               **as_nobody)
            if check and r.returncode:
                raise RuntimeError('virsh %s: %s' % (args[0],
                                                     r.stderr.strip()))
            return r.stdout

        try:
            for _ in range(100):
                if virsh('version', check=False):
                    break
                time.sleep(0.2)
            xml_path = os.path.join(workdir, 'domain.xml')
            with open(xml_path, 'w') as f:
                f.write(local_xml(docs_xml(), workdir, qemu))
            os.chmod(xml_path, 0o644)
            virsh('create', xml_path)
            print('  domain type: %s' %
                  re.search(r"<domain type='(\w+)'",
                            virsh('dumpxml', 'lg-windows-config')).group(1))
            console = os.path.join(workdir, 'console.log')
            deadline = time.time() + 180
            out = ''
            while time.time() < deadline:
                out = open(console, errors='replace').read() \
                    if os.path.exists(console) else ''
                if "lg: test 'windows-config' exited" in out:
                    break
                time.sleep(1)
            apic = dict(re.findall(r'^cpu: (\d+) apicid (\d+)', out, re.M))
            remap = re.findall(r'^irq remapping: (.*)$', out, re.M)
            io = re.search(r'^ioapic: 4 (\S+) (\d+) (\d+)$', out, re.M)
            print('  guest: cpus %s; %s; IRQ 4 (%s) on CPU %s: %s' %
                  (' '.join('%s=apic %s' % kv for kv in sorted(apic.items())),
                   remap[0] if remap else '?', io.group(1) if io else '?',
                   io.group(2) if io else '?', io.group(3) if io else '?'))
            if '256' not in apic.values():
                failed.append('the vCPU with APIC ID 256 is not online')
            if remap != ['Enabled IRQ remapping in x2apic mode']:
                failed.append('no interrupt remapping in x2APIC mode')
            if not io or int(io.group(3)) == 0:
                failed.append('IRQ 4 was not counted on APIC ID 256')

            # QEMU powers off at the end of the test script; read the
            # properties back from a second, paused run of the same domain
            for _ in range(60):     # the guest powers off after its test
                if 'lg-windows-config' not in virsh('list', '--name'):
                    break
                time.sleep(0.5)
            virsh('destroy', 'lg-windows-config', check=False)
            virsh('create', '--paused', xml_path)
            for path, prop, want in [
                    ('/machine', 'default-bus-bypass-iommu', True),
                    ('/machine/peripheral/iommu0', 'intremap', 'on'),
                    ('/machine/peripheral/iommu0', 'eim', 'on'),
                    ('/machine/peripheral/iommu0', 'dma-translation', False),
                    ('/machine/peripheral/iommu0', 'amd-ioapic-format', 'on'),
                    ('/machine', 'msi-addr-hi-dest', 'on'),
                    ('/machine', 'fadt-apic-mode', 'physical')]:
                cmd = {'execute': 'qom-get',
                       'arguments': {'path': path, 'property': prop}}
                reply = json.loads(virsh('qemu-monitor-command',
                                         'lg-windows-config',
                                         json.dumps(cmd)))
                got = reply.get('return', reply.get('error'))
                print('  qom-get %s %s: %s' % (path, prop, json.dumps(got)))
                if got != want:
                    failed.append('%s %s is %s, not %s' %
                                  (path, prop, json.dumps(got),
                                   json.dumps(want)))
            virsh('destroy', 'lg-windows-config', check=False)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            failed.append(str(e))
            log.flush()
            print(open(os.path.join(workdir, 'libvirtd.log')).read()[-2000:])
        finally:
            virsh('destroy', 'lg-windows-config', check=False)
            daemon.terminate()
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
            log.close()
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
