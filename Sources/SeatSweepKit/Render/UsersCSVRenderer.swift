/// Writes `users.csv`: one row per billable seat with its verdict, for people and spreadsheets.
///
/// The rows are the `Seats` table of the `ReportDocument`, so the CSV says what the workbook
/// says (and is redacted with it); `CSVEscaping` neutralises formulas.
public enum UsersCSVRenderer {
    public static let header = [
        "account_id", "name", "email", "product", "site", "last_active", "days_inactive", "seat_status", "candidate",
        "action_id", "protected_by", "reason", "evidence",
    ]

    /// The `Seats` table column shown in each CSV column, in `header` order.
    static let seatColumns = [0, 1, 2, 3, 4, 6, 7, 5, 9, 10, 11, 12, 13]

    public static func render(_ document: ReportDocument, sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var out = ByteBuffer(capacity: chunk + (1 << 16))
        out.append("\u{FEFF}")  // a BOM (EF BB BF) so Excel opens UTF-8 correctly
        out.append(CSVEscaping.row(header))
        let table = document.seats
        let reader = table.blockReader()
        for i in 0..<table.count {
            reader.withRow(i) { cells in
                for (k, column) in seatColumns.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    append(cells[column], to: &out)
                }
            }
            out.append("\r\n")
            if out.count >= chunk {
                try out.withUnsafeBytes(sink)
                out.removeAll()
            }
        }
        try out.withUnsafeBytes(sink)
    }

    /// Bytes handed to the sink at a time.
    static let chunk = 1 << 20

    /// One field, escaped by `CSVEscaping` (a date needs no escaping).
    static func append(_ cell: CellView, to out: inout ByteBuffer) {
        switch cell {
        case .text(let text): CSVEscaping.append(field: text.utf8, quoted: text.quoted, to: &out)
        case .integer(let n): DecimalDigits.with(n) { CSVEscaping.append(field: $0, to: &out) }
        case .date(let day): day.withISO { out.append($0) }
        case .money(let amount):
            ReportFormat.decimalLiteral(amount).withUTF8Bytes { CSVEscaping.append(field: $0, to: &out) }
        case .empty: break
        }
    }
}
