import MienFace

/// Finds faces and their landmarks in each frame (the chosen detector on the RGB frame).
struct DetectionStage: FrameStage {
    let name = "detect"
    let detector: any FaceDetector
    let parallel: ParallelFrames

    mutating func process(_ batch: inout [FrameWork]) throws {
        let detector = self.detector
        parallel.forEach(&batch) { frame in
            guard let rgb = frame.rgb else { return }
            frame.detections = try detector.detect(rgb)
            frame.rgb = nil
        }
    }
}
