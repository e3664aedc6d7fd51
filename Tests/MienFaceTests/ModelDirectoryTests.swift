import Foundation
import Testing

@testable import MienFace

@Suite("Model weights are found")
struct ModelDirectoryTests {
    @Test func locatesTheRepositoryModels() throws {
        let folder = try ModelDirectory.locate()
        #expect(FileManager.default.fileExists(atPath: folder + "/mini_xception.safetensors"))
    }
}
