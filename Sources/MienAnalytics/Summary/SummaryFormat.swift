import Foundation
import MienFace

/// How `mien summarize` writes its rows: CSV with a header, or one JSON object per line.
public enum SummaryFormat: String, Sendable, CaseIterable {
    case csv
    case jsonl

    /// The format a file name asks for: `.jsonl` or `.json` for JSON Lines, anything else CSV.
    public static func forFile(_ path: String) -> SummaryFormat {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") ? .jsonl : .csv
    }

    /// The column names, in order (the keys of a JSON line, in the same order).
    public static let columns: [String] = {
        let names = Emotion.allCases.map(\.rawValue)
        return ["video", "track", "window", "start", "end", "first_seen", "last_seen", "samples", "seconds"]
            + names.map { "share_" + $0 } + names.map { "mean_" + $0 } + ["dominant", "valence", "changes"]
            + names.map { "smoothed_share_" + $0 } + names.map { "smoothed_mean_" + $0 }
            + ["smoothed_dominant", "smoothed_valence", "smoothed_changes"]
    }()

    /// What comes before the rows: the CSV header line, nothing for JSON Lines.
    public var header: String {
        self == .csv ? Self.columns.joined(separator: ",") + "\n" : ""
    }

    /// `row` as one line of this format, with its newline.
    public func line(_ row: TrackWindowSummary) -> String {
        let values = Self.values(row)
        switch self {
        case .csv:
            return values.map(\.csv).joined(separator: ",") + "\n"
        case .jsonl:
            return "{" + zip(Self.columns, values).map { "\(SummaryValue.text($0).json):\($1.json)" }.joined(separator: ",") + "}\n"
        }
    }

    /// The row's values in `columns` order.
    static func values(_ row: TrackWindowSummary) -> [SummaryValue] {
        let head: [SummaryValue] = [
            .text(row.video), .integer(row.track), .integer(row.window), .number(row.start), .number(row.end),
            .number(row.firstSeen), .number(row.lastSeen), .integer(row.samples), .number(row.seconds),
        ]
        return head + emotionValues(row.raw) + emotionValues(row.smoothed)
    }

    private static func emotionValues(_ summary: EmotionSummary?) -> [SummaryValue] {
        guard let summary else { return Array(repeating: .null, count: 2 * Emotion.allCases.count + 3) }
        return summary.shares.map(SummaryValue.number) + summary.meanProbabilities.map(SummaryValue.number)
            + [.text(summary.dominant.rawValue), .number(summary.valence), .integer(summary.changes)]
    }
}
