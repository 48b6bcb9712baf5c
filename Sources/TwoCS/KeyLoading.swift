import CProcessControl
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Where the API key comes from, first found first: `--api-key`, `TWOCHAT_API_KEY`, then the config file's
/// `api_key` or `api_key_command`. With `--profile`, the profile's key comes before `TWOCHAT_API_KEY`: a
/// profile names a server and the account for it, and another account's key must not go there. Empty
/// values count as unset.
enum KeySource {
  case option(String)
  case environment(String)
  case file(String)
  /// A shell command whose standard output is the key; `origin` names the file (and profile) it came from.
  case command(String, origin: String, othersCanWrite: Bool)

  init?(
    option: String?, environment: [String: String], settings: ConfigurationFile.Settings?, profileChosen: Bool,
    othersCanWrite: Bool
  ) {
    let fromEnvironment = environment["TWOCHAT_API_KEY"].flatMap { $0.isEmpty ? nil : KeySource.environment($0) }
    var fromFile: KeySource?
    if let key = settings?.apiKey, !key.isEmpty {
      fromFile = .file(key)
    } else if let settings, let command = settings.apiKeyCommand, !command.isEmpty {
      fromFile = .command(command, origin: settings.origin, othersCanWrite: othersCanWrite)
    }
    if let option, !option.isEmpty {
      self = .option(option)
    } else if let first = profileChosen ? fromFile ?? fromEnvironment : fromEnvironment ?? fromFile {
      self = first
    } else {
      return nil
    }
  }

  /// The key, running the command if that is where it comes from.
  func load() throws(ConfigurationError) -> String {
    switch self {
    case .option(let key), .environment(let key), .file(let key): return key
    case .command(let command, let origin, let othersCanWrite):
      if othersCanWrite {
        throw ConfigurationError(
          "\(origin): api_key_command not run: others can change the file; run: chmod 600 on it")
      }
      return try runKeyCommand(command, origin: origin)
    }
  }
}

/// Runs `api_key_command` through `/bin/sh -c` and returns its standard output, trimmed. Its output, on
/// stdout or stderr, may hold the key, so no message ever shows it; the command's stdin is the terminal, so a
/// password manager can ask for its passphrase there (when stdin is not a terminal, /dev/null).
func runKeyCommand(_ command: String, origin: String) throws(ConfigurationError) -> String {
  let failed = "\(origin): api_key_command"
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", command]
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  // Piped in, stdin is the script: the command must not read it.
  if isatty(STDIN_FILENO) != 1 { process.standardInput = FileHandle.nullDevice }
  do {
    try process.run()
  } catch {
    throw ConfigurationError("\(failed) could not be started: /bin/sh: \(error.localizedDescription)")
  }
  // Read both pipes to the end before waiting, so that a command writing much never blocks.
  let errorBytes = Mutex(0)
  let drained = DispatchSemaphore(value: 0)
  let errorReader = errors.fileHandleForReading
  DispatchQueue.global().async {
    let count = errorReader.readDataToEndOfFile().count
    errorBytes.withLock { $0 = count }
    drained.signal()
  }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  drained.wait()
  process.waitUntilExit()
  let notShown = "its output is not shown, as it may hold the key; run the command yourself to see what went wrong"
  let wroteErrors = errorBytes.withLock { $0 }
  let errorNote = wroteErrors > 0 ? " (it wrote \(wroteErrors) bytes to stderr)" : ""
  guard process.terminationReason == .exit else {
    throw ConfigurationError("\(failed) was ended by signal \(process.terminationStatus)\(errorNote); \(notShown)")
  }
  guard process.terminationStatus == 0 else {
    let notFound = process.terminationStatus == 127 ? ", which the shell gives when it cannot find the command" : ""
    throw ConfigurationError(
      "\(failed) failed with exit status \(process.terminationStatus)\(notFound)\(errorNote); \(notShown)")
  }
  guard let text = String(validating: data, as: UTF8.self) else {
    throw ConfigurationError("\(failed) printed something that is not UTF-8 text; \(notShown)")
  }
  let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
  guard !key.isEmpty else {
    throw ConfigurationError("\(failed) printed nothing on stdout\(errorNote); it must print the key")
  }
  guard !key.contains(where: \.isNewline) else {
    throw ConfigurationError(
      "\(failed) printed more than one line; it must print the key alone (add | head -n 1 if the key is the first line); \(notShown)"
    )
  }
  return key
}

/// Keeps the key out of core files once it is loaded: no core dumps (RLIMIT_CORE 0), and the process
/// marked not dumpable, so other processes of the same user cannot attach to it or read its memory either.
/// Returns what could not be done, if anything.
func forbidCoreDumps() -> String? {
  var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
  var problems: [String] = []
  if setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore) != 0 {
    problems.append("setrlimit(RLIMIT_CORE): \(String(cString: strerror(errno)))")
  }
  if process_control_forbid_dumping() != 0 {
    problems.append("prctl(PR_SET_DUMPABLE): \(String(cString: strerror(errno)))")
  }
  return problems.isEmpty ? nil : problems.joined(separator: "; ")
}
