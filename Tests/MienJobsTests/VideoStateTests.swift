import Testing
@testable import MienJobs

@Suite("A video's state from its shard counts")
struct VideoStateTests {
    @Test(arguments: [
        (nil, 3, 0, 0, VideoState.running),
        (nil, 3, 2, 0, .running),
        (nil, 3, 1, 1, .running),     // a dead shard among ones still to run
        (nil, 3, 3, 0, .done),
        (nil, 3, 2, 1, .partial),
        (nil, 3, 0, 3, .failed),      // every shard dead: nothing to show
        (nil, 1, 0, 1, .failed),
        ("cannot probe", 0, 0, 0, .failed),
    ] as [(String?, Int, Int, Int, VideoState)])
    func state(failure: String?, shards: Int, done: Int, dead: Int, expected: VideoState) {
        #expect(JobProgress.Video.state(failure: failure, shards: shards, done: done, dead: dead) == expected)
    }
}
