import Foundation
import MienAnalytics
import MienPipeline
import MienTestSupport
import Testing

/// `TimelineSummarizer` on `SyntheticTimeline.knownAnswer`, whose every figure is worked out by hand.
@Suite("Timeline summaries: a timeline whose answer is known")
struct TimelineSummarizerTests {
    static func rows(window: Double?) throws -> [TrackWindowSummary] {
        let records = try TimelineReader.records(in: Data(SyntheticTimeline.knownAnswer.utf8), path: "known.timeline.jsonl")
        var rows: [TrackWindowSummary] = []
        let summarizer = TimelineSummarizer(video: "known", window: window) { rows.append($0) }
        for record in records { summarizer.add(record) }
        summarizer.finish()
        return rows
    }

    func close(_ a: Double, _ b: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(a - b) < 1e-6, "\(what): \(a), expected \(b)", sourceLocation: sourceLocation)
    }

    @Test func wholeVideoOneRowPerTrack() throws {
        let rows = try Self.rows(window: nil)
        #expect(rows.map(\.track) == [0, 1])
        let happy = 3, sad = 4, neutral = 6
        let t0 = rows[0]
        #expect(t0.video == "known" && t0.window == 0 && t0.samples == 10)
        close(t0.start, 0, "start"); close(t0.end, 5, "end: the last line lasts as long as the one before")
        close(t0.firstSeen, 0, "first seen"); close(t0.lastSeen, 4.5, "last seen")
        close(t0.seconds, 5, "ten lines of 0.5 s")
        close(t0.raw.shares[happy], 0.6, "share happy"); close(t0.raw.shares[sad], 0.4, "share sad")
        close(t0.raw.shares.reduce(0, +), 1, "shares sum")
        close(t0.raw.meanProbabilities[happy], (6 * 0.7 + 4 * 0.05) / 10, "mean happy")
        close(t0.raw.meanProbabilities[sad], (6 * 0.05 + 4 * 0.7) / 10, "mean sad")
        #expect(t0.raw.dominant == .happy)
        // happy lines: 0.7 - 4 * 0.05 = 0.5; sad lines: 0.05 - (3 * 0.05 + 0.7) = -0.8.
        close(t0.raw.valence, (6 * 0.5 + 4 * -0.8) / 10, "valence")
        #expect(t0.raw.changes == 1)
        let s0 = try #require(t0.smoothed)
        close(s0.shares[happy], 1, "smoothed share happy"); close(s0.meanProbabilities[happy], 0.6, "smoothed mean happy")
        close(s0.valence, 0.6 - 4 * 0.4 / 6, "smoothed valence")
        #expect(s0.changes == 0 && s0.dominant == .happy)

        let t1 = rows[1]
        #expect(t1.samples == 4)
        close(t1.seconds, 2, "four lines of 0.5 s"); close(t1.firstSeen, 1, "first seen"); close(t1.lastSeen, 2.5, "last seen")
        // neutral lines: P(happy) 0.05 - 4 * 0.05 = -0.15 (neutral itself counts as neither).
        close(t1.raw.shares[neutral], 1, "share neutral"); close(t1.raw.valence, 0.05 - 4 * 0.05, "valence")
        #expect(t1.raw.dominant == .neutral && t1.raw.changes == 0)
        close(try #require(t1.smoothed).valence, 0.4 / 6 - 4 * 0.4 / 6, "smoothed valence")
    }

    @Test func windowsOfTwoSeconds() throws {
        let rows = try Self.rows(window: 2)
        #expect(rows.map { "\($0.window):\($0.track)" } == ["0:0", "0:1", "1:0", "1:1", "2:0"])
        let happy = 3, sad = 4
        // Window 1 (t 2 ... 3.5): track 0 happy, happy, sad, sad; one change (counted where it happens).
        let w1 = rows[2]
        close(w1.start, 2, "start"); close(w1.end, 4, "end"); close(w1.seconds, 2, "seconds")
        close(w1.raw.shares[happy], 0.5, "happy"); close(w1.raw.shares[sad], 0.5, "sad")
        #expect(w1.raw.changes == 1 && w1.raw.dominant == .happy, "ties go to the first emotion in order")
        // The last window ends with the timeline (5 s), not at 6.
        close(rows[4].end, 5, "last window's end"); close(rows[4].seconds, 1, "two lines")
        #expect(rows[4].raw.changes == 0 && rows[4].raw.dominant == .sad)
        // Windows add up to the whole video.
        close(rows.filter { $0.track == 0 }.reduce(0) { $0 + $1.seconds }, 5, "track 0's seconds")
        #expect(rows.filter { $0.track == 0 }.reduce(0) { $0 + $1.raw.changes } == 1)
        close(rows[1].seconds, 1, "track 1 in window 0: t 1 and 1.5")
    }

    @Test func csvAndJSONLinesCarryTheSameColumns() throws {
        let row = try Self.rows(window: nil)[1]
        let csv = SummaryFormat.csv.line(row).dropLast().split(separator: ",", omittingEmptySubsequences: false)
        #expect(csv.count == SummaryFormat.columns.count)
        let header = SummaryFormat.csv.header.dropLast().split(separator: ",").map(String.init)
        #expect(header == SummaryFormat.columns)
        let json = try JSONSerialization.jsonObject(with: Data(SummaryFormat.jsonl.line(row).utf8)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == Set(SummaryFormat.columns))
        #expect(json?["dominant"] as? String == "neutral")
        #expect(json?["share_neutral"] as? Double == 1)
        #expect(json?["samples"] as? Int == 4)
        #expect(json?["smoothed_dominant"] as? String == "neutral")
    }

    @Test func unsmoothedTimelineLeavesSmoothedColumnsEmpty() throws {
        let text = SyntheticTimeline.line(t: 0, frame: 0, faces: [SyntheticTimeline.face(track: 3, box: [0, 0, 9, 9], probs: SyntheticTimeline.probs("fear"))])
        let records = try TimelineReader.records(in: Data(text.utf8), path: "one.timeline.jsonl")
        var rows: [TrackWindowSummary] = []
        let summarizer = TimelineSummarizer(video: "one", window: nil) { rows.append($0) }
        for record in records { summarizer.add(record) }
        summarizer.finish()
        #expect(rows.count == 1 && rows[0].smoothed == nil && rows[0].seconds == 0 && rows[0].raw.dominant == .fear)
        let csv = SummaryFormat.csv.line(rows[0]).dropLast().split(separator: ",", omittingEmptySubsequences: false)
        #expect(csv.suffix(17).allSatisfy { $0.isEmpty })
        #expect(SummaryFormat.jsonl.line(rows[0]).contains("\"smoothed_valence\":null"))
    }
}
