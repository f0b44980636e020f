/// An encrypted share pair in transit: `peer` is the recipient when a client sends it and the
/// sender when the coordinator delivers it. The coordinator cannot read it.
public struct AddressedCiphertext: Hashable, Sendable, Codable {
    public var peer: UInt32
    /// AES-256-GCM: 12-byte nonce, ciphertext, 16-byte tag.
    public var ciphertext: [UInt8]

    public init(peer: UInt32, ciphertext: [UInt8]) {
        self.peer = peer
        self.ciphertext = ciphertext
    }
}

extension ByteWriter {
    mutating func write(_ item: AddressedCiphertext) {
        write(item.peer)
        write(bytes: item.ciphertext)
    }
}

extension ByteReader {
    mutating func readAddressedCiphertext() throws(SecAggError) -> AddressedCiphertext {
        AddressedCiphertext(peer: try readUInt32(), ciphertext: try readBytes(limit: 1024))
    }
}
