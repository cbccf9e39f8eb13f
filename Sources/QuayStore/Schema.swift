import GRDB
import QuayCore

/// The schema as named, append-only migrations (STYLE §6). A migration, once released, is
/// never edited: changes come as new migrations after it.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registers") { db in
            // A register (sổ) is a numbering sequence; numbers are never reused (SPEC §4),
            // so next_number only grows.
            try db.execute(
                sql: """
                    CREATE TABLE register (
                        code TEXT PRIMARY KEY NOT NULL CHECK (length(code) BETWEEN 1 AND 16),
                        name TEXT NOT NULL,
                        prefix TEXT NOT NULL,
                        separator TEXT NOT NULL DEFAULT '.' CHECK (length(separator) <= 1),
                        width INTEGER NOT NULL DEFAULT 6 CHECK (width BETWEEN 1 AND 12),
                        next_number INTEGER NOT NULL DEFAULT 1 CHECK (next_number >= 1)
                    ) STRICT
                    """)
            let defaults: [(String, String)] = [
                ("SGK", "Sách giáo khoa"),
                ("SNV", "Sách nghiệp vụ"),
                ("STK", "Sách tham khảo"),
                ("TN", "Sách thiếu nhi"),
                ("TB", "Thiết bị dạy học"),
            ]
            for (code, name) in defaults {
                try db.execute(
                    sql: "INSERT INTO register (code, name, prefix) VALUES (?, ?, ?)",
                    arguments: [code, name, code])
            }
        }
        migrator.registerMigration("v2-catalogue") { db in
            // The general register (sổ đăng ký tổng quát): one line per intake.
            try db.execute(
                sql: """
                    CREATE TABLE batch (
                        id INTEGER PRIMARY KEY,
                        register_code TEXT NOT NULL REFERENCES register(code),
                        received_on TEXT NOT NULL CHECK (received_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                        source TEXT NOT NULL CHECK (source IN ('purchase', 'donation', 'transfer')),
                        document_ref TEXT,
                        copies INTEGER NOT NULL CHECK (copies > 0),
                        unit_price INTEGER NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
                        total_value INTEGER NOT NULL DEFAULT 0 CHECK (total_value >= 0),
                        first_number INTEGER NOT NULL CHECK (first_number >= 1),
                        last_number INTEGER NOT NULL CHECK (last_number = first_number + copies - 1),
                        note TEXT,
                        created_at TEXT NOT NULL
                    ) STRICT;

                    -- A title (đầu sách). Folded text and keys are kept beside what staff typed.
                    CREATE TABLE record (
                        id INTEGER PRIMARY KEY,
                        title TEXT NOT NULL CHECK (length(title) > 0),
                        authors TEXT NOT NULL DEFAULT '',
                        publisher TEXT,
                        year INTEGER CHECK (year BETWEEN 1000 AND 9999),
                        isbn TEXT CHECK (isbn IS NULL OR (length(isbn) = 13 AND isbn NOT GLOB '*[^0-9]*')),
                        language TEXT,
                        class_number TEXT,
                        author_mark TEXT,
                        call_number TEXT,
                        call_sort_key TEXT,
                        subject TEXT,
                        grade INTEGER CHECK (grade IS NULL OR grade BETWEEN 1 AND 12),
                        kind TEXT NOT NULL,
                        price INTEGER CHECK (price IS NULL OR price >= 0),
                        notes TEXT,
                        created_at TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX record_isbn ON record(isbn) WHERE isbn IS NOT NULL;

                    -- One physical copy (bản sách). Numbers are unique per register and never reused.
                    CREATE TABLE item (
                        id INTEGER PRIMARY KEY,
                        register_code TEXT NOT NULL REFERENCES register(code),
                        number INTEGER NOT NULL CHECK (number >= 1),
                        barcode TEXT NOT NULL UNIQUE CHECK (length(barcode) BETWEEN 1 AND 64),
                        record_id INTEGER NOT NULL REFERENCES record(id),
                        batch_id INTEGER NOT NULL REFERENCES batch(id),
                        call_sort_key TEXT,
                        location TEXT,
                        status TEXT NOT NULL DEFAULT 'available'
                            CHECK (status IN ('available', 'on_loan', 'missing', 'damaged', 'withdrawn')),
                        price INTEGER CHECK (price IS NULL OR price >= 0),
                        condition TEXT,
                        last_seen_at TEXT,
                        UNIQUE (register_code, number)
                    ) STRICT;
                    CREATE INDEX item_record ON item(record_id);
                    CREATE INDEX item_shelf ON item(call_sort_key, register_code, number);

                    CREATE TABLE class (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 16),
                        school_year TEXT NOT NULL CHECK (school_year GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'),
                        grade INTEGER CHECK (grade IS NULL OR grade BETWEEN 1 AND 12),
                        homeroom_teacher TEXT,
                        UNIQUE (name, school_year)
                    ) STRICT;

                    -- A borrower (bạn đọc).
                    CREATE TABLE patron (
                        id INTEGER PRIMARY KEY,
                        card TEXT NOT NULL UNIQUE CHECK (length(card) BETWEEN 1 AND 64),
                        full_name TEXT NOT NULL CHECK (length(full_name) > 0),
                        name_sort_key BLOB NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('pupil', 'teacher', 'staff')),
                        class_id INTEGER REFERENCES class(id),
                        school_year TEXT,
                        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'left')),
                        created_at TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX patron_class ON patron(class_id, name_sort_key);

                    -- Folded text for search: no diacritics, lower case, đ as d (SPEC §12).
                    CREATE VIRTUAL TABLE record_search USING fts5(folded, tokenize = 'unicode61');
                    CREATE VIRTUAL TABLE patron_search USING fts5(folded, tokenize = 'unicode61');
                    """)
        }
        migrator.registerMigration("v3-circulation") { db in
            try db.execute(
                sql: """
                    -- A loan (lượt mượn): to a patron or to a whole class, never both.
                    CREATE TABLE loan (
                        id INTEGER PRIMARY KEY,
                        item_id INTEGER NOT NULL REFERENCES item(id),
                        patron_id INTEGER REFERENCES patron(id),
                        class_id INTEGER REFERENCES class(id),
                        kind TEXT NOT NULL CHECK (kind IN ('normal', 'school_year', 'class_library')),
                        loaned_at TEXT NOT NULL,
                        due_at TEXT NOT NULL,
                        returned_at TEXT,
                        renewals INTEGER NOT NULL DEFAULT 0 CHECK (renewals >= 0),
                        desk TEXT,
                        operator TEXT,
                        CHECK ((patron_id IS NULL) <> (class_id IS NULL)),
                        CHECK (returned_at IS NULL OR returned_at >= loaned_at)
                    ) STRICT;
                    -- At most one open loan per item, whatever the code does.
                    CREATE UNIQUE INDEX loan_open_item ON loan(item_id) WHERE returned_at IS NULL;
                    -- Overdue checks and lists seek these; nothing scans a borrower's loans.
                    CREATE INDEX loan_open_patron ON loan(patron_id, due_at) WHERE returned_at IS NULL AND patron_id IS NOT NULL;
                    CREATE INDEX loan_open_class ON loan(class_id, due_at) WHERE returned_at IS NULL AND class_id IS NOT NULL;
                    CREATE INDEX loan_open_due ON loan(due_at) WHERE returned_at IS NULL;
                    CREATE INDEX loan_item ON loan(item_id, loaned_at);

                    -- Open loans per borrower ('p' || patron id, 'c' || class id) and material kind,
                    -- maintained by checkout and return, so limits never count a borrower's loans.
                    CREATE TABLE open_loans (
                        borrower TEXT NOT NULL,
                        material TEXT NOT NULL,
                        count INTEGER NOT NULL CHECK (count >= 0),
                        PRIMARY KEY (borrower, material)
                    ) STRICT, WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4-equipment") { db in
            try db.execute(
                sql: """
                    -- The equipment catalogue (sổ danh mục thiết bị): one row per kind of equipment.
                    CREATE TABLE equipment_type (
                        code TEXT PRIMARY KEY NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        name_folded TEXT NOT NULL,
                        subject TEXT,
                        grades TEXT,
                        unit TEXT NOT NULL DEFAULT 'cái',
                        room TEXT,
                        tracking TEXT NOT NULL CHECK (tracking IN ('unit', 'quantity')),
                        -- On hand, for equipment tracked by quantity (sets, consumables).
                        quantity INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
                        value INTEGER CHECK (value IS NULL OR value >= 0),
                        expires_on TEXT,
                        created_at TEXT NOT NULL
                    ) STRICT;

                    -- A tagged unit, numbered in a register (TB by default).
                    CREATE TABLE equipment_unit (
                        id INTEGER PRIMARY KEY,
                        type_code TEXT NOT NULL REFERENCES equipment_type(code),
                        register_code TEXT NOT NULL REFERENCES register(code),
                        number INTEGER NOT NULL CHECK (number >= 1),
                        barcode TEXT NOT NULL UNIQUE,
                        condition TEXT NOT NULL DEFAULT 'good' CHECK (condition IN ('good', 'needs_repair', 'broken')),
                        status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'on_loan', 'missing', 'withdrawn')),
                        room TEXT,
                        UNIQUE (register_code, number)
                    ) STRICT;
                    CREATE INDEX equipment_unit_type ON equipment_unit(type_code, number);

                    -- A lesson loan (mượn theo tiết): the equipment-usage log.
                    CREATE TABLE lesson (
                        id INTEGER PRIMARY KEY,
                        teacher_id INTEGER NOT NULL REFERENCES patron(id),
                        class_id INTEGER REFERENCES class(id),
                        subject TEXT,
                        lesson_date TEXT NOT NULL,
                        period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 15),
                        title TEXT,
                        loaned_at TEXT NOT NULL,
                        returned_at TEXT
                    ) STRICT;
                    CREATE INDEX lesson_teacher ON lesson(teacher_id, lesson_date);

                    CREATE TABLE lesson_unit (
                        lesson_id INTEGER NOT NULL REFERENCES lesson(id),
                        unit_id INTEGER NOT NULL REFERENCES equipment_unit(id),
                        returned_at TEXT,
                        return_condition TEXT CHECK (return_condition IS NULL OR return_condition IN ('good', 'damaged', 'lost')),
                        PRIMARY KEY (lesson_id, unit_id)
                    ) STRICT, WITHOUT ROWID;
                    CREATE UNIQUE INDEX lesson_unit_open ON lesson_unit(unit_id) WHERE returned_at IS NULL;

                    CREATE TABLE lesson_quantity (
                        lesson_id INTEGER NOT NULL REFERENCES lesson(id),
                        type_code TEXT NOT NULL REFERENCES equipment_type(code),
                        quantity INTEGER NOT NULL CHECK (quantity > 0),
                        returned INTEGER CHECK (returned IS NULL OR returned >= 0),
                        consumed INTEGER CHECK (consumed IS NULL OR consumed >= 0),
                        lost INTEGER CHECK (lost IS NULL OR lost >= 0),
                        PRIMARY KEY (lesson_id, type_code),
                        CHECK (returned IS NULL OR returned + consumed + lost = quantity)
                    ) STRICT, WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v5-scans") { db in
            // The scan log (SPEC §5): every scan, appended before it is acted on, then its
            // outcome. Append-only; the id is the order scans arrived in.
            try db.execute(
                sql: """
                    CREATE TABLE scan (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        desk TEXT NOT NULL,
                        scanner TEXT NOT NULL,
                        data TEXT NOT NULL,
                        symbology TEXT,
                        outcome TEXT,
                        refusal TEXT,
                        message TEXT
                    ) STRICT;
                    CREATE INDEX scan_desk ON scan(desk, id);
                    CREATE INDEX scan_at ON scan(at);
                    """)
        }
        migrator.registerMigration("v6-print-queue") { db in
            // The print queue (SPEC §7.6): a job is written here, with the bytes the printer
            // will get, before one byte is sent; it survives restarts until done or cancelled.
            try db.execute(
                sql: """
                    CREATE TABLE print_job (
                        id INTEGER PRIMARY KEY,
                        printer TEXT NOT NULL,
                        template TEXT NOT NULL,
                        key TEXT,
                        source TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        state TEXT NOT NULL DEFAULT 'queued'
                            CHECK (state IN ('queued', 'sending', 'done', 'failed', 'cancelled')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        -- Times quayd stopped while the job was being sent: it may print twice.
                        interrupted INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        reprint_of INTEGER REFERENCES print_job(id),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        done_at TEXT
                    ) STRICT;
                    CREATE INDEX print_job_waiting ON print_job(printer, id) WHERE state IN ('queued', 'sending');
                    """)
        }
        migrator.registerMigration("v7-inventory") { db in
            try db.execute(
                sql: """
                    -- An inventory session (đợt kiểm kê, SPEC §9). At most one is open. The live counts are
                    -- kept up to date by each scan, so status never counts the collection.
                    CREATE TABLE inventory_session (
                        id INTEGER PRIMARY KEY,
                        -- The scope's terms, space-separated ('location=KE-A* register=STK'); '' is everything.
                        scope TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'applied')),
                        opened_at TEXT NOT NULL,
                        closed_at TEXT,
                        applied_at TEXT,
                        expected INTEGER NOT NULL DEFAULT 0 CHECK (expected >= 0),
                        scans INTEGER NOT NULL DEFAULT 0 CHECK (scans >= 0),
                        seen INTEGER NOT NULL DEFAULT 0 CHECK (seen >= 0),
                        repeats INTEGER NOT NULL DEFAULT 0 CHECK (repeats >= 0),
                        outside_scope INTEGER NOT NULL DEFAULT 0 CHECK (outside_scope >= 0),
                        unknown INTEGER NOT NULL DEFAULT 0 CHECK (unknown >= 0),
                        counted INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
                        -- The reconciliation's totals, written at close.
                        found INTEGER,
                        misplaced INTEGER,
                        missing INTEGER,
                        on_loan INTEGER,
                        seen_twice INTEGER,
                        -- Lines of the disposal list, written at apply.
                        disposal INTEGER,
                        CHECK ((state = 'open') = (closed_at IS NULL)),
                        CHECK ((state = 'applied') = (applied_at IS NOT NULL)),
                        CHECK ((state = 'open') = (found IS NULL))
                    ) STRICT;
                    CREATE UNIQUE INDEX inventory_session_open ON inventory_session(state) WHERE state = 'open';

                    -- Every scan of a session in the order taken, with what its barcode named then.
                    CREATE TABLE inventory_scan (
                        session_id INTEGER NOT NULL REFERENCES inventory_session(id),
                        seq INTEGER NOT NULL CHECK (seq >= 1),
                        barcode TEXT NOT NULL CHECK (length(barcode) BETWEEN 1 AND 256),
                        location TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 64),
                        item_id INTEGER REFERENCES item(id),
                        unit_id INTEGER REFERENCES equipment_unit(id),
                        condition TEXT CHECK (condition IS NULL OR condition IN ('good', 'needs_repair', 'broken')),
                        at TEXT NOT NULL,
                        source TEXT NOT NULL,
                        PRIMARY KEY (session_id, seq),
                        CHECK (item_id IS NULL OR unit_id IS NULL),
                        CHECK (condition IS NULL OR unit_id IS NOT NULL)
                    ) STRICT, WITHOUT ROWID;

                    -- The first sight of each copy ('b' || id), unit ('e' || id) or unknown barcode
                    -- ('?' || barcode) in a session: "is this new?" is one primary-key probe.
                    CREATE TABLE inventory_seen (
                        session_id INTEGER NOT NULL REFERENCES inventory_session(id),
                        target TEXT NOT NULL,
                        PRIMARY KEY (session_id, target)
                    ) STRICT, WITHOUT ROWID;

                    -- Consumables counted by quantity, per location; a recount replaces.
                    CREATE TABLE inventory_count (
                        session_id INTEGER NOT NULL REFERENCES inventory_session(id),
                        type_code TEXT NOT NULL REFERENCES equipment_type(code),
                        location TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 64),
                        quantity INTEGER NOT NULL CHECK (quantity >= 0),
                        at TEXT NOT NULL,
                        source TEXT NOT NULL,
                        PRIMARY KEY (session_id, type_code, location)
                    ) STRICT, WITHOUT ROWID;

                    -- The report, written at close, and the disposal list, written at apply. Lines are
                    -- numbered through the report; pages continue after a line number.
                    CREATE TABLE inventory_line (
                        session_id INTEGER NOT NULL REFERENCES inventory_session(id),
                        category TEXT NOT NULL CHECK (category IN
                            ('found', 'misplaced', 'missing', 'on_loan', 'outside_scope', 'unknown', 'counted', 'disposal')),
                        line INTEGER NOT NULL,
                        item_id INTEGER REFERENCES item(id),
                        unit_id INTEGER REFERENCES equipment_unit(id),
                        type_code TEXT REFERENCES equipment_type(code),
                        -- As scanned, for what was scanned; else the copy's or unit's own.
                        barcode TEXT,
                        recorded_location TEXT,
                        location TEXT,
                        seen_at TEXT,
                        times INTEGER CHECK (times IS NULL OR times >= 1),
                        note TEXT CHECK (note IS NULL OR note IN ('location', 'order', 'recorded_on_loan')),
                        condition TEXT CHECK (condition IS NULL OR condition IN ('good', 'needs_repair', 'broken')),
                        expected_quantity INTEGER,
                        counted_quantity INTEGER,
                        PRIMARY KEY (session_id, category, line),
                        CHECK ((item_id IS NOT NULL) + (unit_id IS NOT NULL) + (type_code IS NOT NULL) <= 1)
                    ) STRICT, WITHOUT ROWID;

                    -- Units are seen at inventories too.
                    ALTER TABLE equipment_unit ADD COLUMN last_seen_at TEXT;
                    """)
        }
        migrator.registerMigration("v8-sip2") { db in
            try db.execute(
                sql: """
                    -- A patron's PIN for self-check kiosks (SIP2's AD): libsodium's Argon2id string,
                    -- never the PIN itself.
                    ALTER TABLE patron ADD COLUMN pin_hash TEXT CHECK (pin_hash IS NULL OR pin_hash LIKE '$argon2%');
                    """)
        }
        migrator.registerMigration("v9-school") { db in
            try db.execute(
                sql: """
                    -- Whose records these are: the [school] name quayd last ran with, so that a
                    -- restore can tell one school's backup from another's.
                    CREATE TABLE school (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        name TEXT NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v10-lifecycle") { db in
            // SQLite cannot change a CHECK in place: `item` is rebuilt (SQLite's twelve steps;
            // the migrator runs with foreign keys off and checks them afterwards) so that a copy
            // can be lost by its borrower and sent for repair.
            try db.execute(
                sql: """
                    CREATE TABLE item_new (
                        id INTEGER PRIMARY KEY,
                        register_code TEXT NOT NULL REFERENCES register(code),
                        number INTEGER NOT NULL CHECK (number >= 1),
                        barcode TEXT NOT NULL UNIQUE CHECK (length(barcode) BETWEEN 1 AND 64),
                        record_id INTEGER NOT NULL REFERENCES record(id),
                        batch_id INTEGER NOT NULL REFERENCES batch(id),
                        call_sort_key TEXT,
                        location TEXT,
                        status TEXT NOT NULL DEFAULT 'available'
                            CHECK (status IN ('available', 'on_loan', 'missing', 'damaged', 'lost', 'withdrawn')),
                        price INTEGER CHECK (price IS NULL OR price >= 0),
                        condition TEXT,
                        last_seen_at TEXT,
                        -- A damaged copy is on the shelf (0) or away for repair (1).
                        in_repair INTEGER NOT NULL DEFAULT 0 CHECK (in_repair IN (0, 1) AND (in_repair = 0 OR status = 'damaged')),
                        note TEXT,
                        UNIQUE (register_code, number)
                    ) STRICT;
                    INSERT INTO item_new (id, register_code, number, barcode, record_id, batch_id, call_sort_key, location, status,
                        price, condition, last_seen_at)
                    SELECT id, register_code, number, barcode, record_id, batch_id, call_sort_key, location, status,
                        price, condition, last_seen_at FROM item;
                    DROP TABLE item;
                    ALTER TABLE item_new RENAME TO item;
                    CREATE INDEX item_record ON item(record_id);
                    CREATE INDEX item_shelf ON item(call_sort_key, register_code, number);

                    -- How a loan ended when not by a return: lost by its borrower, or undone at the
                    -- desk (a wrong scan). Open and returned loans have NULL.
                    ALTER TABLE loan ADD COLUMN ended_as TEXT CHECK (ended_as IS NULL OR ended_as IN ('lost', 'undone'));

                    -- Why a card is blocked, or when its holder left.
                    ALTER TABLE patron ADD COLUMN status_reason TEXT;
                    ALTER TABLE patron ADD COLUMN status_since TEXT;

                    -- A card replaced by a new one: refused from then on, never given to anyone else.
                    CREATE TABLE retired_card (
                        card TEXT PRIMARY KEY NOT NULL,
                        patron_id INTEGER NOT NULL REFERENCES patron(id),
                        retired_at TEXT NOT NULL
                    ) STRICT;

                    -- What a borrower owes: the replacement price of a copy they lost.
                    CREATE TABLE charge (
                        id INTEGER PRIMARY KEY,
                        patron_id INTEGER REFERENCES patron(id),
                        class_id INTEGER REFERENCES class(id),
                        item_id INTEGER NOT NULL REFERENCES item(id),
                        loan_id INTEGER NOT NULL REFERENCES loan(id),
                        amount INTEGER NOT NULL CHECK (amount >= 0),
                        reason TEXT NOT NULL CHECK (reason IN ('lost')),
                        at TEXT NOT NULL,
                        settled_at TEXT,
                        settlement TEXT CHECK (settlement IS NULL OR settlement IN ('paid', 'replaced', 'found', 'waived')),
                        CHECK ((settled_at IS NULL) = (settlement IS NULL)),
                        CHECK ((patron_id IS NULL) <> (class_id IS NULL))
                    ) STRICT;
                    CREATE INDEX charge_patron ON charge(patron_id) WHERE patron_id IS NOT NULL;
                    CREATE INDEX charge_item ON charge(item_id);

                    -- The audit log (SPEC §16): every correction and change of state, who made it
                    -- (the peer's user name, or the desk), when, and each field before and after
                    -- (`changes`: a JSON object of field → [before, after]). `target` names what
                    -- changed the way inventory_seen does: 'b' copy, 'r' record, 'p' patron,
                    -- 'c' class, 't' equipment type, 'e' unit, 'd' disposal, 'y' school year,
                    -- then its id (or code). Append-only: the triggers refuse any change to a row.
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL CHECK (length(actor) > 0),
                        op TEXT NOT NULL,
                        target TEXT NOT NULL CHECK (length(target) >= 2),
                        changes TEXT NOT NULL CHECK (json_valid(changes))
                    ) STRICT;
                    CREATE INDEX audit_target ON audit(target, id);
                    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

                    -- A disposal (thanh lý, SPEC §16), a destruction of expired chemicals (tiêu hủy)
                    -- or a transfer to another school (điều chuyển): opened with its decision, filled,
                    -- reviewed, then confirmed at once. Confirmed ones are the general register's
                    -- Phần II — xuất.
                    CREATE TABLE disposal (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (kind IN ('disposal', 'destruction', 'transfer')),
                        decision_ref TEXT NOT NULL CHECK (length(decision_ref) BETWEEN 1 AND 128),
                        decided_on TEXT NOT NULL CHECK (decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                        reason TEXT NOT NULL CHECK (reason IN ('worn', 'lost', 'outdated', 'old_curriculum', 'insects', 'surplus', 'expired')),
                        receiving_school TEXT,
                        note TEXT,
                        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'confirmed', 'cancelled')),
                        created_at TEXT NOT NULL,
                        confirmed_at TEXT,
                        CHECK ((kind = 'transfer') = (receiving_school IS NOT NULL)),
                        CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL))
                    ) STRICT;

                    -- A line of a disposal: a copy, a unit, or a quantity of equipment tracked by
                    -- quantity, each with its own reason and value.
                    CREATE TABLE disposal_line (
                        disposal_id INTEGER NOT NULL REFERENCES disposal(id),
                        line INTEGER NOT NULL CHECK (line >= 1),
                        item_id INTEGER REFERENCES item(id),
                        unit_id INTEGER REFERENCES equipment_unit(id),
                        type_code TEXT REFERENCES equipment_type(code),
                        quantity INTEGER CHECK (quantity IS NULL OR quantity > 0),
                        reason TEXT NOT NULL CHECK (reason IN ('worn', 'lost', 'outdated', 'old_curriculum', 'insects', 'surplus', 'expired')),
                        value INTEGER NOT NULL DEFAULT 0 CHECK (value >= 0),
                        PRIMARY KEY (disposal_id, line),
                        CHECK ((item_id IS NOT NULL) + (unit_id IS NOT NULL) + (type_code IS NOT NULL) = 1),
                        CHECK ((type_code IS NOT NULL) = (quantity IS NOT NULL))
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX disposal_line_item ON disposal_line(item_id) WHERE item_id IS NOT NULL;
                    CREATE INDEX disposal_line_unit ON disposal_line(unit_id) WHERE unit_id IS NOT NULL;

                    -- A school-year rollover, applied once per new school year.
                    CREATE TABLE rollover (
                        school_year TEXT PRIMARY KEY NOT NULL CHECK (school_year GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'),
                        from_year TEXT NOT NULL,
                        applied_at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        classes_moved INTEGER NOT NULL,
                        pupils_moved INTEGER NOT NULL,
                        pupils_left INTEGER NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v11-report-indexes") { db in
            // Reports of a period (reading statistics, SPEC §10) read that period's loans by this
            // index, never the whole history.
            try db.execute(sql: "CREATE INDEX loan_loaned ON loan(loaned_at)")
            // The textbook register reads the textbook titles, then their copies by record.
            try db.execute(sql: "CREATE INDEX record_kind ON record(kind)")
        }
        migrator.registerMigration("v12-history-indexes") { db in
            // A borrower's history (every loan, returned ones too) is read by borrower and date.
            try db.execute(sql: "CREATE INDEX loan_patron ON loan(patron_id, loaned_at) WHERE patron_id IS NOT NULL")
            // The general register's Phần I finds an intake's copies by their batch.
            try db.execute(sql: "CREATE INDEX item_batch ON item(batch_id)")
        }
        migrator.registerMigration("v13-loan-period-covering") { db in
            // A period's statistics read its loans' borrowers and copies from the index alone: a
            // year of 200,000 loans is one run of the index, not 200,000 row look-ups.
            try db.execute(sql: "DROP INDEX loan_loaned")
            try db.execute(sql: "CREATE INDEX loan_loaned ON loan(loaned_at, patron_id, item_id)")
        }
        migrator.registerMigration("v14-record-title") { db in
            // An import finds a title there already by its title (then authors, publisher and
            // year): a file of 100,000 titles imported again is 100,000 look-ups, not scans.
            try db.execute(sql: "CREATE INDEX record_title ON record(title)")
        }
        migrator.registerMigration("v15-staff") { db in
            // The web console's accounts (SPEC §17): a password only as its libsodium hash.
            try db.execute(
                sql: """
                    CREATE TABLE staff (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('desk', 'admin')),
                        password_hash TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    )
                    """)
        }
        return migrator
    }

    /// Tables whose row counts `quay status` shows.
    static let countedTables = [
        "register", "batch", "record", "item", "class", "patron", "loan", "equipment_type", "equipment_unit", "lesson", "scan", "print_job",
        "inventory_session", "audit", "disposal",
    ]
}

// The states as the schema stores them: their raw values, which the CHECKs list.
extension ItemStatus: DatabaseValueConvertible {}
extension LoanKind: DatabaseValueConvertible {}
extension PrintJobState: DatabaseValueConvertible {}
