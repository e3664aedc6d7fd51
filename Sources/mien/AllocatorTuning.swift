#if canImport(Glibc)
import Glibc
#endif

/// Keeps the C allocator from handing large buffers back to the kernel after
/// every frame.
///
/// The networks allocate tensors of a few hundred KB to a few MB per layer
/// and frame. glibc serves such sizes with fresh `mmap`s (and, for the
/// per-thread arenas, trims freed heap space), so every frame paid for page
/// faults on zeroed pages: `perf stat` counted 224,000 page faults for one
/// 5-per-second analysis of a 20 s video, and 13% of the CPU time. With large
/// blocks served from the heap and kept there, 10,000 remain. The cost is that
/// the process keeps its peak heap until it exits, which a batch run reaches
/// anyway.
///
/// All threads share the main heap (one arena). A thread's own arena lives in
/// heaps of at most 64 MiB, and glibc unmaps such a heap as soon as it is
/// empty, whatever the trim threshold: at 1080p, where YuNet's maps are 8 MB
/// each, every frame faulted its tensors in again (`perf stat`: 43,100 page
/// faults against 22,700 for six YuNet passes; 5 to 7 ms of a 90 ms frame).
/// The tensors are few and large, so the threads' allocations rarely meet.
enum AllocatorTuning {
    /// Blocks up to this size come from the heap, not from their own `mmap` (glibc's maximum, 32 MiB).
    static let mmapThreshold: Int32 = 32 << 20
    /// Free space at the top of a heap is returned to the kernel only beyond this.
    static let trimThreshold: Int32 = 1 << 30
    /// One arena: the main heap, for every thread.
    static let arenas: Int32 = 1

    /// Applies the settings; call once, before the first large allocation.
    /// `mallopt` is looked up at run time (Swift's Glibc module leaves out
    /// `malloc.h`); without it (another C library) nothing changes.
    static func apply() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        // Option numbers from glibc's malloc.h.
        let trimThresholdOption: Int32 = -1, mmapThresholdOption: Int32 = -3, arenaMaxOption: Int32 = -8
        _ = mallopt(mmapThresholdOption, mmapThreshold)
        _ = mallopt(trimThresholdOption, trimThreshold)
        _ = mallopt(arenaMaxOption, arenas)
        #endif
    }
}
