/// Why a data set could not be loaded.
///
/// Every description is a single line that names the file (and the line or row when there is
/// one) and says what to do, because these messages end up in a terminal or a site's log, read
/// by someone who did not write the loader and cannot attach a debugger to a hospital server.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input file is absent; `remedy` says where to get it.
    case fileNotFound(path: String, remedy: String)
    /// An input directory is absent or is not a directory.
    case directoryNotFound(path: String, remedy: String)
    /// The file exists but could not be read (permissions, I/O error).
    case unreadableFile(path: String, reason: String)
    /// The file ends before the data it announces (an interrupted copy or download).
    case truncatedFile(path: String, detail: String)
    /// The bytes do not form what the file claims to be (bad magic, bad header, CRC mismatch).
    case corruptFile(path: String, detail: String)
    /// A NumPy array stores a type Cohort does not read.
    case unsupportedDataType(path: String, array: String, dataType: String)
    /// A NumPy array is stored column-major; Cohort reads C (row-major) order only.
    case unsupportedMemoryOrder(path: String, array: String)
    /// An archive lacks an array the format requires.
    case missingArray(path: String, array: String)
    /// Arrays have shapes that do not fit together (e.g. 546 images but 545 labels).
    case shapeMismatch(path: String, detail: String)
    /// A CSV line has the wrong number of comma-separated values.
    case wrongColumnCount(path: String, line: Int, found: Int, expected: Int)
    /// A CSV value is not a number.
    case malformedValue(path: String, line: Int, column: String, text: String)
    /// A missing-value marker where the protocol cannot drop or impute the value.
    case missingValue(path: String, line: Int, column: String)
    /// A NaN or infinity among the features (`row` is 1-based: a CSV line, or an example index + 1).
    case nonFiniteFeature(path: String, row: Int, column: String)
    /// A label outside the task's classes.
    case invalidLabel(path: String, array: String, index: Int, value: String)
    /// The shipped FLamby split does not fit the data it is applied to.
    case splitMismatch(path: String, detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path, let remedy):
            "\(path): file not found; \(remedy)"
        case .directoryNotFound(let path, let remedy):
            "\(path): directory not found; \(remedy)"
        case .unreadableFile(let path, let reason):
            "\(path): cannot be read (\(reason)); check the file's permissions and that the disk is readable"
        case .truncatedFile(let path, let detail):
            "\(path): file is truncated (\(detail)); copy or download it again"
        case .corruptFile(let path, let detail):
            "\(path): file is corrupt (\(detail)); copy or download it again"
        case .unsupportedDataType(let path, let array, let dataType):
            "\(path): array '\(array)' has dtype '\(dataType)', which Cohort does not read; "
                + "re-save it with numpy as uint8, int64, float32 or float64 (e.g. arr.astype('float32'))"
        case .unsupportedMemoryOrder(let path, let array):
            "\(path): array '\(array)' is stored in Fortran (column-major) order; "
                + "re-save it in C order with numpy (np.ascontiguousarray(arr))"
        case .missingArray(let path, let array):
            "\(path): has no array '\(array)'; use a MedMNIST-style .npz with train/val/test images and labels"
        case .shapeMismatch(let path, let detail):
            "\(path): \(detail); the arrays do not belong together, use an unmodified file"
        case .wrongColumnCount(let path, let line, let found, let expected):
            "\(path) line \(line): found \(found) comma-separated values, expected \(expected); "
                + "use the unmodified UCI file (no header row, '?' for missing values)"
        case .malformedValue(let path, let line, let column, let text):
            "\(path) line \(line): \(column) is '\(text)', not a number; "
                + "use the unmodified UCI file (missing values are written '?')"
        case .missingValue(let path, let line, let column):
            "\(path) line \(line): \(column) is missing ('?'), which cannot be dropped or imputed; "
                + "fill it in or remove the line"
        case .nonFiniteFeature(let path, let row, let column):
            "\(path) row \(row): \(column) is NaN or infinite; fix or remove that row before training"
        case .invalidLabel(let path, let array, let index, let value):
            "\(path): \(array)[\(index)] is \(value), not a class index; labels must be 0, 1, ... (integers)"
        case .splitMismatch(let path, let detail):
            "\(path): \(detail); use the unmodified UCI files, or a seeded split (.seeded(seed)) for other data"
        }
    }
}
