import Foundation

/// Processes seen through Linux's /proc: a test finds the workers `mien
/// analyze` started and checks that none outlives it.
enum ProcessTree {
    /// Process ids whose parent is `parent`.
    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after "pid (comm)": state, ppid, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// Waits until none of `pids` is alive (at most `seconds`); returns those still alive.
    static func waitGone(_ pids: [pid_t], seconds: Double) -> [pid_t] {
        let deadline = Date().addingTimeInterval(seconds)
        var alive = pids.filter(isAlive)
        while !alive.isEmpty && Date() < deadline {
            usleep(50_000)
            alive = alive.filter(isAlive)
        }
        return alive
    }

    /// Waits until `parent` has `count` children (at most `seconds`) and returns them.
    static func waitForChildren(of parent: pid_t, count: Int, seconds: Double) -> [pid_t] {
        let deadline = Date().addingTimeInterval(seconds)
        var found = children(of: parent)
        while found.count < count && Date() < deadline {
            usleep(50_000)
            found = children(of: parent)
        }
        return found
    }
}
