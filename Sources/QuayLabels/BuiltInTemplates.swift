/// The built-in templates (SPEC §7.3), in the same format as a school's own template files
/// (docs/labels.md), so they are read and checked by the same parser. `quay label show NAME`
/// prints one as a starting point for a school's own.
extension LabelTemplates {
    static let builtInSources: [(name: String, source: String)] = [
        ("spine", #"""
            # Nhãn gáy sách — the spine label: school, call number in lines, accession barcode.
            name = "spine"
            description = "Spine label, 30 × 40 mm: call number lines and the accession barcode"
            data = "item"
            width_mm = 30
            height_mm = 40

            [[text]]
            x_mm = 1
            y_mm = 0.8
            width_mm = 28
            height_mm = 4
            value = "{school_short}"
            size_pt = 7
            min_size_pt = 5
            align = "center"

            [[rule]]
            x_mm = 2
            y_mm = 5.2
            width_mm = 26
            height_mm = 0.25

            [[text]]
            x_mm = 1
            y_mm = 6
            width_mm = 28
            height_mm = 7
            value = "{call_line_1}"
            size_pt = 16
            min_size_pt = 8
            bold = true
            align = "center"

            [[text]]
            x_mm = 1
            y_mm = 13
            width_mm = 28
            height_mm = 7
            value = "{call_line_2}"
            size_pt = 16
            min_size_pt = 8
            bold = true
            align = "center"

            [[text]]
            x_mm = 1
            y_mm = 20
            width_mm = 28
            height_mm = 5.5
            value = "{call_line_3}"
            size_pt = 12
            min_size_pt = 7
            align = "center"

            [[barcode]]
            x_mm = 0
            y_mm = 26
            width_mm = 30
            height_mm = 9.5
            symbology = "code128"
            value = "{barcode}"

            [[text]]
            x_mm = 1
            y_mm = 35.8
            width_mm = 28
            height_mm = 3.8
            value = "{accession}"
            size_pt = 8
            min_size_pt = 6
            align = "center"
            """#),
        ("spine-plain", #"""
            # Nhãn gáy không mã vạch — the spine label without a barcode, for thin books.
            name = "spine-plain"
            description = "Spine label, 25 × 30 mm: call number lines only"
            data = "item"
            width_mm = 25
            height_mm = 30

            [[text]]
            x_mm = 1
            y_mm = 0.8
            width_mm = 23
            height_mm = 4
            value = "{school_short}"
            size_pt = 7
            min_size_pt = 5
            align = "center"

            [[rule]]
            x_mm = 2
            y_mm = 5.2
            width_mm = 21
            height_mm = 0.25

            [[text]]
            x_mm = 1
            y_mm = 6.5
            width_mm = 23
            height_mm = 7.5
            value = "{call_line_1}"
            size_pt = 16
            min_size_pt = 8
            bold = true
            align = "center"

            [[text]]
            x_mm = 1
            y_mm = 14
            width_mm = 23
            height_mm = 7.5
            value = "{call_line_2}"
            size_pt = 16
            min_size_pt = 8
            bold = true
            align = "center"

            [[text]]
            x_mm = 1
            y_mm = 22
            width_mm = 23
            height_mm = 6.5
            value = "{call_line_3}"
            size_pt = 12
            min_size_pt = 7
            align = "center"
            """#),
        ("barcode", #"""
            # Nhãn mã vạch — the accession barcode label: barcode, number, short title, school.
            name = "barcode"
            description = "Accession barcode label, 50 × 25 mm"
            data = "item"
            width_mm = 50
            height_mm = 25

            [[text]]
            x_mm = 1
            y_mm = 0.8
            width_mm = 48
            height_mm = 4
            value = "{school}"
            size_pt = 7
            min_size_pt = 5
            align = "center"

            [[barcode]]
            x_mm = 0
            y_mm = 5
            width_mm = 50
            height_mm = 11
            symbology = "code128"
            value = "{barcode}"

            [[text]]
            x_mm = 1
            y_mm = 16.3
            width_mm = 48
            height_mm = 4.2
            value = "{accession}"
            size_pt = 10
            min_size_pt = 7
            bold = true
            align = "center"

            [[text]]
            x_mm = 1
            y_mm = 20.6
            width_mm = 48
            height_mm = 4
            value = "{title}"
            size_pt = 7
            min_size_pt = 5
            align = "center"
            """#),
        ("command", #"""
            # Mã lệnh — a desk command barcode (the command sheet as labels): barcode, caption, code.
            name = "command"
            description = "Desk command label, 50 × 25 mm"
            data = "command"
            width_mm = 50
            height_mm = 25

            [[barcode]]
            x_mm = 0
            y_mm = 1
            width_mm = 50
            height_mm = 12
            symbology = "code128"
            value = "{code}"

            [[text]]
            x_mm = 1
            y_mm = 13.6
            width_mm = 48
            height_mm = 6.5
            value = "{caption}"
            size_pt = 11
            min_size_pt = 7
            bold = true
            align = "center"

            [[text]]
            x_mm = 1
            y_mm = 20.4
            width_mm = 48
            height_mm = 3.8
            value = "{code}"
            size_pt = 7
            min_size_pt = 5
            align = "center"
            """#),
        ("tag", #"""
            # Tem thiết bị — the equipment asset tag: QR and Code 128 of the unit's code, name, room, school.
            name = "tag"
            description = "Equipment asset tag, 50 × 30 mm"
            data = "equipment"
            width_mm = 50
            height_mm = 30

            [[barcode]]
            x_mm = 0
            y_mm = 0
            width_mm = 17
            height_mm = 17
            symbology = "qr"
            value = "{barcode}"

            [[text]]
            x_mm = 17.5
            y_mm = 1
            width_mm = 32
            height_mm = 8.5
            value = "{name}"
            size_pt = 9
            min_size_pt = 6
            bold = true
            lines = 2

            [[text]]
            x_mm = 17.5
            y_mm = 9.8
            width_mm = 32
            height_mm = 3.5
            value = "{room}"
            size_pt = 7
            min_size_pt = 5

            [[text]]
            x_mm = 17.5
            y_mm = 13.3
            width_mm = 32
            height_mm = 3.5
            value = "{school}"
            size_pt = 6
            min_size_pt = 5

            [[barcode]]
            x_mm = 0
            y_mm = 17.2
            width_mm = 50
            height_mm = 8.8
            symbology = "code128"
            value = "{barcode}"

            [[text]]
            x_mm = 1
            y_mm = 26.2
            width_mm = 48
            height_mm = 3.6
            value = "{code}"
            size_pt = 8
            min_size_pt = 6
            bold = true
            align = "center"
            """#),
        ("card", #"""
            # Thẻ thư viện — the library card, CR80 size: school, name, class, year, card barcode.
            name = "card"
            description = "Library card, 86 × 54 mm"
            data = "patron"
            width_mm = 86
            height_mm = 54

            [[text]]
            x_mm = 3
            y_mm = 2.5
            width_mm = 80
            height_mm = 5.5
            value = "{school}"
            size_pt = 10
            min_size_pt = 7
            bold = true
            align = "center"

            [[text]]
            x_mm = 3
            y_mm = 8
            width_mm = 80
            height_mm = 6
            value = "THẺ THƯ VIỆN"
            size_pt = 13
            min_size_pt = 9
            bold = true
            align = "center"

            [[rule]]
            x_mm = 10
            y_mm = 14.6
            width_mm = 66
            height_mm = 0.3

            [[text]]
            x_mm = 3
            y_mm = 16
            width_mm = 80
            height_mm = 8
            value = "{name}"
            size_pt = 16
            min_size_pt = 9
            bold = true
            align = "center"

            [[text]]
            x_mm = 5
            y_mm = 25
            width_mm = 38
            height_mm = 5
            value = "Lớp: {class}"
            size_pt = 10
            min_size_pt = 7

            [[text]]
            x_mm = 43
            y_mm = 25
            width_mm = 38
            height_mm = 5
            value = "Năm học: {school_year}"
            size_pt = 10
            min_size_pt = 7
            align = "right"

            [[barcode]]
            x_mm = 3
            y_mm = 31
            width_mm = 80
            height_mm = 15
            symbology = "code128"
            value = "{card}"

            [[text]]
            x_mm = 3
            y_mm = 46.5
            width_mm = 80
            height_mm = 5.5
            value = "{card}"
            size_pt = 11
            min_size_pt = 8
            align = "center"
            """#),
        ("slip58", #"""
            # Phiếu mượn — the loan slip for 58 mm receipt paper (48 mm printable), in Vietnamese.
            name = "slip58"
            description = "Loan slip for 58 mm receipt paper"
            data = "loan_slip"
            width_mm = 48
            height_mm = 56.1

            [[text]]
            x_mm = 0
            y_mm = 1
            width_mm = 48
            height_mm = 9.5
            value = "{school}"
            size_pt = 10
            min_size_pt = 7
            bold = true
            align = "center"
            lines = 2

            [[text]]
            x_mm = 0
            y_mm = 11
            width_mm = 48
            height_mm = 5.5
            value = "PHIẾU MƯỢN SÁCH"
            size_pt = 11
            min_size_pt = 8
            bold = true
            align = "center"

            [[text]]
            x_mm = 0
            y_mm = 17.5
            width_mm = 48
            height_mm = 4.5
            value = "Người mượn: {borrower}"
            size_pt = 8
            min_size_pt = 6

            [[text]]
            x_mm = 0
            y_mm = 22
            width_mm = 48
            height_mm = 4.5
            value = "Lớp: {class}    Thẻ: {card}"
            size_pt = 8
            min_size_pt = 6

            [[text]]
            x_mm = 0
            y_mm = 26.5
            width_mm = 48
            height_mm = 4.5
            value = "Ngày mượn: {date}"
            size_pt = 8
            min_size_pt = 6

            [[rule]]
            x_mm = 0
            y_mm = 31.5
            width_mm = 48
            height_mm = 0.3

            [[rule]]
            x_mm = 0
            y_mm = 42.3
            width_mm = 48
            height_mm = 0.3

            [[text]]
            x_mm = 0
            y_mm = 43.1
            width_mm = 48
            height_mm = 4.5
            value = "Số sách mượn: {count}"
            size_pt = 8
            min_size_pt = 6
            bold = true

            [[text]]
            x_mm = 0
            y_mm = 48.1
            width_mm = 48
            height_mm = 4.5
            value = "Xin trả sách đúng hạn. Xin cảm ơn!"
            size_pt = 8
            min_size_pt = 6
            align = "center"

            [repeat]
            over = "items"
            y_mm = 32.3
            pitch_mm = 9.5

            [[repeat.text]]
            x_mm = 0
            y_mm = 0.3
            width_mm = 48
            height_mm = 4.6
            value = "{item.title}"
            size_pt = 8.5
            min_size_pt = 6
            bold = true

            [[repeat.text]]
            x_mm = 0
            y_mm = 4.9
            width_mm = 48
            height_mm = 4.2
            value = "{item.accession}    Hạn trả: {item.due}"
            size_pt = 8
            min_size_pt = 6
            """#),
        ("slip80", #"""
            # Phiếu mượn — the loan slip for 80 mm receipt paper (72 mm printable), in Vietnamese.
            name = "slip80"
            description = "Loan slip for 80 mm receipt paper"
            data = "loan_slip"
            width_mm = 72
            height_mm = 68.8

            [[text]]
            x_mm = 0
            y_mm = 1
            width_mm = 72
            height_mm = 11.88
            value = "{school}"
            size_pt = 12.5
            min_size_pt = 7
            bold = true
            align = "center"
            lines = 2

            [[text]]
            x_mm = 0
            y_mm = 13.5
            width_mm = 72
            height_mm = 6.88
            value = "PHIẾU MƯỢN SÁCH"
            size_pt = 13.75
            min_size_pt = 8
            bold = true
            align = "center"

            [[text]]
            x_mm = 0
            y_mm = 21.62
            width_mm = 72
            height_mm = 5.62
            value = "Người mượn: {borrower}"
            size_pt = 10
            min_size_pt = 6

            [[text]]
            x_mm = 0
            y_mm = 27.25
            width_mm = 72
            height_mm = 5.62
            value = "Lớp: {class}    Thẻ: {card}"
            size_pt = 10
            min_size_pt = 6

            [[text]]
            x_mm = 0
            y_mm = 32.88
            width_mm = 72
            height_mm = 5.62
            value = "Ngày mượn: {date}"
            size_pt = 10
            min_size_pt = 6

            [[rule]]
            x_mm = 0
            y_mm = 39.12
            width_mm = 72
            height_mm = 0.3

            [[rule]]
            x_mm = 0
            y_mm = 52.3
            width_mm = 72
            height_mm = 0.3

            [[text]]
            x_mm = 0
            y_mm = 53.1
            width_mm = 72
            height_mm = 5.62
            value = "Số sách mượn: {count}"
            size_pt = 10
            min_size_pt = 6
            bold = true

            [[text]]
            x_mm = 0
            y_mm = 59.35
            width_mm = 72
            height_mm = 5.62
            value = "Xin trả sách đúng hạn. Xin cảm ơn!"
            size_pt = 10
            min_size_pt = 6
            align = "center"

            [repeat]
            over = "items"
            y_mm = 39.92
            pitch_mm = 11.88

            [[repeat.text]]
            x_mm = 0
            y_mm = 0.3
            width_mm = 72
            height_mm = 5.75
            value = "{item.title}"
            size_pt = 10.625
            min_size_pt = 6
            bold = true

            [[repeat.text]]
            x_mm = 0
            y_mm = 6.05
            width_mm = 72
            height_mm = 5.25
            value = "{item.accession}    Hạn trả: {item.due}"
            size_pt = 10
            min_size_pt = 6
            """#),
    ]
}
