import Foundation

/// Reads the decisions of a reviewed sheet: the `Candidates` sheet of a `report.xlsx`, or a
/// CSV with `id` and `Decision` columns (header names compared case-insensitively).
///
/// ```csv
/// id,Name,Decision
/// 30b88ad66ca5,Ana Souza,approve
/// 36812c45edc3,Kai Müller,reject
/// 3f9219bde5cc,Kai Müller,
/// ```
/// gives two decisions; the blank third row leaves its action as it is. Every bad cell is
/// reported, with its line and column, before anything changes.
public enum ReviewSheetReader {
    /// Decisions from `data`, an .xlsx workbook (recognised by its zip signature) or CSV text.
    public static func read(_ data: Data, path: String) throws(SeatSweepError) -> [ReviewDecision] {
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try ReviewWorkbookReader.read(data, path: path)
        }
        return try readCSV(Array(data), path: path)
    }

    /// Decisions from CSV text (UTF-8 with or without BOM, or UTF-16; `,` `;` or tab).
    public static func readCSV(_ bytes: [UInt8], path: String) throws(SeatSweepError) -> [ReviewDecision] {
        let decoded: TextDecoder.Decoded
        do {
            decoded = try bytes.withUnsafeBytes { raw in try TextDecoder.decode(raw, path: path) }
        } catch let error as SeatSweepError {
            throw error
        } catch {
            throw SeatSweepError("cannot read the file (\(error))", at: SourceLocation(path: path))
        }
        let text = decoded.transcoded ?? Array(bytes[decoded.offset...])
        return try text.withUnsafeBufferPointer { buffer throws(SeatSweepError) in try parse(buffer, path: path) }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, path: String) throws(SeatSweepError)
        -> [ReviewDecision]
    {
        let range = 0..<buffer.count
        var parser = CSVParser(
            bytes: buffer, range: range, delimiter: CSVParser.sniffDelimiter(buffer, range: range), path: path)
        guard try parser.next() else {
            throw SeatSweepError("the file holds no header row", at: SourceLocation(path: path))
        }
        var idColumn = -1
        var decisionColumn = -1
        for i in parser.fields.indices {
            let label = parser.string(i).lowercased()
            if label == "id", idColumn < 0 { idColumn = i }
            if label == "decision", decisionColumn < 0 { decisionColumn = i }
        }
        if idColumn < 0 || decisionColumn < 0 {
            let missing = [idColumn < 0 ? "'id'" : nil, decisionColumn < 0 ? "'Decision'" : nil].compactMap { $0 }
            throw SeatSweepError(
                "the header row has no \(missing.joined(separator: " and ")) column",
                at: SourceLocation(path: path, line: parser.recordLine),
                hint: "a review CSV needs an id column (the plan action id) and a Decision column")
        }
        var out: [ReviewDecision] = []
        var problems: [SeatSweepError] = []
        while try parser.next() {
            let word = parser.string(decisionColumn)
            let location = SourceLocation(
                path: path, line: parser.line(ofField: decisionColumn), column: parser.column(ofField: decisionColumn))
            switch ReviewDecision.parse(word) {
            case .success(nil):
                continue
            case .success(let decision?):
                let id = parser.string(idColumn)
                if id.isEmpty {
                    problems.append(
                        SeatSweepError(
                            "a decision on a row without an id", at: location,
                            hint: "keep the id column as the report wrote it"))
                } else {
                    out.append(ReviewDecision(actionId: id, decision: decision, location: location))
                }
            case .failure(let bad):
                problems.append(
                    SeatSweepError(
                        "'\(TerminalText.safe(bad.text, limit: 40))' is not a decision", at: location,
                        hint: "write " + ReviewDecision.acceptedWords))
            }
        }
        if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
        return out
    }
}
