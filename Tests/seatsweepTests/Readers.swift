import Foundation
import Testing

/// The outside readers the report tests run: openpyxl (in `.venv`), LibreOffice headless and
/// headless Chromium. A missing reader makes the test fail (in CI and locally alike) with the
/// command that installs it; `scripts/setup.sh` installs all three.
enum Readers {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let readersDirectory = CLI.root.appendingPathComponent("Tests/seatsweepTests/Readers")
    static let setupHint = "run scripts/setup.sh (it installs the report readers the tests use)"

    /// `name` found on PATH.
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = String(dir) + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program to completion, its output captured through files (no pipe can fill up).
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// The project's Python with openpyxl.
    static func openpyxlPython() throws -> String {
        let python = CLI.root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python),
            try run(python, ["-c", "import openpyxl"]).status == 0
        else {
            throw Missing(
                description: "openpyxl is not installed in .venv: \(setupHint) "
                    + "(python3 -m venv .venv && .venv/bin/pip install openpyxl)")
        }
        return python
    }

    /// LibreOffice's `soffice`.
    static func soffice() throws -> String {
        guard let path = which("soffice") ?? which("libreoffice") else {
            throw Missing(
                description: "LibreOffice is not installed: \(setupHint) "
                    + "(apt-get install libreoffice-calc-nogui)")
        }
        return path
    }

    /// Python 3 and a headless Chromium for `chromium_check.py`.
    static func chromiumChecker() throws -> String {
        guard let python = which("python3") else {
            throw Missing(description: "python3 is not installed: \(setupHint)")
        }
        guard which("chromium-headless-shell") ?? which("chromium") != nil else {
            throw Missing(
                description: "headless Chromium is not installed: \(setupHint) "
                    + "(apt-get install chromium-headless-shell)")
        }
        return python
    }

    /// What `chromium_check.py` reports for a page.
    struct PageCheck: Decodable {
        struct Console: Decodable {
            var kind: String
            var text: String
        }
        struct Screenshot: Decodable {
            var width: Int
            var height: Int
            var bytes: Int
        }
        struct Probe: Decodable {
            var candidateRows: Int?
            var title: String?
            var scriptElements: Int?
            var svgCharts: Int?
            var filterVisible: Bool?
            var sortedDays: [String]?
            var sortState: String?
            var filterWord: String?
            var filterShown: Int?
            var bodyText: String?
            var pwned: Bool?
        }
        var console: [Console]
        var requests: [String]
        var proxyHits: [String]
        var screenshot: Screenshot
        var probe: Probe
    }

    /// Loads `html` in headless Chromium, writes a screenshot to `screenshot`.
    static func checkPage(_ html: URL, screenshot: URL, script: Bool = true) throws -> PageCheck {
        let python = try chromiumChecker()
        let run = try run(
            python,
            [readersDirectory.appendingPathComponent("chromium_check.py").path, html.path, screenshot.path]
                + (script ? [] : ["--no-script"]))
        guard run.status == 0 else {
            throw Missing(description: "chromium_check.py failed (\(run.status)): \(run.stderr)")
        }
        return try JSONDecoder().decode(PageCheck.self, from: Data(run.stdout.utf8))
    }

    /// Converts spreadsheets to CSV with LibreOffice in one run (one CSV per sheet:
    /// `NAME-SHEET.csv`, UTF-8, every sheet), with a private profile so runs never collide.
    static func convertToCSV(_ files: [URL], into directory: URL) throws {
        let soffice = try soffice()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let run = try run(
            soffice,
            [
                "-env:UserInstallation=file://" + profile.path, "--headless", "--norestore", "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir",
                directory.path,
            ] + files.map(\.path))
        guard run.status == 0 else {
            throw Missing(description: "LibreOffice failed (\(run.status)): \(run.stderr)")
        }
    }

    /// What openpyxl found in a workbook (`read_xlsx.py`).
    struct Workbook: Decodable {
        struct Sheet: Decodable {
            var title: String
            var freeze: String?
            var autoFilter: String?
            var headerBold: Bool
            var widths: [String: Double]
            var rows: [[Cell]]
        }
        struct Cell: Decodable {
            var v: Value
            /// openpyxl's data type: `s` text, `n` number, `d` date, `f` formula.
            var t: String
            var fmt: String
            var date: Bool?

            var text: String? {
                if case .string(let s) = v { return s }
                return nil
            }
            var number: Double? {
                if case .number(let n) = v { return n }
                return nil
            }
        }
        enum Value: Decodable, Equatable {
            case string(String), number(Double), bool(Bool), null

            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if c.decodeNil() {
                    self = .null
                } else if let b = try? c.decode(Bool.self) {
                    self = .bool(b)
                } else if let n = try? c.decode(Double.self) {
                    self = .number(n)
                } else {
                    self = .string(try c.decode(String.self))
                }
            }
        }
        var sheets: [Sheet]

        func sheet(_ title: String) -> Sheet? { sheets.first { $0.title == title } }
    }

    /// Reads an xlsx with openpyxl (`read_xlsx.py`).
    static func readXLSX(_ file: URL) throws -> Workbook {
        let python = try openpyxlPython()
        let run = try run(python, [readersDirectory.appendingPathComponent("read_xlsx.py").path, file.path])
        guard run.status == 0 else { throw Missing(description: "read_xlsx.py failed: \(run.stderr)") }
        return try JSONDecoder().decode(Workbook.self, from: Data(run.stdout.utf8))
    }
}
