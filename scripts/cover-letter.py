#!/usr/bin/env python3
"""Fill the cover letter git format-patch --cover-letter wrote.

    cover-letter.py GENERATED STORED CC_FILE DATE

GENERATED is rewritten in place: its subject and blurb placeholders take
the subject and text of STORED (the series' cover letter as kept in
patches/, when it exists), its Date: becomes DATE (the last patch's) and a
Cc: line is added for each address in CC_FILE (scripts/get_maintainer.pl).
The shortlog and diffstat stay as git wrote them, so that exporting an
unchanged series reproduces STORED byte for byte.
"""
import os
import re
import sys

SUBJECT_MARK = '*** SUBJECT HERE ***'
BLURB_MARK = '*** BLURB HERE ***\n'


def header_and_body(text):
    head, _, body = text.partition('\n\n')
    return head + '\n', body


def stored_subject_and_blurb(path):
    """The subject (unfolded, without [PATCH 0/N]) and the blurb of STORED."""
    head, body = header_and_body(open(path, encoding='utf-8').read())
    unfolded = re.sub(r'\n[ \t]+', ' ', head)
    subject = re.search(r'^Subject: \[[^]]*\] (.*)$', unfolded, re.M).group(1)
    # The blurb ends where git's shortlog starts: "Author Name (N):".
    shortlog = list(re.finditer(r'^[^\n]+ \(\d+\):\n  ', body, re.M))
    if not shortlog:
        sys.exit(f'{path}: no shortlog ("Name (N):") after the text')
    return subject, body[:shortlog[-1].start()]


def main():
    generated, stored, cc_file, date = sys.argv[1:]
    head, body = header_and_body(open(generated, encoding='utf-8').read())
    if os.path.exists(stored):
        subject, blurb = stored_subject_and_blurb(stored)
        head = head.replace(SUBJECT_MARK, subject)
        body = body.replace(BLURB_MARK + '\n', blurb, 1)
    head = re.sub(r'^Date: .*$', 'Date: ' + date, head, count=1, flags=re.M)
    cc = [line.strip() for line in open(cc_file, encoding='utf-8') if line.strip()]
    head += ''.join(f'Cc: {address}\n' for address in cc)
    with open(generated, 'w', encoding='utf-8') as f:
        f.write(head + '\n' + body)


if __name__ == '__main__':
    main()
