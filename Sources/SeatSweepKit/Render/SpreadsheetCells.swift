/// What the two spreadsheet renderers (xlsx and XML Spreadsheet 2003) share: cell text limits,
/// column letters, Excel date serials and number formats, so both files look alike.
enum SpreadsheetCells {
    /// Excel stores at most 32,767 characters (UTF-16 units) in a cell; longer text is cut with `…`.
    static let maxCellUnits = 32_767

    /// Text as a cell holds it: already clean, cut to the cell limit.
    static func cellText(_ text: String) -> String {
        ReportText.truncated(text, utf16Units: maxCellUnits)
    }

    /// Calls `body` with the bytes a cell holds for `text` and whether they are plain
    /// (`CellText.plain`): the text itself, unless it is longer than the cell limit.
    static func withCellText<R>(_ text: CellText, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> R) -> R {
        // A UTF-16 unit per byte at most: text of no more bytes than the limit is within it.
        guard text.utf8.count > maxCellUnits else { return body(text.utf8, text.plain) }
        return cellText(String(decoding: text.utf8, as: UTF8.self)).withUTF8Bytes {
            body($0, !$0.isEmpty && XMLText.isPlain($0))
        }
    }

    /// `0` → `A`, `25` → `Z`, `26` → `AA`.
    static func columnLetters(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// Days since 1899-12-30, Excel's (1900 date system) serial for a day at midnight.
    static func excelSerial(_ day: Day) -> Int { Int(day.ordinal) + 25_569 }

    /// The date format both files use.
    static let dateFormat = #"yyyy\-mm\-dd"#

    /// The count format: whole numbers with thousands separators.
    static let integerFormat = "#,##0"

    /// The money format for `currency` (three letters; anything else is left out of the format).
    static func moneyFormat(currency: String?) -> String {
        let code = (currency ?? "").uppercased().unicodeScalars.filter { $0.value >= 65 && $0.value <= 90 }
        let decimals = ReportFormat.minorUnits(String(String.UnicodeScalarView(code)))
        let number = decimals == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: decimals)
        guard code.count == 3 else { return number }
        return number + #"\ ""# + String(String.UnicodeScalarView(code)) + "\""
    }

    /// Whether text needs `xml:space="preserve"` to keep leading or trailing spaces.
    static func needsPreserve(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.first == 0x20 || utf8.last == 0x20
    }
}
