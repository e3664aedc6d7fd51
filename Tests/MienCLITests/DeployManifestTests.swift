import Foundation
import MienTestSupport
import Testing

/// `Tests/tools/validate_deploy.py`, which checks `Deploy/` offline: every
/// Kubernetes manifest against the schemas of Kubernetes 1.30 in strict mode,
/// the kustomizations against the files they list, and the Dockerfile.
/// It runs in `.venv-tools/` (pinned kubernetes-validate, PyYAML and
/// dockerfile-parse), which `scripts/tools-venv.sh` makes and `scripts/test.sh`
/// runs before the tests.
enum DeployValidator {
    static let python = RepositoryFiles.path(".venv-tools/bin/python")
    static let script = RepositoryFiles.path("Tests/tools/validate_deploy.py")

    /// Runs the validator with `arguments`: exit status 0 when all is valid,
    /// else 1 with `path: problem` lines on stdout.
    /// - Throws: `FixtureError` saying how to make the venv when it is missing
    ///   (so the tests fail, not skip).
    static func run(_ arguments: [String]) throws -> Tool.Output {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw FixtureError("\(python) is missing: run `bash scripts/tools-venv.sh` (scripts/test.sh runs it) "
                + "to make .venv-tools with Tests/tools/requirements.txt")
        }
        return try Tool.run(python, [script] + arguments, in: RepositoryFiles.root)
    }
}

@Suite("Deploy/ manifests and Dockerfile validate offline")
final class DeployManifestTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "mien-deploy-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    @Test func deployFolderIsValid() throws {
        let result = try DeployValidator.run([])
        #expect(result.status == 0, "validator: \(result.text)\(result.stderr)")
        #expect(result.text.contains("valid against Kubernetes 1.30 (strict); Dockerfile ok"), "\(result.text)")
    }

    /// Broken copies of `Deploy/k8s`: the file, what to replace, with what, and
    /// a phrase the validator's report must contain.
    static let broken: [(file: String, change: String, to: String, problem: String)] = [
        ("workers/worker-job.yaml", "parallelism: 4", #"parallelism: "two""#,
         "spec.parallelism: 'two' is not of type 'integer'"),
        ("workers/worker-job.yaml", "backoffLimit: 10", "backoffLimit: 10\n  completion: 4",
         "Additional properties are not allowed ('completion' was unexpected)"),
        ("workers/worker-job.yaml", "parallelism: 4", "parallelism: 4\n  completions: 4",
         "must leave completions unset"),
        ("kustomization.yaml", "  - postgres-service.yaml\n", "",
         "postgres-service.yaml: not listed in any kustomization.yaml"),
        ("kustomization.yaml", "  - postgres-statefulset.yaml\n", "  - postgres-statefulset.yaml\n  - secret.example.yaml\n",
         "a template is listed by a kustomization"),
        ("collect/kustomization.yaml", "components:\n  - ../image\n", "",
         "its pods run the placeholder image `mien` but no images: entry rewrites it"),
        ("postgres-statefulset.yaml",
         "valueFrom:\n                secretKeyRef:\n                  name: mien-store\n                  key: PGPASSWORD",
         "value: hunter2", "writes POSTGRES_PASSWORD into the manifest"),
        ("external-postgres/kustomization.yaml", "name: postgres\n        namespace", "name: postgre\n        namespace",
         "targets StatefulSet/postgre, which the kustomization does not have"),
    ]

    @Test(arguments: broken.indices)
    func brokenManifestFails(_ index: Int) throws {
        let (file, change, replacement, problem) = Self.broken[index]
        let copy = root + "/k8s"
        try FileManager.default.copyItem(atPath: RepositoryFiles.path("Deploy/k8s"), toPath: copy)
        let path = copy + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(change), "\(file) no longer contains \(change)")
        try text.replacingOccurrences(of: change, with: replacement).write(toFile: path, atomically: true, encoding: .utf8)

        let result = try DeployValidator.run([copy, "--no-dockerfile"])
        #expect(result.status == 1, "\(result.text)\(result.stderr)")
        #expect(result.text.contains(problem), "\(result.text)")
    }

    /// A line of Deploy/Dockerfile the validator requires, and its report when the line is gone.
    static let requiredLines: [(line: String, problem: String)] = [
        ("ENV MIEN_CPU=${MIEN_CPU}", "the build stage does not set ENV MIEN_CPU"),
        ("ENV OPENBLAS_NUM_THREADS=1", "the runtime stage does not set ENV OPENBLAS_NUM_THREADS=1"),
    ]

    @Test(arguments: requiredLines.indices)
    func dockerfileWithoutARequiredLineFails(_ index: Int) throws {
        let (required, problem) = Self.requiredLines[index]
        let dockerfile = root + "/Dockerfile"
        let text = try String(contentsOfFile: RepositoryFiles.path("Deploy/Dockerfile"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains(Substring(required)))
        try lines.filter { $0 != required }.joined(separator: "\n")
            .write(toFile: dockerfile, atomically: true, encoding: .utf8)

        let result = try DeployValidator.run(["--dockerfile", dockerfile])
        #expect(result.status == 1, "\(result.text)\(result.stderr)")
        #expect(result.text.contains(problem), "\(result.text)")
    }
}
