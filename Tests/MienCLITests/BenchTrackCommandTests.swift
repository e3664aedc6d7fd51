import Foundation
import Testing

@Suite("mien bench track, run as a user would")
struct BenchTrackCommandTests {
    @Test func printsOneRowPerFaceCountWithEveryFaceFollowed() throws {
        let run = try MienBinary.run(["bench", "track", "--faces", "20", "60", "--samples", "6"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.text.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
        #expect(rows.count == 2)
        // Faces, tracks (one per face: the pan was followed), ..., the two estimates agree.
        #expect(rows.map { [$0[0], $0[1], $0.last!] } == [["20", "20", "yes"], ["60", "60", "yes"]])
    }

    @Test func refusesWhatItCannotTime() throws {
        for bad in [["--faces", "0"], ["--samples", "1"]] {
            #expect(try MienBinary.run(["bench", "track"] + bad).status == 64, "\(bad)")
        }
    }
}
