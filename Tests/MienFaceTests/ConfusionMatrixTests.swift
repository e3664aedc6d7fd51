import Testing

@testable import MienFace

@Suite("Confusion matrix scores")
struct ConfusionMatrixTests {
    @Test func scoresFollowTheirDefinitions() {
        var m = ConfusionMatrix()
        for (truth, predicted) in [(Emotion.happy, Emotion.happy), (.happy, .happy), (.happy, .sad), (.sad, .sad), (.angry, .happy)] {
            m.add(truth: truth, predicted: predicted)
        }
        #expect(m.total == 5 && m.correct == 3)
        #expect(m.accuracy == 0.6)
        let happy = m.scores(.happy)
        #expect(happy.support == 3)
        #expect(happy.precision == 2.0 / 3 && happy.recall == 2.0 / 3)
        #expect(abs(happy.f1 - 2.0 / 3) < 1e-12)
        let sad = m.scores(.sad)
        #expect(sad.precision == 0.5 && sad.recall == 1 && abs(sad.f1 - 2.0 / 3) < 1e-12)
        #expect(m.scores(.angry) == .init(precision: 0, recall: 0, f1: 0, support: 1))
        #expect(m.scores(.fear) == .init(precision: 0, recall: 0, f1: 0, support: 0))
        // Macro F1 over the classes present (happy, sad, angry).
        #expect(abs(m.macroF1 - (2.0 / 3 + 2.0 / 3 + 0) / 3) < 1e-12)
        #expect(m.counts[Emotion.angry.index][Emotion.happy.index] == 1)
    }

    @Test func emptyMatrixScoresZero() {
        let m = ConfusionMatrix()
        #expect(m.accuracy == 0 && m.macroF1 == 0 && m.total == 0)
    }

    @Test func folderNamesMapToEmotions() {
        #expect(Emotion(folderName: "Happy") == .happy)
        #expect(Emotion(folderName: "contempt") == nil)
        #expect(Emotion.allCases.map(\.rawValue) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
    }
}
