"""A QEMU process driven over QMP, with its serial console in a file.

Small on purpose: what the project's guest tests need, stdlib only.
"""

import json
import os
import re
import socket
import subprocess
import time


class VMError(Exception):
    pass


class VM:
    def __init__(self, binary, args, workdir, name='vm'):
        os.makedirs(workdir, exist_ok=True)
        self.name = name
        self.serial_path = os.path.join(workdir, name + '.serial')
        self.log_path = os.path.join(workdir, name + '.log')
        qmp_path = os.path.join(workdir, name + '.qmp')
        if os.path.exists(qmp_path):
            os.unlink(qmp_path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(qmp_path)
        listener.listen(1)
        listener.settimeout(1)
        self.log = open(self.log_path, 'w')
        self.cmdline = [binary, '-qmp', 'unix:' + qmp_path, '-display', 'none',
                        '-nodefaults', '-serial', 'file:' + self.serial_path
                        ] + args
        self.log.write(' '.join(self.cmdline) + '\n')
        self.log.flush()
        self.proc = subprocess.Popen(self.cmdline, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while True:
            try:
                self.sock, _ = listener.accept()
                break
            except socket.timeout:
                if self.proc.poll() is not None or time.time() > deadline:
                    listener.close()
                    raise VMError('%s did not start: %s' % (name, self.stderr()))
        listener.close()
        self.file = self.sock.makefile('rwb')
        self.events = []
        self._read()
        self.cmd('qmp_capabilities')

    def stderr(self):
        self.log.flush()
        with open(self.log_path) as f:
            lines = f.read().strip().splitlines()
        return lines[-1] if len(lines) > 1 else '(no output)'

    def _read(self):
        while True:
            try:
                line = self.file.readline()
            except OSError:         # reset when QEMU exits
                line = b''
            if not line:
                raise VMError('%s: QMP closed: %s' % (self.name, self.stderr()))
            msg = json.loads(line)
            if 'event' in msg:
                self.events.append(msg)
                continue
            return msg

    def cmd(self, name, **args):
        self.file.write(json.dumps({'execute': name, 'arguments': args}
                                   ).encode() + b'\n')
        self.file.flush()
        reply = self._read()
        if 'error' in reply:
            raise VMError('%s: %s: %s' % (self.name, name,
                                          reply['error']['desc']))
        return reply['return']

    def hmp(self, line):
        return self.cmd('human-monitor-command', **{'command-line': line})

    def serial(self):
        try:
            with open(self.serial_path, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def wait_serial(self, pattern, timeout, after=0):
        """Wait for PATTERN in the console output past offset AFTER; return
        the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.time() + timeout
        while True:
            m = rx.search(self.serial(), after)
            if m:
                return m
            if self.proc.poll() is not None:
                raise VMError('%s exited while waiting for %r' %
                              (self.name, pattern))
            if time.time() > deadline:
                raise VMError('%s: no %r on the console within %d s' %
                              (self.name, pattern, timeout))
            time.sleep(0.1)

    def wait_migration(self, timeout=120):
        deadline = time.time() + timeout
        while True:
            st = self.cmd('query-migrate').get('status')
            if st == 'completed':
                return
            if st in ('failed', 'cancelled') or time.time() > deadline:
                raise VMError('%s: migration %s' % (self.name, st))
            time.sleep(0.1)

    def close(self):
        stop_qemu(self.proc, lambda: self.cmd('quit'))
        self.log.close()


def stop_qemu(proc, quit):
    """Ask a running QEMU to quit with QUIT(); kill it if it has not after
    10 s."""
    if proc.poll() is None:
        try:
            quit()
        except Exception:       # it may be gone already, or not answer
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
