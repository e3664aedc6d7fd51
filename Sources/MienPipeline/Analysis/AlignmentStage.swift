import MienFace

/// Cuts each face out of the gray frame, aligned by its five landmarks to the
/// canonical crop the classifier was trained on (`FaceAligner`).
struct AlignmentStage: FrameStage {
    let name = "align"
    let aligner: FaceAligner
    let parallel: ParallelFrames

    mutating func process(_ batch: inout [FrameWork]) throws {
        let aligner = self.aligner
        parallel.forEach(&batch) { frame in
            guard let gray = frame.gray, !frame.isWarmUp else { return }
            frame.crops = try frame.detections.map { try aligner.crop(gray, landmarks: $0.landmarks) }
            frame.gray = nil
        }
    }
}
