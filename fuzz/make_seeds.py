#!/usr/bin/env python3
"""Writes hand-made seed inputs for the fuzz targets to fuzz/corpus/<target>/.

Run from fuzz/ after `cargo build --release` at the root (the index seeds
come from `target/release/coopmatch index`). See fuzz/checks.rs for the
byte layout of each target's input.
"""
import json, os, subprocess, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def w(t, name, data):
    d = os.path.join('corpus', t)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

prof = open(f'{root}/tests/fixtures/profiles.jsonl', encoding='utf-8').read()
chal = open(f'{root}/tests/fixtures/challenges.jsonl', encoding='utf-8').read()
P = [json.loads(l) for l in prof.splitlines() if l.strip()]
C = [json.loads(l) for l in chal.splitlines() if l.strip()]
ctext = lambda c: c.get('title', '') + '。' + c.get('description', '')

# analyze: the text itself
for i, c in enumerate(C):
    w('analyze', f'c{i}', ctext(c))
for i, p in enumerate(P[:3]):
    w('analyze', f'p{i}', ' '.join(x.get('title', '') + ' ' + x.get('abstract', '') for x in p.get('works', [])))
w('analyze', 'mixed', '５Ｇ基站功放散热（GaN） Ti-6Al-4V GB/T 19001 ISO 9001 wing-body 3.5 H100 and 5G')
w('analyze', 'unicode', 'e\u0301\u0301 \u200bword\u200d \u202eevil\u202c 👩‍🔬🇨🇳 Ǆemo İstanbul ß ﬁne 𝐀𝐈 カタカナ 한국어 ١٢٣')
w('analyze', 'english', 'What are the vibrations of heated wings? boundary layer. Titanium-alloy fatigue')

# import: byte 0 bit 0 = challenges, bits 1-2 = format (detect, json, jsonl, csv)
w('import', 'p_jsonl', bytes([0]) + prof.encode())
w('import', 'p_json', bytes([2]) + json.dumps(P[:3], ensure_ascii=False).encode())
w('import', 'c_jsonl', bytes([1]) + chal.encode())
w('import', 'c_json', bytes([3]) + json.dumps(C[:2], ensure_ascii=False).encode())
w('import', 'p_csv', bytes([6]) + ('\ufeffid,kind,name,keywords,summary,work1_title,work1_abstract,work1_year,work2_title,licence_fee,works\r\n'
    'p1,lab,"Li, Wei",钛合金;增材制造,"line one\nline ""two""",T1,A1,2021,T2,1万,a;b\np2,patent,Wang,,,,,,,,\n,robot,x\n').encode())
w('import', 'p_tsv', bytes([0]) + '编号\t姓名\t单位\t关键词\t类型\np1\t王教授\t江南大学\t发酵；酶\t实验室\np1\tdup\t\t\t\n'.encode())
w('import', 'c_csv', bytes([7]) + 'id;title;description;keywords;enterprise\nc1;散热;需要 5G 基站散热;a;b\nc2;;;;\n'.encode())
w('import', 'p_bad_jsonl', bytes([4]) + b'{"id":"a","works":5}\nnot json\n{"id":"a"}\n{"id":"\\ud800"}\n{"id":1e400}\n')

# event: event JSON, NUL, enterprises, participants, (e, p, score) triples
ev = ('{"name":"x","slots":[{"start":"09:00","end":"09:20"},{"start":"09:20","end":"09:40"},{"start":"09:40"}],'
      '"tables":2,"meetings_per_enterprise":{"min":1,"max":2},"meetings_per_participant":{"max":2},'
      '"unavailable":{"e1":["09:00",1]},"conflicts":[["e0","p1"]],"avoid_same_institution":true,'
      '"forced":[["e2","p2"]],"excluded":[["p0","e0"]],"min_score":0.05,"fairness":true,'
      '"limits":{"p0":{"max":1},"e1":{"min":2,"max":2}}}')
w('event', 'full', ev.encode() + b'\x00' + bytes([3, 3, 0, 0, 200, 0, 1, 100, 1, 1, 50, 1, 2, 250, 2, 0, 30, 2, 2, 10]))
w('event', 'small', b'{"slots":[{"start":"a"}],"tables":1}\x00' + bytes([2, 2, 0, 0, 100, 1, 1, 90]))
w('event', 'fair', b'{"slots":[{"start":"a"},{"start":"b"}],"tables":1,"fairness":true,"meetings_per_enterprise":{"min":2}}\x00'
  + bytes([4, 2, 0, 0, 100, 1, 1, 90, 2, 0, 80, 3, 1, 70, 0, 1, 5]))

# matching: challenge RS profile RS profile ...; profile fields split by US
RS, US = '\x1e', '\x1f'
def prof_rec(p):
    f = [p['id'], p.get('kind', ''), ';'.join(p.get('keywords', [])), p.get('summary', '')]
    for x in p.get('works', [])[:3]:
        f += [x.get('title', ''), x.get('abstract', '')]
    return US.join(f)
for i, c in enumerate(C[:4]):
    w('matching', f'm{i}', RS.join([ctext(c)] + [prof_rec(p) for p in P]))
w('matching', 'tiny', 'heat wing' + RS + 'a' + US + 'lab' + US + 'wing;heat' + US + 'heated wings' + RS
  + 'b' + US + US + US + US + 'boundary layer' + US + 'wing')

# index: byte 0 even = whole file, odd = payload behind a valid header
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, 'fx.cmx')
    subprocess.run([f'{root}/target/release/coopmatch', 'index', '--profiles',
                    f'{root}/tests/fixtures/profiles.jsonl', '-o', out], check=True)
    cmx = open(out, 'rb').read()
w('index', 'file', b'\x00' + cmx)
w('index', 'payload', b'\x01' + cmx[28:])
