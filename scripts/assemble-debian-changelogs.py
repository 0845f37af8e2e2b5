#!/usr/bin/env python3
"""Assembles datasets/debian-changelogs/changelogs.jsonl: dated documents for topics over time.

Source: the Debian changelogs (/usr/share/doc/PACKAGE/changelog.Debian.gz) of the packages
installed on the machine that ran it (Debian 12/13 packages, licences as each package's
copyright file says; changelogs are distributed with every package). One document per
changelog entry: its change lines joined (the text), the entry's date (ISO 8601, UTC), the
package and the distribution (as "label"). Entries with fewer than 8 words are skipped; at
most 12 entries per package, spread evenly over its history, so no package dominates; texts
cut at 600 characters. Deterministic: packages in sorted
order, entries in file order. Run: python3 scripts/assemble-debian-changelogs.py
"""
import email.utils, glob, gzip, json, os, re, sys, datetime

OUT = os.path.join(os.path.dirname(__file__), '..', 'datasets', 'debian-changelogs', 'changelogs.jsonl')
HEAD = re.compile(r'^(\S+) \(([^)]+)\) ([^;]+);')
TRAIL = re.compile(r'^ -- .+?>  (.+)$')
rows = []
for path in sorted(glob.glob('/usr/share/doc/*/changelog.Debian.gz')):
    pkg = path.split('/')[-2]
    try:
        lines = gzip.open(path, 'rt', encoding='utf-8', errors='replace').read().split('\n')
    except Exception:
        continue
    entries, cur = [], None
    for line in lines:
        h = HEAD.match(line)
        if h:
            cur = {'dist': h.group(3).strip().split()[0], 'lines': []}
            continue
        t = TRAIL.match(line)
        if t and cur is not None:
            try:
                d = email.utils.parsedate_to_datetime(t.group(1).strip())
            except Exception:
                cur = None
                continue
            text = ' '.join(re.sub(r'^\s*[*+-]\s*', '', l).strip() for l in cur['lines'] if l.strip() and not l.strip().startswith('['))
            text = re.sub(r'\s+', ' ', text).strip()
            if len(text.split()) >= 8:
                entries.append({'text': text[:600], 'date': d.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'), 'package': pkg, 'label': cur['dist']})
            cur = None
            continue
        if cur is not None:
            cur['lines'].append(line)
    # at most 12 entries, spread evenly over the package's history (newest first in the file)
    n = len(entries)
    rows.extend(entries[round(i * (n - 1) / 11)] for i in range(12)) if n > 12 else rows.extend(entries)
with open(OUT, 'w') as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + '\n')
print(f'{len(rows)} entries from {len(set(r["package"] for r in rows))} packages → {OUT}', file=sys.stderr)
