/// Lays out rows of terminal text in left-aligned columns; the last column is free text and is
/// not padded. Cells must already have passed `TerminalText.safe`.
///
/// `TextColumns.align([["a", "bb", "x"], ["ccc", "d", "y"]])` is `["a    bb  x", "ccc  d   y"]`.
enum TextColumns {
    static func align(_ rows: [[String]], indent: String = "  ") -> [String] {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.dropLast().enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return rows.map { row in
            var line = indent
            for (i, cell) in row.enumerated() {
                if i == row.count - 1 {
                    line += cell
                } else {
                    line += cell.padding(widths[i]) + "  "
                }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}

extension String {
    /// Left-aligned in `width` characters (longer text is kept whole).
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
