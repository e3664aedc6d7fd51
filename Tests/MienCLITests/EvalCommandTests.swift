import Foundation
import MienTestSupport
import Testing

@Suite("mien eval, run as a user would", .serialized)
final class EvalCommandTests {
    let root: String

    /// A tiny ImageFolder: gray 48x48 JPEGs and a PNG in three class folders, one
    /// file that is not an image, a folder that names no emotion and a hidden file.
    init() throws {
        root = NSTemporaryDirectory() + "mien-eval-\(getpid())-\(UUID().uuidString.prefix(8))"
        let manager = FileManager.default
        for folder in ["happy", "sad", "angry", "contempt"] {
            try manager.createDirectory(atPath: root + "/faces/" + folder, withIntermediateDirectories: true)
        }
        try manager.createDirectory(atPath: root + "/empty/happy", withIntermediateDirectories: true)
        let sources = ["testsrc=size=48x48", "smptebars=size=48x48", "mandelbrot=size=48x48", "rgbtestsrc=size=48x48"]
        for (i, file) in ["happy/a.jpg", "happy/b.jpg", "sad/c.jpg", "contempt/d.jpg"].enumerated() {
            try Tool.ffmpeg(["-f", "lavfi", "-i", sources[i], "-frames:v", "1", "-pix_fmt", "gray", root + "/faces/" + file])
        }
        try Tool.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=60x50", "-frames:v", "1", "-pix_fmt", "gray", root + "/faces/angry/e.png"])
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: root + "/faces/sad/broken.jpg"))
        try Data().write(to: URL(fileURLWithPath: root + "/faces/sad/.DS_Store"))
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func object(_ output: Tool.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any], "\(output.text)")
    }

    @Test func jsonHasTheScoresAndNamesTheUnreadableImage() throws {
        let output = try MienBinary.run(["eval", "--dataset", root + "/faces", "--json", "--classifier", "mini-xception"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        #expect(report["n"] as? Int == 4)
        #expect(report["classifier"] as? String == "mini-xception")
        let accuracy = try #require(report["accuracy"] as? Double)
        #expect(accuracy >= 0 && accuracy <= 1)
        #expect(report["params"] as? Int == 58_423)
        #expect(report["macs"] as? Int == 10_163_392)
        #expect(report["weight_bytes"] as? Int == 266_396)
        #expect(report["labels"] as? [String] == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
        let confusion = try #require(report["confusion"] as? [[Int]])
        #expect(confusion.count == 7 && confusion.allSatisfy { $0.count == 7 })
        #expect(confusion.map { $0.reduce(0, +) } == [1, 0, 0, 2, 1, 0, 0])
        #expect(confusion.enumerated().reduce(0) { $0 + $1.element[$1.offset] } == report["correct"] as? Int)
        let perClass = try #require(report["per_class"] as? [String: [String: Any]])
        #expect(Set(perClass.keys) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
        #expect(perClass["happy"]?["support"] as? Int == 2)
        for key in ["precision", "recall", "f1"] { #expect(perClass["happy"]?[key] is Double, "\(key)") }
        #expect(report["unreadable"] as? [String] == [root + "/faces/sad/broken.jpg"])
        #expect(report["skipped_folders"] as? [String] == ["contempt"])
        #expect(output.stderr.contains("unreadable: \(root)/faces/sad/broken.jpg"))
        #expect(output.stderr.contains("contempt"))
    }

    /// `--calibrate-int8` writes a calibration file the int8 form reads; an
    /// unreadable image in the sample stops it, naming the file.
    @Test func calibrateInt8WritesTheScalesAndRefusesAnUnreadableSample() throws {
        let file = root + "/mx.int8.json"
        let output = try MienBinary.run(["eval", "--dataset", root + "/faces/happy", "--calibrate-int8", file])
        #expect(output.status != 0)   // happy/ holds images, not class folders
        try FileManager.default.createDirectory(atPath: root + "/calibration/happy", withIntermediateDirectories: true)
        for name in ["a.jpg", "b.jpg"] {
            try FileManager.default.copyItem(atPath: root + "/faces/happy/" + name, toPath: root + "/calibration/happy/" + name)
        }
        let written = try MienBinary.run(["eval", "--dataset", root + "/calibration", "--calibrate-int8", file, "--limit", "2"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.text.contains("2 images") && written.text.contains("max, 13 scales"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(record["format"] as? String == "mien-mini-xception-int8")
        #expect((record["activation_scales"] as? [String: Double])?.count == 13)
        let bad = try MienBinary.run(["eval", "--dataset", root + "/faces", "--calibrate-int8", file])
        #expect(bad.status == 1 && bad.stderr.contains("broken.jpg"), "\(bad.stderr)")
        let wrongModel = try MienBinary.run(["eval", "--dataset", root + "/faces", "--calibrate-int8", file, "--classifier", "expression-net"])
        #expect(wrongModel.status == 64)
    }

    @Test func tableShowsAccuracyAndConfusion() throws {
        let output = try MienBinary.run(["eval", "--dataset", root + "/faces", "--batch", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        // The default classifier is Mien's own.
        #expect(output.text.hasPrefix("expression-net on \(root)/faces: 4 images (1 unreadable, left out)"))
        #expect(output.text.contains("accuracy "))
        #expect(output.text.contains("confusion (rows: true class, columns: predicted)"))
        // The sizes are the model's: the multiply-adds its weight file records, as --json gives them too.
        let json = try #require(try JSONSerialization.jsonObject(
            with: try MienBinary.run(["eval", "--dataset", root + "/faces", "--json"]).stdout) as? [String: Any])
        let macs = try #require(json["macs"] as? Int), params = try #require(json["params"] as? Int)
        let file = try #require(json["weight_file"] as? String)
        let header = try Data(contentsOf: URL(fileURLWithPath: file)).prefix(65_536)
        let length = Int(header.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let metadata = try #require((try JSONSerialization.jsonObject(with: header.dropFirst(8).prefix(length)) as? [String: Any])?["__metadata__"]
                                    as? [String: String])
        #expect(macs == Int(metadata["multiply_adds"] ?? ""), "\(metadata)")
        #expect(output.text.contains("parameters \(params), multiply-adds per face \(macs)"))
    }

    @Test func missingOrEmptyDatasetIsAnError() throws {
        let missing = try MienBinary.run(["eval", "--dataset", root + "/nowhere"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(root)/nowhere: data set folder not found"))
        let empty = try MienBinary.run(["eval", "--dataset", root + "/empty", "--json"])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("no images found"))
        #expect(empty.text.isEmpty)
    }

    @Test func unknownClassifierAndBadOptionsAreErrors() throws {
        let unknown = try MienBinary.run(["eval", "--dataset", root + "/faces", "--classifier", "resnet"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown classifier 'resnet'; known: expression-net, mini-xception"))
        let batch = try MienBinary.run(["eval", "--dataset", root + "/faces", "--batch", "0"])
        #expect(batch.status == 64)
        let none = try MienBinary.run(["eval"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("--dataset"))
    }

    @Test func alignReportsDetectedAndFallbackAccuracies() throws {
        let output = try MienBinary.run(["eval", "--dataset", root + "/faces", "--align", "--json", "--detector", "mtcnn",
                                         "--template-scale", "1.1"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        #expect(report["images"] as? Int == 5)
        #expect(report["unreadable"] as? Int == 1)
        #expect(report["fallback_total"] as? Int == 4)
        let detected = try #require(report["detected"] as? Int), undetected = try #require(report["undetected"] as? Int)
        #expect(detected + undetected == 4)
        #expect(report["template"] as? String == "fer2013-median x1.1")
        // The default detector, YuNet, aligns to the template measured for its landmarks.
        let yunet = try object(try MienBinary.run(["eval", "--dataset", root + "/faces", "--align", "--json"]))
        #expect(yunet["template"] as? String == "fer2013-yunet")
        #expect(report["classifier"] as? String == "expression-net" && report["precision"] as? String == "fp32")
        // --precision reaches the aligned evaluation.
        let int8 = try object(try MienBinary.run(["eval", "--dataset", root + "/faces", "--align", "--json", "--precision", "int8"]))
        #expect(int8["precision"] as? String == "int8" && int8["fallback_total"] as? Int == 4)
        #expect(report["crop_size"] as? Int == 48 && report["sampling"] as? String == "supersampled")
        // The crop is cut at the classifier's input side unless --crop-size says otherwise.
        let mini = try object(try MienBinary.run(["eval", "--dataset", root + "/faces", "--align", "--json", "--classifier", "mini-xception"]))
        #expect(mini["crop_size"] as? Int == 64)
        let forced = try object(try MienBinary.run(["eval", "--dataset", root + "/faces", "--align", "--json", "--classifier", "mini-xception",
                                                    "--crop-size", "48"]))
        #expect(forced["crop_size"] as? Int == 48)
        for key in ["aligned_accuracy", "plain_accuracy_on_detected", "fallback_accuracy"] { #expect(report[key] is Double, "\(key)") }

        let measured = try MienBinary.run(["eval", "--dataset", root + "/faces", "--measure-template"])
        #expect(measured.status == 0, "\(measured.stderr)")
        #expect(measured.text.hasPrefix("5 images: "))
        #expect(measured.text.contains("mean:   [") && measured.text.contains("median: ["))

        for bad in [["--align", "--measure-template"], ["--align", "--template", "nope"], ["--align", "--sampling", "cubic"],
                    ["--align", "--fill", "white"], ["--align", "--template-scale", "0"], ["--align", "--crop-size", "0"]] {
            #expect(try MienBinary.run(["eval", "--dataset", root + "/faces"] + bad).status == 64, "\(bad)")
        }
    }

    @Test func benchClassifierReportsFacesPerSecond() throws {
        let output = try MienBinary.run(["bench", "classifier", "--batch", "1", "4", "--seconds", "0.05", "--layers"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text.contains("batch    4") && output.text.contains("faces/s"))
        #expect(output.text.contains("expression-net") && output.text.contains("block4"))   // the default's layers
        let mini = try MienBinary.run(["bench", "classifier", "--classifier", "mini-xception", "--batch", "2", "--seconds", "0.05", "--layers"])
        #expect(mini.status == 0, "\(mini.stderr)")
        #expect(mini.text.contains("module4.pool+add"))
    }
}
