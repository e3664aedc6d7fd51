extension FaceTemplate {
    /// The default: where MTCNN puts the five landmarks in FER-2013's crops
    /// (see `Models/README.md`, "Face alignment", for how it was measured and chosen).
    public static let fer2013 = fer2013Median

    /// Mean unit position of each landmark over FER-2013 Training images with one confident face.
    public static let fer2013Mean = FaceTemplate(name: "fer2013-mean", points: [
        .init(x: 0.3249, y: 0.3870), .init(x: 0.6925, y: 0.3805), .init(x: 0.5084, y: 0.5943),
        .init(x: 0.3555, y: 0.7837), .init(x: 0.6636, y: 0.7789),
    ])

    /// Median unit position of each coordinate over the same images.
    public static let fer2013Median = FaceTemplate(name: "fer2013-median", points: [
        .init(x: 0.3214, y: 0.3965), .init(x: 0.6986, y: 0.3902), .init(x: 0.5107, y: 0.6025),
        .init(x: 0.3535, y: 0.7877), .init(x: 0.6691, y: 0.7823),
    ])

    /// Where YuNet puts its five landmarks in FER-2013's crops: the per-coordinate
    /// median over the 25,128 Training images with one face scoring at least 0.8
    /// (measured as `fer2013Median` was; see `Models/README.md`, "Face alignment"),
    /// moved down by 0.02 crop heights, the shift that scored best on PublicTest
    /// through detection and alignment. YuNet's nose and mouth points sit higher on
    /// the face than MTCNN's. Measured median: eyes (0.2994, 0.3834), (0.6949, 0.3915),
    /// nose (0.4913, 0.5750), mouth (0.3357, 0.7437), (0.6589, 0.7470).
    public static let fer2013YuNet = FaceTemplate(name: "fer2013-yunet", points: [
        .init(x: 0.2994, y: 0.4034), .init(x: 0.6949, y: 0.4115), .init(x: 0.4913, y: 0.5950),
        .init(x: 0.3357, y: 0.7637), .init(x: 0.6589, y: 0.7670),
    ])

    /// The template measured for `detector`'s landmarks.
    public static func fer2013(for detector: DetectorKind) -> FaceTemplate {
        detector == .yunet ? fer2013YuNet : fer2013
    }

    /// The named templates, for command-line choices.
    public static let named: [String: FaceTemplate] = ["fer2013": fer2013, "fer2013-mean": fer2013Mean,
                                                       "fer2013-median": fer2013Median, "fer2013-yunet": fer2013YuNet]
}
