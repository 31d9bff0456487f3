import CLibXML2

/// A pull reader over an XML document in memory, on libxml2's `xmlTextReader`.
///
/// Streaming keeps memory flat for big worksheets. The parser never fetches anything from the
/// network, never loads a DTD and never substitutes entities, so a hostile workbook cannot
/// make it read files or expand entities.
final class XMLStreamReader {
    /// The kinds of node the readers here care about (libxml2's `xmlReaderTypes`).
    enum Node: Int32 {
        case element = 1
        case text = 3
        case cdata = 4
        case whitespace = 13
        case significantWhitespace = 14
        case endElement = 15
    }

    private let buffer: UnsafeMutableBufferPointer<CChar>
    private let reader: xmlTextReaderPtr

    /// Starts reading `bytes`; `name` is used in libxml2's own messages only.
    init?(_ bytes: [UInt8], name: String) {
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { _ = copy.initialize(from: $0) }
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        guard let reader = xmlReaderForMemory(copy.baseAddress, Int32(bytes.count), name, nil, options) else {
            copy.deallocate()
            return nil
        }
        self.buffer = copy
        self.reader = reader
    }

    deinit {
        xmlFreeTextReader(reader)
        buffer.deallocate()
    }

    /// Advances to the next node. False at the end; throws `XMLReadError` on malformed XML.
    func next() throws(XMLReadError) -> Bool {
        switch xmlTextReaderRead(reader) {
        case 1: return true
        case 0: return false
        default: throw XMLReadError()
        }
    }

    /// The current node's kind, or nil for kinds the readers ignore (comments, PIs, ...).
    var node: Node? { Node(rawValue: xmlTextReaderNodeType(reader)) }

    /// The current node's name without its namespace prefix.
    var localName: String {
        guard let name = xmlTextReaderConstLocalName(reader) else { return "" }
        return String(cString: name)
    }

    /// Whether the current element is written `<x/>` (no end-element node follows).
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    /// The text of a text or CDATA node.
    var value: String {
        guard let value = xmlTextReaderConstValue(reader) else { return "" }
        return String(cString: value)
    }

    /// Every attribute of the current element by local name (`r:id` is `id`).
    var attributes: [String: String] {
        var out: [String: String] = [:]
        guard xmlTextReaderHasAttributes(reader) == 1 else { return out }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
            let value = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
            out[name] = value
        }
        xmlTextReaderMoveToElement(reader)
        return out
    }
}

/// The XML is not well-formed.
struct XMLReadError: Error {}
