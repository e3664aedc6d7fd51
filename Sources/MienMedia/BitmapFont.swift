/// A built-in 5x7 pixel font for labels drawn on frames (`mien render`), so
/// drawing text needs no font file. It has the digits, the letters A-Z
/// (lower-case letters are drawn as capitals) and `# . % : - ( ) / _ ?` and
/// space; any other character is drawn as `?`.
public enum BitmapFont {
    /// Glyph width in font pixels (before scaling).
    public static let glyphWidth = 5
    /// Glyph height in font pixels (before scaling).
    public static let glyphHeight = 7
    /// Font pixels between glyphs.
    public static let spacing = 1

    /// The size in image pixels of `text` drawn at `scale`.
    public static func size(of text: String, scale: Int) -> (width: Int, height: Int) {
        let count = text.count
        guard count > 0 else { return (0, glyphHeight * scale) }
        return ((count * (glyphWidth + spacing) - spacing) * scale, glyphHeight * scale)
    }

    /// Draws `text` with its top-left corner at (`x`, `y`), each font pixel a
    /// `scale` x `scale` square of `color`; what falls outside the image is clipped.
    public static func draw(_ text: String, on image: inout PixelImage, x: Int, y: Int, scale: Int, color: RGBColor) {
        let step = (glyphWidth + spacing) * scale
        for (index, character) in text.uppercased().enumerated() {
            let rows = glyphs[character] ?? glyphs["?"]!
            let left = x + index * step
            for (row, bits) in rows.enumerated() {
                for (column, bit) in bits.enumerated() where bit {
                    image.fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, color: color)
                }
            }
        }
    }

    /// Each glyph as 7 rows of 5 booleans, parsed once from `shapes`.
    private static let glyphs: [Character: [[Bool]]] = {
        var table: [Character: [[Bool]]] = [:]
        for line in shapes.split(separator: "\n") {
            let character = line.first!
            let rows = line.dropFirst(2).split(separator: " ")
            precondition(rows.count == glyphHeight && rows.allSatisfy { $0.count == glyphWidth }, "bad glyph \(character)")
            table[character] = rows.map { $0.map { $0 == "#" } }
        }
        return table
    }()

    /// One glyph per line: the character, a space, then its 7 rows separated by spaces.
    private static let shapes = """
        A .###. #...# #...# ##### #...# #...# #...#
        B ####. #...# #...# ####. #...# #...# ####.
        C .###. #...# #.... #.... #.... #...# .###.
        D ####. #...# #...# #...# #...# #...# ####.
        E ##### #.... #.... ####. #.... #.... #####
        F ##### #.... #.... ####. #.... #.... #....
        G .###. #...# #.... #.### #...# #...# .####
        H #...# #...# #...# ##### #...# #...# #...#
        I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
        J ..### ...#. ...#. ...#. ...#. #..#. .##..
        K #...# #..#. #.#.. ##... #.#.. #..#. #...#
        L #.... #.... #.... #.... #.... #.... #####
        M #...# ##.## #.#.# #.#.# #...# #...# #...#
        N #...# #...# ##..# #.#.# #..## #...# #...#
        O .###. #...# #...# #...# #...# #...# .###.
        P ####. #...# #...# ####. #.... #.... #....
        Q .###. #...# #...# #...# #.#.# #..#. .##.#
        R ####. #...# #...# ####. #.#.. #..#. #...#
        S .#### #.... #.... .###. ....# ....# ####.
        T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
        U #...# #...# #...# #...# #...# #...# .###.
        V #...# #...# #...# #...# #...# .#.#. ..#..
        W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
        X #...# #...# .#.#. ..#.. .#.#. #...# #...#
        Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
        Z ##### ....# ...#. ..#.. .#... #.... #####
        0 .###. #...# #..## #.#.# ##..# #...# .###.
        1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
        2 .###. #...# ....# ...#. ..#.. .#... #####
        3 ##### ...#. ..#.. ...#. ....# #...# .###.
        4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
        5 ##### #.... ####. ....# ....# #...# .###.
        6 ..##. .#... #.... ####. #...# #...# .###.
        7 ##### ....# ...#. ..#.. .#... .#... .#...
        8 .###. #...# #...# .###. #...# #...# .###.
        9 .###. #...# #...# .#### ....# ...#. .##..
        # .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
        . ..... ..... ..... ..... ..... .##.. .##..
        % ##... ##..# ...#. ..#.. .#... #..## ...##
        : ..... .##.. .##.. ..... .##.. .##.. .....
        - ..... ..... ..... ##### ..... ..... .....
        ( ...#. ..#.. .#... .#... .#... ..#.. ...#.
        ) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
        / ..... ....# ...#. ..#.. .#... #.... .....
        _ ..... ..... ..... ..... ..... ..... #####
        ? .###. #...# ....# ...#. ..#.. ..... ..#..
          ..... ..... ..... ..... ..... ..... .....
        """
}
