import CLibXML2
import Foundation

/// Validates XML bytes against one of the XSD subsets in `Tests/SeatSweepKitTests/Schemas` with
/// libxml2's schema validator (a reader nobody here wrote). Returns the problems, empty when valid.
enum SchemaValidator {
    /// Collects libxml2's structured errors; a class so the C callback can reach it.
    private final class Errors {
        var messages: [String] = []
    }

    private static let initialized: Void = { xmlInitParser() }()

    static func schemaURL(_ name: String) -> URL {
        TestSupport.root.appendingPathComponent("Tests/SeatSweepKitTests/Schemas").appendingPathComponent(name)
    }

    static func validate(_ bytes: [UInt8], schema name: String, documentName: String = "document.xml") -> [String] {
        _ = initialized
        let errors = Errors()
        let box = Unmanaged.passUnretained(errors).toOpaque()
        let handler: xmlStructuredErrorFunc = { context, error in
            guard let context, let error else { return }
            let errors = Unmanaged<Errors>.fromOpaque(context).takeUnretainedValue()
            let message = error.pointee.message.map { String(cString: $0) } ?? "?"
            errors.messages.append(
                "line \(error.pointee.line): " + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let parser = xmlSchemaNewParserCtxt(schemaURL(name).path) else { return ["cannot open schema \(name)"] }
        defer { xmlSchemaFreeParserCtxt(parser) }
        xmlSchemaSetParserStructuredErrors(parser, handler, box)
        guard let schema = xmlSchemaParse(parser) else {
            return ["schema \(name) does not parse: " + errors.messages.joined(separator: "; ")]
        }
        defer { xmlSchemaFree(schema) }
        guard let validator = xmlSchemaNewValidCtxt(schema) else { return ["cannot create a validator"] }
        defer { xmlSchemaFreeValidCtxt(validator) }
        xmlSchemaSetValidStructuredErrors(validator, handler, box)
        let options = Int32(XML_PARSE_NONET.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), documentName, "UTF-8", options)
            }
        }
        guard let document else { return ["\(documentName) is not well-formed XML"] }
        defer { xmlFreeDoc(document) }
        let result = xmlSchemaValidateDoc(validator, document)
        if result != 0, errors.messages.isEmpty { errors.messages.append("invalid (libxml2 code \(result))") }
        return errors.messages
    }

    /// Whether libxml2 parses `bytes` as well-formed XML.
    static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        _ = initialized
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "document.xml", "UTF-8", Int32(XML_PARSE_NONET.rawValue))
            }
        }
        guard let document else { return false }
        xmlFreeDoc(document)
        return true
    }

    /// The schema for an xlsx part, by its path in the package.
    static func schema(forPart path: String) -> String {
        switch path {
        case "[Content_Types].xml": return "opc-content-types.xsd"
        case let p where p.hasSuffix(".rels"): return "opc-relationships.xsd"
        default: return "sml-subset.xsd"
        }
    }
}
