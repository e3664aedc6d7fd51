import Foundation
import MienMedia

/// A labelled face data set in the "ImageFolder" layout: one folder per class,
/// named after the emotion (FER-2013: `angry`, `disgust`, `fear`, `happy`,
/// `neutral`, `sad`, `surprise`), holding one image per face.
public struct ImageFolder: Sendable {
    /// One image and its class.
    public struct Item: Sendable, Equatable {
        /// Path of the image file.
        public let path: String
        /// The class its folder names.
        public let emotion: Emotion
    }

    /// The data set folder.
    public let path: String
    /// Every image, by class (in `Emotion` order) then by file name.
    public let items: [Item]
    /// Sub-folders that name no emotion and were left out (e.g. `contempt`).
    public let skippedFolders: [String]

    /// Lists the data set at `path`. Hidden files are ignored; every other file in a
    /// class folder is an item (files that are not images fail later, when decoded).
    /// - Throws: `ClassifierError.badDataset` when the folder is missing, is not a
    ///   folder, or holds no class folder with at least one file.
    public init(path: String) throws(ClassifierError) {
        self.path = path
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ClassifierError(.badDataset, "\(path): data set folder not found")
        }
        guard isFolder.boolValue else { throw ClassifierError(.badDataset, "\(path): not a folder (expected one sub-folder per class)") }
        let children: [String]
        do { children = try manager.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted() } catch {
            throw ClassifierError(.badDataset, "\(path): cannot list the folder (\(error.localizedDescription))")
        }
        var byClass: [Emotion: [String]] = [:]
        var skipped: [String] = []
        for child in children {
            let folder = path + "/" + child
            var childIsFolder: ObjCBool = false
            guard manager.fileExists(atPath: folder, isDirectory: &childIsFolder), childIsFolder.boolValue else { continue }
            guard let emotion = Emotion(folderName: child) else { skipped.append(child); continue }
            let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            byClass[emotion, default: []] += files.map { folder + "/" + $0 }
        }
        items = Emotion.allCases.flatMap { emotion in (byClass[emotion] ?? []).map { Item(path: $0, emotion: emotion) } }
        skippedFolders = skipped
        guard !items.isEmpty else {
            let names = Emotion.allCases.map(\.rawValue).joined(separator: ", ")
            throw ClassifierError(.badDataset,
                "\(path): no images found (expected sub-folders named \(names), each holding face images)")
        }
    }

    /// Number of images per class, in `Emotion` order.
    public var counts: [Int] { Emotion.allCases.map { e in items.filter { $0.emotion == e }.count } }

    /// Decodes the image at `path` to full-range 8-bit gray at its own size (the
    /// first frame of a video). A grayscale JPEG (FER-2013's kind) is decoded by
    /// libjpeg, as Pillow decodes it for the training code (`GrayJPEG`); every
    /// other image by FFmpeg.
    /// - Throws: `MediaError` naming the file when it cannot be decoded.
    public static func grayImage(_ path: String) throws(MediaError) -> PixelImage {
        if GrayJPEG.isJPEG(path: path), let image = try GrayJPEG.decode(path: path) { return image }
        let reader = try VideoReader(path: path)
        guard let frame = try reader.nextFrame() else {
            throw MediaError(.decodeFailed, path: path, "no picture could be decoded")
        }
        return try frame.image(PixelRequest(.gray))
    }
}
