import Foundation
import MienTestSupport
import Testing

@Suite("mien eval --compare, run as a user would", .serialized)
final class EvalCompareCommandTests {
    let root: String
    var faces: String { root + "/faces" }

    /// A small ImageFolder: nine gray 48x48 pictures from FFmpeg's test sources in
    /// four class folders, and one file that is not an image.
    init() throws {
        root = NSTemporaryDirectory() + "mien-eval-compare-\(getpid())-\(UUID().uuidString.prefix(8))"
        let pictures = [
            ("happy/a.png", "testsrc=size=48x48"), ("happy/b.png", "smptebars=size=48x48"),
            ("happy/c.png", "cellauto=rule=30:size=48x48"), ("sad/d.png", "mandelbrot=size=48x48"),
            ("sad/e.png", "rgbtestsrc=size=48x48"), ("angry/f.png", "testsrc2=size=48x48"),
            ("angry/g.png", "cellauto=rule=110:size=48x48"), ("neutral/h.png", "color=c=gray:size=48x48"),
            ("neutral/i.png", "life=size=48x48:seed=3"),
        ]
        for folder in ["happy", "sad", "angry", "neutral"] {
            try FileManager.default.createDirectory(atPath: root + "/faces/" + folder, withIntermediateDirectories: true)
        }
        for (file, source) in pictures {
            try Tool.ffmpeg(["-f", "lavfi", "-i", source, "-frames:v", "1", "-pix_fmt", "gray", root + "/faces/" + file])
        }
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: root + "/faces/sad/broken.png"))
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func object(_ output: Tool.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any], "\(output.text)")
    }

    /// The paired figures agree with each classifier evaluated alone by `mien eval`.
    @Test func jsonAgreesWithEachClassifierAlone() throws {
        let output = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "mini-xception",
                                         "--json", "--batch", "4"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        #expect(report["n"] as? Int == 9 && report["images"] as? Int == 10)
        #expect(report["excluded"] as? [String] == [faces + "/sad/broken.png"])
        #expect(output.stderr.contains("unreadable: \(faces)/sad/broken.png"))
        #expect(output.stderr.contains("1 of 10 images could not be read and are left out of both"))
        let a = try #require(report["a"] as? [String: Any]), b = try #require(report["b"] as? [String: Any])
        #expect(a["configuration"] as? String == "expression-net:fp32" && a["precision"] as? String == "fp32")
        #expect(b["name"] as? String == "mini-xception")
        for (side, name) in [(a, "expression-net"), (b, "mini-xception")] {
            let alone = try object(try MienBinary.run(["eval", "--dataset", faces, "--json", "--classifier", name]))
            #expect(side["correct"] as? Int == alone["correct"] as? Int, "\(name)")
            #expect(side["accuracy"] as? Double == alone["accuracy"] as? Double, "\(name)")
            let interval = try #require(side["interval"] as? [Double])
            let accuracy = try #require(side["accuracy"] as? Double)
            #expect(interval.count == 2 && interval[0] <= accuracy && accuracy <= interval[1], "\(name): \(interval)")
        }
        let table = try #require(report["agreement"] as? [String: Int])
        let bothRight = try #require(table["both_right"]), aOnly = try #require(table["a_right_b_wrong"])
        let bOnly = try #require(table["a_wrong_b_right"]), bothWrong = try #require(table["both_wrong"])
        #expect(bothRight + aOnly + bOnly + bothWrong == 9)
        #expect(bothRight + aOnly == a["correct"] as? Int && bothRight + bOnly == b["correct"] as? Int)
        let test = try #require(report["mcnemar"] as? [String: Any])
        #expect(test["b"] as? Int == aOnly && test["c"] as? Int == bOnly && test["discordant"] as? Int == aOnly + bOnly)
        let p = try #require(test["p_value"] as? Double)
        #expect(p > 0 && p <= 1 && test["significant"] as? Bool == (p < 0.05))
        let difference = try #require(report["difference"] as? [String: Any])
        #expect(abs((difference["value"] as? Double ?? .nan) - Double(bOnly - aOnly) / 9) < 1e-12)
        let bootstrap = try #require(report["bootstrap"] as? [String: Any])
        #expect(bootstrap["resamples"] as? Int == 2000 && bootstrap["seed"] as? Int == 1 && bootstrap["level"] as? Double == 0.95)
        // The same seed gives the same intervals; the batch size changes nothing.
        let again = try object(try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "mini-xception",
                                                   "--json"]))
        for key in ["a", "b", "difference"] {
            #expect((again[key] as? [String: Any])?["interval"] as? [Double] == (report[key] as? [String: Any])?["interval"] as? [Double])
        }
    }

    @Test func textShowsTheTableAndThePValue() throws {
        let output = try MienBinary.run(["eval", "--dataset", faces, "--compare", "mini-xception", "expression-net",
                                         "--bootstrap", "500", "--seed", "7"])
        #expect(output.status == 0, "\(output.stderr)")
        let text = output.text
        #expect(text.hasPrefix("A mini-xception:fp32 against B expression-net:fp32 on \(faces): 9 images (1 unreadable, left out of both)"))
        #expect(text.contains("95% interval") && text.contains("B - A"))
        #expect(text.contains("agreement     B right  B wrong\nA right "))
        #expect(text.contains("\nA wrong "))
        #expect(text.contains("McNemar's exact test on the "))
        #expect(text.contains("At α = 0.05: "))
        #expect(text.contains("500 resamples of the images, seed 7"))
    }

    @Test func theSameModelTwiceAgreesEverywhere() throws {
        let output = try MienBinary.run(["eval", "--dataset", faces, "--compare", "mini-xception", "mini-xception:fp32", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        let table = try #require(report["agreement"] as? [String: Int])
        #expect(table["a_right_b_wrong"] == 0 && table["a_wrong_b_right"] == 0)
        let test = try #require(report["mcnemar"] as? [String: Any])
        #expect(test["p_value"] as? Double == 1 && test["significant"] as? Bool == false)
        #expect((report["difference"] as? [String: Any])?["interval"] as? [Double] == [0, 0])
        let text = try MienBinary.run(["eval", "--dataset", faces, "--compare", "mini-xception", "mini-xception"]).text
        #expect(text.contains("p = 1.0000\nAt α = 0.05: no difference; A and B are right and wrong on exactly the same images."))
    }

    /// Issue 13's A/B test: the same model in float32 and in int8.
    @Test func floatAgainstInt8() throws {
        let output = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "expression-net:int8", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        #expect((report["b"] as? [String: Any])?["configuration"] as? String == "expression-net:int8")
        #expect((report["b"] as? [String: Any])?["precision"] as? String == "int8")
        let table = try #require(report["agreement"] as? [String: Int])
        #expect(table.values.reduce(0, +) == 9)
    }

    /// `--compare-models`: B's weights from another model folder (an export
    /// against the shipped one), named in the report; A keeps its folder, also
    /// when `MIEN_MODELS` names it; a folder without them is an error.
    @Test func bFromAnotherModelFolder() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models").path
        let export = root + "/export"
        try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: shipped + "/mini_xception.safetensors", toPath: export + "/mini_xception.safetensors")
        // A model folder without expression-net's weights: B cannot load, A (the shipped folder) could.
        let noWeights = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "expression-net",
                                            "--compare-models", export])
        #expect(noWeights.status == 1 && noWeights.text.isEmpty)
        #expect(noWeights.stderr.contains(export + "/expression_net.safetensors"), "\(noWeights.stderr)")

        // Another network in B's folder (the small random dense fixture): B is it, A the shipped one.
        try FileManager.default.copyItem(atPath: shipped + "/reference/expression_net_dense_test.safetensors",
                                         toPath: export + "/expression_net.safetensors")
        let output = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "expression-net",
                                         "--compare-models", export, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        let a = try #require(report["a"] as? [String: Any]), b = try #require(report["b"] as? [String: Any])
        #expect(a["models"] is NSNull && b["models"] as? String == export)
        #expect((a["weight_file"] as? String)?.hasSuffix("/Models/expression_net.safetensors") == true, "\(a)")
        #expect(b["weight_file"] as? String == export + "/expression_net.safetensors", "\(b)")
        let text = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "expression-net",
                                       "--compare-models", export]).text
        #expect(text.hasPrefix("A expression-net:fp32 against B expression-net:fp32 (models \(export)) on "), "\(text)")
        // MIEN_MODELS names A's folder; --compare-models still gives B's.
        let named = try Tool.run("/usr/bin/env", ["MIEN_MODELS=" + shipped, MienBinary.path, "eval", "--dataset", faces,
                                                  "--compare", "expression-net", "expression-net", "--compare-models", export, "--json"])
        #expect(named.status == 0, "\(named.stderr)")
        let sides = try object(named)
        #expect((sides["a"] as? [String: Any])?["weight_file"] as? String == shipped + "/expression_net.safetensors")
        #expect((sides["b"] as? [String: Any])?["weight_file"] as? String == export + "/expression_net.safetensors")

        let nowhere = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "expression-net",
                                          "--compare-models", root + "/nowhere"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("\(root)/nowhere: not a model folder"), "\(nowhere.stderr)")
        let alone = try MienBinary.run(["eval", "--dataset", faces, "--compare-models", export])
        #expect(alone.status == 64 && alone.stderr.contains("--compare-models go with --compare"), "\(alone.stderr)")
    }

    /// The 7 real FER-2013 faces of the committed reference file (one per
    /// class, `faces_uint8` of `Models/reference/expression_net_reference.safetensors`)
    /// as PNGs in their class folders of `folder`, a flat gray picture (no
    /// face) and a file that is not an image.
    func writeRealFaces(to folder: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/reference/expression_net_reference.safetensors")
        let data = try Data(contentsOf: file)
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try #require(try JSONSerialization.jsonObject(with: data[8..<(8 + length)]) as? [String: Any])
        let entry = try #require(header["faces_uint8"] as? [String: Any])
        let start = try #require((entry["data_offsets"] as? [Int])?.first) + 8 + length
        for (i, emotion) in ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"].enumerated() {
            try FileManager.default.createDirectory(atPath: folder + "/" + emotion, withIntermediateDirectories: true)
            let raw = root + "/face\(i).gray"
            try data[(start + i * 2304)..<(start + (i + 1) * 2304)].write(to: URL(fileURLWithPath: raw))
            try Tool.ffmpeg(["-f", "rawvideo", "-pix_fmt", "gray", "-s", "48x48", "-i", raw, "-frames:v", "1",
                             folder + "/\(emotion)/face\(i).png"])
        }
        try Tool.ffmpeg(["-f", "lavfi", "-i", "color=c=gray:size=48x48", "-frames:v", "1", "-pix_fmt", "gray",
                         folder + "/neutral/flat.png"])
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: folder + "/sad/broken.png"))
    }

    /// `--compare A B --align`: both classify the faces the detector finds in
    /// the same images, each cut at its own classifier's side; what each gets
    /// right is what `mien eval --align` gives it alone on the images with a
    /// face; images without one are left out of both and counted.
    @Test func alignedComparisonPairsTheDetectedFaces() throws {
        let real = root + "/real"
        try writeRealFaces(to: real)
        let output = try MienBinary.run(["eval", "--dataset", real, "--compare", "expression-net", "mini-xception",
                                         "--align", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try object(output)
        let alignment = try #require(report["alignment"] as? [String: Any])
        #expect(alignment["detector"] as? String == "yunet")
        #expect(alignment["templates"] as? [String] == ["fer2013-yunet", "fer2013-yunet"])
        #expect(alignment["crop_sizes"] as? [Int] == [48, 64])
        let n = try #require(report["n"] as? Int), undetected = try #require(alignment["undetected"] as? Int)
        #expect(report["images"] as? Int == 9 && report["excluded"] as? [String] == [real + "/sad/broken.png"])
        #expect(n + undetected == 8 && undetected >= 1 && n >= 4, "n \(n), undetected \(undetected)")
        for (key, name) in [("a", "expression-net"), ("b", "mini-xception")] {
            let side = try #require(report[key] as? [String: Any])
            let alone = try object(try MienBinary.run(["eval", "--dataset", real, "--align", "--json", "--classifier", name]))
            #expect(alone["detected"] as? Int == n, "\(name)")
            #expect(side["correct"] as? Int == alone["aligned_correct"] as? Int, "\(name)")
        }
        let text = try MienBinary.run(["eval", "--dataset", real, "--compare", "expression-net", "expression-net:int8",
                                       "--align", "--detector", "mtcnn"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.text.contains(" images aligned through mtcnn (template fer2013-median 48x48) ("), "\(text.text)")
        #expect(text.text.contains(" without a face, 1 unreadable, left out of both)"), "\(text.text)")
        #expect(text.text.contains("decode, detect and align "))
        // Without --align the comparison keeps every readable image.
        let plain = try object(try MienBinary.run(["eval", "--dataset", real, "--compare", "expression-net", "mini-xception", "--json"]))
        #expect(plain["n"] as? Int == 8 && plain["alignment"] is NSNull)
        // No face anywhere: nothing to compare.
        let none = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net", "mini-xception", "--align",
                                       "--limit", "3"])
        #expect(none.status == 1 && none.text.isEmpty, "\(none.text)")
        #expect(none.stderr.contains("\(faces): none of the 3 images could be read and held a face the detector found"), "\(none.stderr)")
    }

    @Test func badConfigurationsAreErrors() throws {
        let unknown = try MienBinary.run(["eval", "--dataset", faces, "--compare", "resnet", "mini-xception"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown classifier 'resnet'; known: expression-net, mini-xception"))
        #expect(unknown.text.isEmpty)
        let bogus = try MienBinary.run(["eval", "--dataset", faces, "--compare", "expression-net:bogus", "mini-xception"])
        #expect(bogus.status == 64)
        #expect(bogus.stderr.contains("'expression-net:bogus': unknown precision 'bogus'; known: fp32, int8"))
        // Both classifiers have an int8 form.
        let int8 = try MienBinary.run(["eval", "--dataset", faces, "--compare", "mini-xception", "mini-xception:int8"])
        #expect(int8.status == 0, "\(int8.stderr)")
        #expect(int8.text.contains("mini-xception:int8"))
        for bad in [["--compare", "expression-net"], ["--compare", "a", "b", "c"],
                    ["--compare", "expression-net", "mini-xception", "--classifier", "mini-xception"],
                    ["--compare", "expression-net", "mini-xception", "--precision", "int8"],
                    ["--compare", "expression-net", "mini-xception", "--measure-template"],
                    ["--compare", "expression-net", "mini-xception", "--bootstrap", "50"], ["--seed", "3"], ["--bootstrap", "500"]] {
            let output = try MienBinary.run(["eval", "--dataset", faces] + bad)
            #expect(output.status == 64, "\(bad): \(output.stderr)")
        }
        let missing = try MienBinary.run(["eval", "--dataset", root + "/nowhere", "--compare", "expression-net", "mini-xception"])
        #expect(missing.status == 1 && missing.stderr.contains("\(root)/nowhere: data set folder not found"))
        // Nothing readable: nothing to compare, and no report.
        try FileManager.default.createDirectory(atPath: root + "/broken/sad", withIntermediateDirectories: true)
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: root + "/broken/sad/x.png"))
        let unreadable = try MienBinary.run(["eval", "--dataset", root + "/broken", "--compare", "expression-net", "mini-xception"])
        #expect(unreadable.status == 1 && unreadable.text.isEmpty)
        #expect(unreadable.stderr.contains("\(root)/broken: none of the 1 images could be read"))
    }
}
