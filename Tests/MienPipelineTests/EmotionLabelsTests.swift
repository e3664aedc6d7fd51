import Testing

@testable import MienPipeline

@Test func emotionLabelsAreTheFERSevenInOrder() {
    #expect(EmotionLabels.names == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
}
