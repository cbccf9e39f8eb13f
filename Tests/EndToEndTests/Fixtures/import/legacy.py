"""TCVN3 (ABC), VNI-Windows and VPS, from UniKey's published tables, for the import fixtures.

The table below is typed from UniKey's charset tables (vn-input/ibus-unikey, ukengine/data.cpp
at commit a58e6c45f671eb801fff74c5b053fa98d80fa272, the last commit to touch that file; the
repository's HEAD when checked was 31894a09498974f204a3053af53060f99fa4de33): its
SingleByteTables (TCVN3, VPS) and DoubleByteTables (VNI-WIN), in the order of its UnicodeTable.
`python3 legacy.py check PATH/TO/data.cpp` parses that file and compares it with this copy.
It is deliberately not taken from Quầy's own Swift tables: the fixtures check those.

Each line: the letter, its TCVN3 byte, its VPS byte, its VNI-Windows bytes (a base letter and,
for most letters, a second byte that draws the marks). ASCII letters are themselves in all three.
Where UniKey gives a capital and its small letter the same single byte (TCVN3's capitals with
tones, which come from the capital fonts such as .VnTimeH; fourteen capitals of VPS), the byte
is the small letter's, and the capital has no code here: encoding it is an error.
"""

import sys
import unicodedata

TABLE = """
Á B8 C1 41D9  á B8 E1 61F9  À B5 80 41D8  à B5 E0 61F8  Ả B6 81 41DB  ả B6 E4 61FB
Ã B7 82 41D5  ã B7 E3 61F5  Ạ B9 E5 41CF  ạ B9 E5 61EF  Â A2 C2 41C2  â A9 E2 61E2
Ấ CA 83 41C1  ấ CA C3 61E1  Ầ C7 84 41C0  ầ C7 C0 61E0  Ẩ C8 85 41C5  ẩ C8 C4 61E5
Ẫ C9 C5 41C3  ẫ C9 C5 61E3  Ậ CB C6 41C4  ậ CB C6 61E4  Ă A1 88 41CA  ă A8 E6 61EA
Ắ BE 8D 41C9  ắ BE A1 61E9  Ằ BB 8E 41C8  ằ BB A2 61E8  Ẳ BC 8F 41DA  ẳ BC A3 61FA
Ẵ BD F0 41DC  ẵ BD A4 61FC  Ặ C6 A5 41CB  ặ C6 A5 61EB  Đ A7 F1 D1  đ AE C7 F1
É D0 C9 45D9  é D0 E9 65F9  È CC D7 45D8  è CC E8 65F8  Ẻ CE DE 45DB  ẻ CE C8 65FB
Ẽ CF FE 45D5  ẽ CF EB 65F5  Ẹ D1 CB 45CF  ẹ D1 CB 65EF  Ê A3 CA 45C2  ê AA EA 65E2
Ế D5 90 45C1  ế D5 89 65E1  Ề D2 93 45C0  ề D2 8A 65E0  Ể D3 94 45C5  ể D3 8B 65E5
Ễ D4 95 45C3  ễ D4 CD 65E3  Ệ D6 8C 45C4  ệ D6 8C 65E4  Í DD B4 CD  í DD ED ED
Ì D7 B5 CC  ì D7 EC EC  Ỉ D8 B7 C6  ỉ D8 CC E6  Ĩ DC B8 D3  ĩ DC EF F3
Ị DE CE D2  ị DE CE F2  Ó E3 B9 4FD9  ó E3 F3 6FF9  Ò DF BC 4FD8  ò DF F2 6FF8
Ỏ E1 BD 4FDB  ỏ E1 D5 6FFB  Õ E2 BE 4FD5  õ E2 F5 6FF5  Ọ E4 86 4FCF  ọ E4 86 6FEF
Ô A4 D4 4FC2  ô AB F4 6FE2  Ố E8 96 4FC1  ố E8 D3 6FE1  Ồ E5 97 4FC0  ồ E5 D2 6FE0
Ổ E6 98 4FC5  ổ E6 B0 6FE5  Ỗ E7 99 4FC3  ỗ E7 87 6FE3  Ộ E9 B6 4FC4  ộ E9 B6 6FE4
Ơ A5 F7 D4  ơ AC D6 F4  Ớ ED 9D D4D9  ớ ED A7 F4F9  Ờ EA 9E D4D8  ờ EA A9 F4F8
Ở EB 9F D4DB  ở EB AA F4FB  Ỡ EC A6 D4D5  ỡ EC AB F4F5  Ợ EE AE D4CF  ợ EE AE F4EF
Ú F3 DA 55D9  ú F3 FA 75F9  Ù EF A8 55D8  ù EF F9 75F8  Ủ F1 D1 55DB  ủ F1 FB 75FB
Ũ F2 AC 55D5  ũ F2 DB 75F5  Ụ F4 F8 55CF  ụ F4 F8 75EF  Ư A6 D0 D6  ư AD DC F6
Ứ F8 AD D6D9  ứ F8 D9 F6F9  Ừ F5 AF D6D8  ừ F5 D8 F6F8  Ử F6 B1 D6DB  ử F6 BA F6FB
Ữ F7 BB D6D5  ữ F7 BB F6F5  Ự F9 BF D6CF  ự F9 BF F6EF  Ý FD DD 59D9  ý FD 9A 79F9
Ỳ FA B2 59D8  ỳ FA FF 79F8  Ỷ FB FD 59DB  ỷ FB 9B 79FB  Ỹ FC B3 59D5  ỹ FC CF 79F5
Ỵ FE 9C CE  ỵ FE 9C EE
"""


def _entries():
    words = TABLE.split()
    return [(words[i], int(words[i + 1], 16), int(words[i + 2], 16), bytes.fromhex(words[i + 3])) for i in range(0, len(words), 4)]


def _single(column):
    codes = {}
    by_byte = {}
    for entry in _entries():
        by_byte.setdefault(entry[column], []).append(entry[0])
    for byte, letters in by_byte.items():
        if len(letters) == 1:
            codes[letters[0]] = bytes([byte])
        else:
            # A capital and its small letter at one code: the code is the small letter's.
            small = [c for c in letters if c == c.lower()]
            assert len(small) == 1 and all(c.lower() == small[0] for c in letters), letters
            codes[small[0]] = bytes([byte])
    return codes


CODES = {
    'tcvn3': _single(1),
    'vps': _single(2),
    'vni': {letter: vni for letter, _, _, vni in _entries()},
}


def encode(text, encoding, capitals=False):
    """`text` (NFC) in `encoding`; `capitals`: TCVN3 for a capital font, at the small letters' codes."""
    text = unicodedata.normalize('NFC', text)
    if capitals:
        assert encoding == 'tcvn3'
        text = text.lower()
    out = bytearray()
    for c in text:
        if ord(c) < 0x80:
            out += c.encode('ascii')
        elif c in CODES[encoding]:
            out += CODES[encoding][c]
        else:
            raise ValueError('%r (U+%04X) has no code in %s' % (c, ord(c), encoding))
    return bytes(out)


def decode(data, encoding):
    """The inverse, to check each fixture reads back as its text."""
    if encoding == 'vni':
        pairs = {v: k for k, v in CODES['vni'].items()}
        out, i = [], 0
        while i < len(data):
            if data[i:i + 2] in pairs:
                out.append(pairs[data[i:i + 2]]); i += 2
            elif data[i:i + 1] in pairs:
                out.append(pairs[data[i:i + 1]]); i += 1
            elif data[i] < 0x80:
                out.append(chr(data[i])); i += 1
            else:
                raise ValueError('byte %02X at %d is no VNI letter' % (data[i], i))
        return ''.join(out)
    table = {v[0]: k for k, v in CODES[encoding].items()}
    return ''.join(chr(b) if b < 0x80 else table[b] for b in data)


def check(path):
    """Compares TABLE with UniKey's data.cpp (its raw 8-bit character literals and hex words)."""
    import re
    data = open(path, 'rb').read()

    def numbers(start, end):
        i = data.index(start)
        chunk = re.sub(rb'//[^\n]*', b'', data[i:data.index(end, i)])
        return [m.group(1)[-1] if m.group(1) is not None else int(m.group(2), 16)
                for m in re.finditer(rb"'(\\?.)'|0x([0-9A-Fa-f]+)", chunk, re.S)]

    unicode = numbers(b'UnicodeChar UnicodeTable[TOTAL_VNCHARS] =', b'};')
    single = numbers(b'unsigned char SingleByteTables[][TOTAL_VNCHARS] =', b'UKWORD DoubleByteTables')
    double = numbers(b'UKWORD DoubleByteTables[][TOTAL_VNCHARS] = {', b'UKWORD WinCP1258[')
    tcvn3, vps, vni = single[0:213], single[213:426], double[0:213]
    theirs = []
    for k in range(186):  # the letters; the rest are Windows punctuation
        if unicode[k] >= 0x80:
            word = vni[k]
            pair = bytes([word & 0xFF]) + (bytes([word >> 8]) if word > 0xFF else b'')
            theirs.append((chr(unicode[k]), tcvn3[k], vps[k], pair))
    assert theirs == _entries(), 'the typed table differs from ' + path
    print('legacy.py: %d letters agree with %s' % (len(theirs), path))


if __name__ == '__main__':
    if sys.argv[1:2] == ['check']:
        check(sys.argv[2])
