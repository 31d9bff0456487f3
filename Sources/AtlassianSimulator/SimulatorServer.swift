import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serves an `AtlassianSimulator` over HTTP/1.1 on 127.0.0.1 and an ephemeral port: one thread
/// accepts, one thread per connection reads one request, answers with `Connection: close` and
/// closes. Small on purpose (no keep-alive, no chunked bodies): enough for URLSession and curl.
///
/// Unchecked `Sendable`: the listening socket and the port are set once in `start()` before any
/// thread reads them, and `stopped` is read and written under `lock`.
public final class SimulatorServer: @unchecked Sendable {
    public let simulator: AtlassianSimulator
    public private(set) var port: Int = 0
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var stopped = false
    private var acceptThread: Thread?

    public init(_ simulator: AtlassianSimulator) {
        self.simulator = simulator
    }

    /// `http://127.0.0.1:PORT/site/{site}`, for `--site-base-url`.
    public var siteTemplate: String { "http://127.0.0.1:\(port)/site/{site}" }
    /// `http://127.0.0.1:PORT`, for `--admin-base-url` (admin paths start with `/admin/...`).
    public var adminBase: String { "http://127.0.0.1:\(port)" }

    /// Binds and starts accepting; returns the port.
    @discardableResult
    public func start() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulatorError("socket() failed: \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw SimulatorError("bind/listen failed: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "simulator-accept"
        acceptThread = thread
        thread.start()
        return port
    }

    /// Stops accepting; connections in progress finish on their own.
    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped, listener >= 0 else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let request = readRequest(fd) else { return }
        let reply = simulator.handle(request)
        let latency = simulator.latency
        if latency > 0 { Thread.sleep(forTimeInterval: latency) }
        guard case .response(let status, let headers, let body) = reply else { return }
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        sendAll(fd, Array(head.utf8) + body)
    }

    private func readRequest(_ fd: Int32) -> AtlassianSimulator.Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            headerEnd = Self.find([13, 10, 13, 10], in: data)
            if data.count > 1 << 20 { return nil }
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Array(data[(headerEnd! + 4)...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if headers["expect"]?.lowercased() == "100-continue" {
            sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        while body.count < length {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            body.append(contentsOf: buffer[0..<n])
        }
        return AtlassianSimulator.Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
            body: Array(body.prefix(length)))
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw -> Int in
                #if canImport(Glibc)
                    return send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                #else
                    return send(fd, raw.baseAddress, raw.count, 0)
                #endif
            }
            if n <= 0 { return }
            offset += n
        }
    }

    static func find(_ needle: [UInt8], in data: [UInt8]) -> Int? {
        guard data.count >= needle.count else { return nil }
        for i in 0...(data.count - needle.count)
        where data[i] == needle[0] && Array(data[i..<i + needle.count]) == needle {
            return i
        }
        return nil
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// The server could not start.
public struct SimulatorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
