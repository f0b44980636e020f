import Foundation
import ZIPFoundation

/// The arrays of a NumPy `.npz` file: a zip archive of `<name>.npy` members, stored
/// (`np.savez`) or deflated (`np.savez_compressed`), read with ZIPFoundation.
///
/// Each member is inflated once into memory and CRC-checked by ZIPFoundation, so a damaged
/// download is reported as such instead of surfacing later as strange pixels.
public struct NPZArchive: Sendable {
    public let path: String
    /// Arrays by name, without the `.npy` suffix (e.g. "train_images").
    public let arrays: [String: NPYArray]
    /// The most bytes reserved for a member before it is inflated (256 MiB).
    static let largestReservation: UInt64 = 1 << 28

    public init(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw DatasetError.fileNotFound(path: url.path, remedy: "pass the path of an existing .npz file")
        }
        path = url.path
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch Archive.ArchiveError.missingEndOfCentralDirectoryRecord {
            throw DatasetError.truncatedFile(
                path: url.path, detail: "no zip end-of-central-directory record: cut short, or not an .npz at all")
        } catch {
            throw DatasetError.corruptFile(path: url.path, detail: "not a readable zip archive (\(error))")
        }

        let fileSize: UInt64?
        do {
            fileSize = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.uint64Value
        } catch {
            throw DatasetError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        var arrays = [String: NPYArray]()
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            let name = String(entry.path.dropLast(4))
            // Sizes the archive lists are claims: a member cannot hold more bytes than the file,
            // nor inflate past DEFLATE's largest ratio (1032:1); reading to a forged size would
            // spin on the end of the file for hours.
            if let fileSize, entry.compressedSize > fileSize || entry.uncompressedSize > (entry.compressedSize + 1) * 1032 {
                throw DatasetError.corruptFile(
                    path: url.path,
                    detail:
                        "member '\(entry.path)' lists \(entry.compressedSize) bytes inflating to \(entry.uncompressedSize), impossible in a \(fileSize)-byte file"
                )
            }
            var bytes = Data()
            // The listed size is only a claim until the member is inflated: reserve no more than
            // `largestReservation` for it (a larger member grows the buffer as it arrives), so
            // a forged size cannot ask for terabytes up front.
            bytes.reserveCapacity(Int(clamping: min(entry.uncompressedSize, Self.largestReservation)))
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 18) { chunk in bytes.append(chunk) }
            } catch {
                throw DatasetError.corruptFile(path: url.path, detail: "member '\(entry.path)' cannot be extracted (\(error))")
            }
            // The central directory survived (it is read first), so a size that disagrees with
            // it means damaged member data, not a file cut short.
            guard bytes.count == entry.uncompressedSize else {
                throw DatasetError.corruptFile(
                    path: url.path,
                    detail: "member '\(entry.path)' inflates to \(bytes.count) bytes, the archive lists \(entry.uncompressedSize)")
            }
            arrays[name] = try NPYArray(npyBytes: bytes, path: url.path, name: name)
        }
        self.arrays = arrays
    }

    /// The array called `name`, or an error naming the file and the missing array.
    public func array(named name: String) throws -> NPYArray {
        guard let array = arrays[name] else { throw DatasetError.missingArray(path: path, array: name) }
        return array
    }
}
