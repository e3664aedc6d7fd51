import Testing

@testable import MienFace

@Suite("Classifier configurations (NAME or NAME:PRECISION)")
struct ClassifierConfigurationTests {
    @Test func parsesNameAndPrecision() throws {
        #expect(try ClassifierConfiguration(parsing: "expression-net") == ClassifierConfiguration(name: "expression-net"))
        #expect(try ClassifierConfiguration(parsing: "expression-net").precision == .fp32)
        #expect(try ClassifierConfiguration(parsing: "mini-xception:int8")
                == ClassifierConfiguration(name: "mini-xception", precision: .int8))
        #expect(try ClassifierConfiguration(parsing: "mini-xception").description == "mini-xception:fp32")
    }

    @Test func badTextIsAnErrorNamingIt() {
        #expect(throws: ClassifierError(.unknownClassifier, "'expression-net:bogus': unknown precision 'bogus'; known: fp32, int8")) {
            try ClassifierConfiguration(parsing: "expression-net:bogus")
        }
        #expect(throws: ClassifierError(.unknownClassifier, "'expression-net:': unknown precision ''; known: fp32, int8")) {
            try ClassifierConfiguration(parsing: "expression-net:")
        }
        for text in ["", ":int8"] {
            #expect(throws: ClassifierError.self, "\(text)") { try ClassifierConfiguration(parsing: text) }
        }
    }

    @Test func loadsThroughTheRegistry() throws {
        #expect(try ClassifierConfiguration(name: "mini-xception").load().name == "mini-xception")
        #expect(throws: ClassifierError.self) { try ClassifierConfiguration(name: "resnet").load() }
        #expect(try ClassifierConfiguration(parsing: "expression-net:int8").load().name == "expression-net")
        // A model without an int8 form says so.
        for entry in ClassifierRegistry.entries where entry.loadInt8 == nil {
            #expect(throws: ClassifierError.self) { try ClassifierConfiguration(name: entry.name, precision: .int8).load() }
        }
    }
}
