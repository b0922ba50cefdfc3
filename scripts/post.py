#!/usr/bin/env python3
"""Ready-to-send copies of the series, signed off by whoever posts them.

    post.py "Name <mail>" [OUT]        (make post SIGNOFF="Name <mail>")

The patches in patches/ carry the project's shared identity as author and
in Signed-off-by:, which QEMU does not accept: docs/devel/code-provenance.rst
asks for a real person's sign-off, certifying the Developer's Certificate
of Origin.  Whoever posts the series must be able to do that for every
patch, under code-provenance.rst as a whole.  This writes copies of
patches/NAME/*.patch, cover letters included, to OUT/NAME/ (default
build/post) in which that shared identity, as author (From:) and in each
Signed-off-by:, is the poster, and the copyright line "The large-guests
series authors" names the poster.  patches/ itself, and the byte-exact
round trip of make export, stay as they are.
"""

import os
import re
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
PATCHES = os.path.join(TOP, 'patches')
IDENTITY = re.compile(r'^[^<>@\n]+ <[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>$')
COPYRIGHT = 'The large-guests series authors'


def die(msg):
    sys.exit('post.py: error: %s' % msg)


def shared_identity(text):
    """The author of a format-patch file, its From: header unfolded"""
    m = re.search(r'^From: (.*(?:\n [^\n]*)*)$', text, re.M)
    if not m:
        die('a patch without a From: header')
    return ' '.join(m.group(1).split())


def main():
    if len(sys.argv) not in (2, 3) or not sys.argv[1].strip():
        die('who signs off?  make post SIGNOFF="Your Name <you@example.org>"'
            ' (see docs/devel/code-provenance.rst in QEMU)')
    poster = ' '.join(sys.argv[1].split())
    if not IDENTITY.match(poster):
        die('"%s" is not "Name <mail>"' % poster)
    out = sys.argv[2] if len(sys.argv) == 3 else os.path.join(TOP, 'build',
                                                               'post')
    with open(os.path.join(PATCHES, 'series')) as f:
        series = [ln.strip() for ln in f if ln.strip() and ln[0] != '#']
    names = []
    for entry in series:
        name = entry.split('/')[0]
        if name not in names:
            names.append(name)
    files = [n + '/0000-cover-letter.patch' for n in names] + series
    with open(os.path.join(PATCHES, series[0])) as f:
        shared = shared_identity(f.read())
    if poster == shared:
        die('%s is the series\' shared identity, not a person' % poster)
    # the shared identity, wherever a header or trailer folds it
    pattern = re.compile(r'\s+'.join(re.escape(w) for w in shared.split()))
    written = 0
    for rel in files:
        with open(os.path.join(PATCHES, rel)) as f:
            text = f.read()
        text = pattern.sub(poster, text)
        text = text.replace(COPYRIGHT, poster.split(' <')[0])
        dest = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, 'w') as f:
            f.write(text)
        written += 1
    print('post: %d files, signed off by %s, in %s' %
          (written, poster, os.path.relpath(out)))
    print('post: send each series from its directory, cover letter first, '
          'e.g. git send-email --to qemu-devel@nongnu.org %s/*.patch' %
          os.path.relpath(os.path.join(out, names[0])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
