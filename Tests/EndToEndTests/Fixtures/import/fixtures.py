"""Writes the import fixtures (see README.md); make-fixtures.sh calls each step in turn."""

import datetime
import sys
import unicodedata
import zipfile
from xml.sax.saxutils import escape

import legacy


def catalogue(path):
    """400 titles of 5 copies: 2,000 rows (as ImportAcceptanceTests made it at run time)."""
    words = ['truyện', 'cổ tích', 'lớp năm', 'học tốt', 'tiếng việt', 'đường về', 'mùa thu', 'quê hương', 'ước mơ', 'bạn nhỏ']
    names = ['Nguyễn Thị Hương', 'Đặng Văn Ơn', 'Trần Thị Ngân', 'Lê Văn Ước', 'Phạm Thị Ngọc']
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write('Số ĐKCB,Nhan đề,Tác giả,Giá,Ngày vào sổ\r\n')
        for n in range(2000):
            t = n // 5
            title = 'Ăn ' + words[t % 10] + ' ' + words[(t // 10) % 10] + ' số ' + str(t)
            f.write('STK.%06d,%s,%s,%d,05/09/2020\r\n' % (n + 1, title, names[t % 5], 10000 + t))


def convert(source, encoding, path):
    """The UTF-8 file in TCVN3, VNI or VPS by legacy.py's tables, checked by reading it back."""
    text = open(source, encoding='utf-8', newline='').read()
    data = legacy.encode(text, encoding)
    assert legacy.decode(data, encoding) == text
    open(path, 'wb').write(data)


def koha_xml(path):
    """500 Koha-style records, three copies each, as MARCXML for yaz-marcdump."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<collection xmlns="http://www.loc.gov/MARC21/slim">']
    for r in range(500):
        f = ['<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">%d</controlfield>' % (r + 1)]
        f.append('<datafield tag="082" ind1="0" ind2="4"><subfield code="a">895.922%d</subfield></datafield>' % (r % 10))
        f.append('<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Nguyễn Văn %d</subfield></datafield>' % r)
        f.append('<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Truyện ngắn tập %d /</subfield></datafield>' % r)
        for c in range(3):
            f.append('<datafield tag="952" ind1=" " ind2=" "><subfield code="p">3023400%07d</subfield><subfield code="o">895.922%d NG-V</subfield><subfield code="y">STK</subfield><subfield code="c">KE-%d</subfield></datafield>' % (r * 3 + c, r % 10, c))
        f.append('</record>')
        out.append(''.join(f))
    out.append('</collection>')
    open(path, 'w', encoding='utf-8').write('\n'.join(out))


def marc8_xml(path):
    """One record for yaz to write in MARC-8, decomposed (MARC-8 has no combining horn: no ơ or ư)."""
    x = '<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">Địa lý Việt Nam</subfield></datafield><datafield tag="952" ind1=" " ind2=" "><subfield code="p">30234009999999</subfield><subfield code="y">STK</subfield></datafield></record></collection>'
    open(path, 'w', encoding='utf-8').write(unicodedata.normalize('NFD', x))


BROKEN_TITLES = ['Dế Mèn phiêu lưu ký', 'Tắt đèn', 'Số đỏ', 'Vợ nhặt', 'Chí Phèo']


def broken_xml(path):
    """Five records of one copy each; make-fixtures.sh breaks the third after yaz has written it."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<collection xmlns="http://www.loc.gov/MARC21/slim">']
    for r, title in enumerate(BROKEN_TITLES):
        out.append(
            '<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">%d</controlfield>'
            '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">%s</subfield></datafield>'
            '<datafield tag="952" ind1=" " ind2=" "><subfield code="p">302340200000%02d</subfield><subfield code="y">STK</subfield></datafield></record>'
            % (r + 1, escape(title), r + 1))
    out.append('</collection>')
    open(path, 'w', encoding='utf-8').write('\n'.join(out))


def break_third(source, path):
    """Record 3's directory entry for 245 made to point past the end of its data (start 99000)."""
    data = open(source, 'rb').read()
    records = [r + b'\x1d' for r in data.split(b'\x1d')[:-1]]
    assert len(records) == 5 and b''.join(records) == data
    third = bytearray(records[2])
    base = int(third[12:17])
    for at in range(24, base - 1, 12):
        if third[at:at + 3] == b'245':
            third[at + 7:at + 12] = b'99000'
            break
    else:
        raise SystemExit('no 245 in record 3')
    records[2] = bytes(third)
    open(path, 'wb').write(b''.join(records))
    print('broken.mrc: record 3 starts at byte %d' % (len(records[0]) + len(records[1])))


# The workbook: (accession, title, title font, author, author font, price, publisher). Titles in
# .VnTime keep to TCVN3's small letters and seven capitals; the one in .VnTimeH is all capitals.
WORKBOOK = [
    ('STK.000401', 'Dế Mèn phiêu lưu ký', '.VnTime', 'Tô Hoài', 'VNI-Times', 45000, 'Kim Đồng'),
    ('STK.000402', 'Tắt đèn', '.VnTime', 'Ngô Tất Tố', 'VNI-Times', 38000, 'Văn học'),
    ('STK.000403', 'Số đỏ', '.VnTime', 'Vũ Trọng Phụng', 'VNI-Times', 52000, 'Văn học'),
    ('STK.000404', 'Vợ chồng A Phủ', '.VnTime', 'Tô Hoài', 'VNI-Times', 30000, 'Kim Đồng'),
    ('STK.000405', 'Chiếc lược ngà', '.VnTime', 'Nguyễn Quang Sáng', 'VNI-Times', 27000, 'Giáo dục Việt Nam'),
    ('STK.000406', 'Đất rừng phương Nam', '.VnTime', 'Đoàn Giỏi', 'VNI-Times', 64000, 'Kim Đồng'),
    ('STK.000407', 'Những ngôi sao xa xôi', '.VnTime', 'Lê Minh Khuê', 'VNI-Times', 33000, 'Hội Nhà văn'),
    ('STK.000408', 'Ông già và biển cả', '.VnTime', 'Ernest Hemingway', 'Calibri', 48000, 'Văn học'),
    ('STK.000409', 'Ăn quả nhớ kẻ trồng cây', '.VnTime', 'Ưng Hoàng Phúc', 'VNI-Times', 21000, 'Giáo dục Việt Nam'),
    ('STK.000410', 'Ước mơ của bạn nhỏ', '.VnTime', 'Ỷ Lan Thị Ẩn', 'VNI-Times', 19000, 'Kim Đồng'),
    ('STK.000411', 'TUYỂN TẬP THƠ THIẾU NHI', '.VnTimeH', 'Trần Đăng Khoa', 'Calibri', 56000, 'Hội Nhà văn'),
    ('STK.000412', 'Quê hương yêu dấu', '.VnTime', 'Nguyễn Nhật Ánh', 'Calibri', 41000, 'Trẻ'),
    ('STK.000413', 'Bộ đội cụ Hồ', '.VnTime', 'Đỗ Chu', 'VNI-Times', 25000, 'Quân đội nhân dân'),
    ('STK.000414', 'Mưa bóng mây', '.VnTime', 'Ý Nhi', 'VNI-Times', 17000, 'Trẻ'),
    ('STK.000415', 'Giữa dòng chảy lạ', '.VnTime', 'Ỹ Ẽ Ũ Ĩ Ẵ', 'VNI-Times', 23000, 'Văn học'),
    ('STK.000416', 'Bảng chữ: á ạ ả ã ằ ắ ẳ ẵ ặ ầ ấ ẩ ẫ ậ', '.VnTime', 'Ờ Ở Ỡ Ợ Ừ Ứ Ử Ữ Ự', 'VNI-Times', 10000, 'Giáo dục Việt Nam'),
    ('STK.000417', 'Bảng chữ: è é ẻ ẽ ẹ ề ế ể ễ ệ ì í ỉ ĩ ị', '.VnTime', 'Ò Ó Ỏ Õ Ọ Ồ Ố Ổ Ỗ Ộ', 'VNI-Times', 10000, 'Giáo dục Việt Nam'),
    ('STK.000418', 'Bảng chữ: ò ó ỏ õ ọ ồ ố ổ ỗ ộ ờ ớ ở ỡ ợ', '.VnTime', 'À Á Ả Ã Ạ Ằ Ắ Ẳ Ặ Ầ Ấ Ẩ Ẫ Ậ', 'VNI-Times', 10000, 'Giáo dục Việt Nam'),
    ('STK.000419', 'Bảng chữ: ù ú ủ ũ ụ ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ', '.VnTime', 'È É Ẻ Ẹ Ề Ế Ể Ễ Ệ Ì Í Ỉ Ị Ù Ú Ủ Ụ', 'VNI-Times', 10000, 'Giáo dục Việt Nam'),
    ('STK.000420', 'Bảng chữ: Ă Â Đ Ê Ô Ơ Ư ă â đ ê ô ơ ư', '.VnTime', 'Ỳ Ý Ỷ Ỵ Â Ă Ê Ô Ớ Đinh Ơn Ưng', 'VNI-Times', 10000, 'Giáo dục Việt Nam'),
]

FIXED = datetime.datetime(2020, 9, 5, 8, 0, 0)


def font_text(text, encoding, capitals=False):
    """The legacy bytes as the characters U+0000-U+00FF of their values, as the cell holds them."""
    return legacy.encode(text, encoding, capitals).decode('latin-1')


def xlsx(path):
    import io
    import openpyxl
    from openpyxl.styles import Font
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Sổ đăng ký'
    wb.properties.creator = 'Quầy fixtures'
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    calibri = Font(name='Calibri')
    for column, value in enumerate(['Số ĐKCB', 'Nhan đề', 'Tác giả', 'Giá', 'Nhà xuất bản'], start=1):
        ws.cell(row=1, column=column, value=value).font = calibri
    for r, (accession, title, title_font, author, author_font, price, publisher) in enumerate(WORKBOOK, start=2):
        ws.cell(row=r, column=1, value=accession).font = calibri
        if title_font == '.VnTimeH':
            value = font_text(title, 'tcvn3', capitals=True)
        else:
            value = font_text(title, 'tcvn3')
        ws.cell(row=r, column=2, value=value).font = Font(name=title_font)
        value = font_text(author, 'vni') if author_font == 'VNI-Times' else author
        ws.cell(row=r, column=3, value=value).font = Font(name=author_font)
        ws.cell(row=r, column=4, value=price).font = calibri
        ws.cell(row=r, column=5, value=publisher).font = calibri
    buffer = io.BytesIO()
    wb.save(buffer)
    # The same bytes every run: each entry again with a fixed date, in the same order, and the
    # document properties' dates fixed (openpyxl stamps `modified` with the time of saving).
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == 'docProps/core.xml':
                import re
                stamp = FIXED.strftime('%Y-%m-%dT%H:%M:%SZ').encode()
                data = re.sub(rb'(<dcterms:(created|modified)[^>]*>)[^<]*', lambda m: m.group(1) + stamp, data)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            out.writestr(entry, data, compresslevel=6)


def expected(path):
    """What each row of legacy-fonts.xlsx must import as (NFC UTF-8)."""
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write('Số ĐKCB,Nhan đề,Tác giả,Giá,Nhà xuất bản\n')
        for accession, title, title_font, author, author_font, price, publisher in WORKBOOK:
            if title_font == '.VnTimeH':
                title = title.upper()
            row = [accession, title, author, str(price), publisher]
            assert all(',' not in v and '"' not in v for v in row)
            f.write(unicodedata.normalize('NFC', ','.join(row)) + '\n')


if __name__ == '__main__':
    step, arguments = sys.argv[1], sys.argv[2:]
    {
        'catalogue': catalogue, 'convert': convert, 'koha-xml': koha_xml, 'marc8-xml': marc8_xml,
        'broken-xml': broken_xml, 'break-third': break_third, 'xlsx': xlsx, 'expected': expected,
    }[step](*arguments)
