import Foundation

extension SQLiteStore {
    /// Gives the -wal and -shm files no more access than the database file has: an earlier
    /// version made them with the umask's mode, and SQLite keeps a -shm it finds.
    static func narrowCompanions(of path: String) {
        var database = stat()
        guard stat(path, &database) == 0 else { return }
        let allowed = database.st_mode & 0o777
        for companion in companions(of: path) {
            var info = stat()
            guard stat(companion, &info) == 0, info.st_mode & 0o777 & ~allowed != 0 else { continue }
            chmod(companion, info.st_mode & 0o777 & allowed)
        }
    }

    /// The files SQLite keeps beside the database in WAL mode.
    static func companions(of path: String) -> [String] {
        [path + "-wal", path + "-shm"]
    }
}

/// Makes an empty file at `path`, readable by its owner only, unless one is there (SQLite reads
/// an empty file as an empty database). `O_EXCL` leaves a file another process made in the
/// meantime as it is. It stands outside the store's extension, where `open` and `close` are the
/// system's and not the store's.
func createOwnerOnlyFile(_ path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return }
    // A umask can take the owner's own bits away too; the file is to be exactly 0600.
    fchmod(fd, 0o600)
    close(fd)
}
