import Foundation
import ZIPFoundation

/// Reads reviewer decisions from the `Candidates` sheet of a reviewed `report.xlsx`.
///
/// The sheet's first row is its header; the column headed `id` holds plan action ids and the
/// column headed `Decision` what the reviewer typed. Cells may be shared strings (what Excel
/// and most writers produce), inline strings, formula strings or numbers. The workbook is read
/// in memory; parts larger than 256 MiB are refused rather than inflated (a zip bomb).
public enum ReviewWorkbookReader {
    /// The sheet the report writes candidates to.
    public static let sheetName = "Candidates"
    static let maxPartSize: UInt64 = 256 << 20

    /// The decisions in the sheet, in row order. Blank decision cells are left out.
    public static func read(_ data: Data, path: String) throws(SeatSweepError) -> [ReviewDecision] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw SeatSweepError(
                "this is not a readable .xlsx workbook (the zip container is damaged)", at: SourceLocation(path: path),
                hint: "save the reviewed report again as an Excel workbook (.xlsx), or export the sheet as CSV")
        }
        let part = Parts(archive: archive, path: path)
        let workbookPath = try part.officeDocument()
        let (sheetPath, sharedStringsPath) = try part.locate(sheet: sheetName, workbook: workbookPath)
        let strings = try sharedStringsPath.map { p throws(SeatSweepError) in try part.sharedStrings(p) } ?? []
        return try part.decisions(sheetPath, strings: strings)
    }

    /// The pieces of one workbook: finding, inflating and parsing its parts.
    struct Parts {
        let archive: Archive
        let path: String

        func fail(_ message: String, hint: String? = nil) -> SeatSweepError {
            SeatSweepError(
                message, at: SourceLocation(path: path),
                hint: hint ?? "save the reviewed report again from Excel or LibreOffice as .xlsx")
        }

        /// The bytes of a part, or nil when the archive has none by that name.
        func bytes(_ name: String) throws(SeatSweepError) -> [UInt8]? {
            guard let entry = archive[name] else { return nil }
            if entry.uncompressedSize > maxPartSize {
                throw fail("the workbook part \(name) is larger than 256 MiB")
            }
            var out: [UInt8] = []
            out.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    if UInt64(out.count + chunk.count) > maxPartSize { throw SizeExceeded() }
                    out.append(contentsOf: chunk)
                }
            } catch {
                throw fail(
                    "the workbook part \(name) cannot be read (\(error is SizeExceeded ? "too large" : "damaged"))")
            }
            return out
        }

        struct SizeExceeded: Error {}

        func reader(_ name: String) throws(SeatSweepError) -> XMLStreamReader {
            guard let data = try bytes(name) else { throw fail("the workbook has no part \(name)") }
            guard let reader = XMLStreamReader(data, name: name) else {
                throw fail("the workbook part \(name) is empty")
            }
            return reader
        }

        /// Runs `body` over every node of a part, turning XML errors into a readable error.
        func walk(_ name: String, _ body: (XMLStreamReader) throws(SeatSweepError) -> Void) throws(SeatSweepError) {
            let reader = try reader(name)
            do {
                while try reader.next() { try body(reader) }
            } catch let error as XMLReadError {
                _ = error
                throw fail("the workbook part \(name) is not well-formed XML")
            } catch let error as SeatSweepError {
                throw error
            } catch {
                throw fail("the workbook part \(name) cannot be read")
            }
        }

        /// Relationships of a part: id → (type, target).
        func relationships(_ name: String) throws(SeatSweepError) -> [String: (type: String, target: String)] {
            var out: [String: (type: String, target: String)] = [:]
            guard archive[name] != nil else { return out }
            try walk(name) { r throws(SeatSweepError) in
                guard r.node == .element, r.localName == "Relationship" else { return }
                let a = r.attributes
                if let id = a["Id"], let target = a["Target"] { out[id] = (a["Type"] ?? "", target) }
            }
            return out
        }

        /// The workbook part named by the package relationships (normally `xl/workbook.xml`).
        func officeDocument() throws(SeatSweepError) -> String {
            let rels = try relationships("_rels/.rels")
            if let main = rels.values.first(where: { $0.type.hasSuffix("/officeDocument") }) {
                return Self.resolve(main.target, from: "")
            }
            if archive["xl/workbook.xml"] != nil { return "xl/workbook.xml" }
            throw fail("this zip file is not an Excel workbook (it has no workbook part)")
        }

        /// The worksheet part for `sheet` and the shared-strings part, if any.
        func locate(sheet: String, workbook: String) throws(SeatSweepError) -> (String, String?) {
            var sheets: [(name: String, rid: String)] = []
            try walk(workbook) { r throws(SeatSweepError) in
                guard r.node == .element, r.localName == "sheet" else { return }
                let a = r.attributes
                if let name = a["name"], let rid = a["id"] { sheets.append((name, rid)) }
            }
            let directory = workbook.split(separator: "/").dropLast().joined(separator: "/")
            let relsName =
                (directory.isEmpty ? "" : directory + "/") + "_rels/"
                + (workbook.split(separator: "/").last.map(String.init) ?? "workbook.xml") + ".rels"
            let rels = try relationships(relsName)
            guard
                let chosen = sheets.first(where: { $0.name == sheet })
                    ?? sheets.first(where: { $0.name.lowercased() == sheet.lowercased() })
            else {
                throw fail(
                    "the workbook has no sheet named '\(sheet)' (it has: "
                        + sheets.map { "'\(TerminalText.safe($0.name))'" }.joined(separator: ", ") + ")",
                    hint: "pass the report.xlsx that `seatsweep audit` wrote, with decisions in its \(sheet) sheet")
            }
            guard let target = rels[chosen.rid]?.target else {
                throw fail("the workbook does not say where its sheet '\(sheet)' is stored")
            }
            let shared = rels.values.first { $0.type.hasSuffix("/sharedStrings") }.map {
                Self.resolve($0.target, from: directory)
            }
            return (Self.resolve(target, from: directory), shared)
        }

        /// A relationship target relative to `directory`, or absolute when it starts with `/`.
        static func resolve(_ target: String, from directory: String) -> String {
            var parts: [Substring] =
                target.hasPrefix("/") ? [] : directory.split(separator: "/", omittingEmptySubsequences: true)
            for piece in target.split(separator: "/", omittingEmptySubsequences: true) {
                if piece == ".." {
                    if !parts.isEmpty { parts.removeLast() }
                } else if piece != "." {
                    parts.append(piece)
                }
            }
            return parts.joined(separator: "/")
        }

        /// The shared-string table: each `<si>` is the text of its `<t>` runs (phonetic runs left out).
        func sharedStrings(_ name: String) throws(SeatSweepError) -> [String] {
            var strings: [String] = []
            var current = ""
            var inText = false
            var phonetic = 0
            try walk(name) { r throws(SeatSweepError) in
                switch r.node {
                case .element:
                    switch r.localName {
                    case "si":
                        current = ""
                        if r.isEmptyElement { strings.append("") }
                    case "t": inText = !r.isEmptyElement
                    case "rPh": if !r.isEmptyElement { phonetic += 1 }
                    default: break
                    }
                case .endElement:
                    switch r.localName {
                    case "si": strings.append(current)
                    case "t": inText = false
                    case "rPh": phonetic -= 1
                    default: break
                    }
                case .text, .cdata, .whitespace, .significantWhitespace:
                    if inText, phonetic == 0 { current += r.value }
                case nil: break
                }
            }
            return strings
        }

        /// Streams the sheet: the first row is the header, later rows give decisions.
        func decisions(_ name: String, strings: [String]) throws(SeatSweepError) -> [ReviewDecision] {
            var header: [Int: String]?
            var idColumn = -1
            var decisionColumn = -1
            var row: [Int: String] = [:]
            var rowNumber = 0
            var cellColumn = -1
            var cellType = ""
            var cellValue = ""
            var inValue = false
            var inInline = false
            var out: [ReviewDecision] = []
            var problems: [SeatSweepError] = []

            func finishRow() throws(SeatSweepError) {
                guard header != nil else {
                    header = row
                    for (column, text) in row {
                        let label = text.trimmingSpaces.lowercased()
                        if label == "id", idColumn < 0 { idColumn = column }
                        if label == "decision", decisionColumn < 0 { decisionColumn = column }
                    }
                    if idColumn < 0 || decisionColumn < 0 {
                        let missing = [idColumn < 0 ? "'id'" : nil, decisionColumn < 0 ? "'Decision'" : nil]
                            .compactMap { $0 }.joined(separator: " and ")
                        throw fail(
                            "sheet '\(sheetName)': the header row has no \(missing) column (it has: "
                                + row.keys.sorted().map { "'\(TerminalText.safe(row[$0]!))'" }.joined(separator: ", ")
                                + ")",
                            hint: "keep the report's header row; write approve or reject in the Decision column")
                    }
                    return
                }
                let word = row[decisionColumn] ?? ""
                let id = (row[idColumn] ?? "").trimmingSpaces
                let cell = "\(Self.columnName(decisionColumn))\(rowNumber)"
                switch ReviewDecision.parse(word) {
                case .success(nil):
                    break
                case .success(let decision?):
                    if id.isEmpty {
                        problems.append(
                            fail(
                                "sheet '\(sheetName)' cell \(cell): a decision on a row without an id",
                                hint: "keep the id column as the report wrote it"))
                    } else {
                        out.append(
                            ReviewDecision(
                                actionId: id, decision: decision,
                                location: SourceLocation(path: "\(path) (sheet \(sheetName) cell \(cell))")))
                    }
                case .failure(let bad):
                    problems.append(
                        fail(
                            "sheet '\(sheetName)' cell \(cell): '\(TerminalText.safe(bad.text, limit: 40))' is not a decision",
                            hint: "write " + ReviewDecision.acceptedWords))
                }
            }

            try walk(name) { r throws(SeatSweepError) in
                switch r.node {
                case .element:
                    switch r.localName {
                    case "row":
                        row = [:]
                        cellColumn = -1
                        rowNumber = Int(r.attributes["r"] ?? "") ?? rowNumber + 1
                        if r.isEmptyElement { try finishRow() }
                    case "c":
                        let a = r.attributes
                        cellColumn = a["r"].flatMap(Self.columnIndex) ?? cellColumn + 1
                        cellType = a["t"] ?? "n"
                        cellValue = ""
                    case "v": inValue = !r.isEmptyElement
                    case "is": inInline = true
                    case "t": if inInline { inValue = !r.isEmptyElement }
                    default: break
                    }
                case .endElement:
                    switch r.localName {
                    case "row": try finishRow()
                    case "c":
                        var text = cellValue
                        if cellType == "s" {
                            guard let index = Int(cellValue.trimmingSpaces), strings.indices.contains(index) else {
                                throw fail(
                                    "sheet '\(sheetName)' cell \(Self.columnName(cellColumn))\(rowNumber) points at a "
                                        + "shared string that does not exist")
                            }
                            text = strings[index]
                        } else if cellType == "b" {
                            text = cellValue == "1" ? "TRUE" : "FALSE"
                        }
                        row[cellColumn] = text
                    case "v", "t": inValue = false
                    case "is": inInline = false
                    default: break
                    }
                case .text, .cdata, .whitespace, .significantWhitespace:
                    if inValue { cellValue += r.value }
                case nil: break
                }
            }
            if header == nil {
                throw fail(
                    "sheet '\(sheetName)' is empty", hint: "pass the report.xlsx that `seatsweep audit` wrote")
            }
            if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
            return out
        }

        /// `A` → 0, `Z` → 25, `AA` → 26, from a cell reference such as `AB12`.
        static func columnIndex(_ reference: String) -> Int? {
            var value = 0
            var letters = 0
            for scalar in reference.unicodeScalars {
                guard let ascii = Character(scalar).asciiValue else { return nil }
                if ascii >= 65 && ascii <= 90 {
                    value = value * 26 + Int(ascii - 64)
                    letters += 1
                } else if ascii >= 97 && ascii <= 122 {
                    value = value * 26 + Int(ascii - 96)
                    letters += 1
                } else {
                    break
                }
                if letters > 3 { return nil }
            }
            return letters == 0 ? nil : value - 1
        }

        /// 0 → `A`, 26 → `AA`.
        static func columnName(_ index: Int) -> String {
            var n = index + 1
            var name = ""
            while n > 0 {
                let r = (n - 1) % 26
                name = String(UnicodeScalar(UInt8(65 + r))) + name
                n = (n - 1) / 26
            }
            return name
        }
    }
}
