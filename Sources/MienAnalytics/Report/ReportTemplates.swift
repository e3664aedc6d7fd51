import Mustache

/// The report's Mustache templates (swift-mustache, HTML-escaping every
/// `{{value}}`). Everything the page needs is inline: styles, SVG charts and
/// images as `data:` URIs; nothing loads from the network.
enum ReportTemplates {
    /// The templates, registered by name: `page` uses the others as partials.
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        try library.register(page, named: "page")
        try library.register(lineChart, named: "lineChart")
        try library.register(laneChart, named: "laneChart")
        try library.register(video, named: "video")
        return library
    }

    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="{{generator}}">
        <title>{{title}}</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 24px; color: #222; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 14px; margin: 0; } .muted { color: #666; font-size: 13px; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f4f4f4; }
        td.text, th.text { text-align: left; }
        .complete { color: #1a7f37; } .partial { color: #9a6700; } .failed { color: #cf222e; }
        .legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
        .legend i { display: inline-block; width: 14px; height: 4px; margin-right: 4px; vertical-align: middle; }
        .tracks { display: flex; flex-wrap: wrap; gap: 10px; }
        .track { border: 1px solid #e2e2e2; border-radius: 6px; padding: 8px; display: flex; gap: 8px; align-items: flex-start; }
        .thumb { width: 72px; min-height: 72px; display: flex; flex-direction: column; align-items: center; font-size: 11px; color: #666; text-align: center; }
        .thumb img { max-width: 72px; max-height: 72px; image-rendering: auto; border-radius: 3px; }
        .note { background: #fff8e1; border: 1px solid #f0d68a; padding: 4px 8px; font-size: 13px; display: inline-block; }
        svg text { font-size: 10px; fill: #555; font-family: inherit; }
        </style>
        </head>
        <body>
        <h1>{{title}}</h1>
        <p class="muted">{{folder}} &middot; {{generator}}</p>
        <h2>Inputs</h2>
        <table>
        <tr><th class="text">input</th><th class="text">status</th><th>duration</th><th>faces</th><th>tracks</th><th class="text">errors</th></tr>
        {{#inputs}}
        <tr><td class="text">{{#hasSection}}<a href="#{{anchor}}">{{name}}</a>{{/hasSection}}{{^hasSection}}{{name}}{{/hasSection}}</td>
        <td class="text {{statusClass}}">{{status}}</td><td>{{duration}}</td><td>{{faces}}</td><td>{{tracks}}</td><td class="text">{{errors}}</td></tr>
        {{/inputs}}
        </table>
        <p class="legend">{{#legend}}<span><i style="background: {{color}}"></i>{{name}}</span>{{/legend}}</p>
        {{#videos}}
        {{> video}}
        {{/videos}}
        </body>
        </html>

        """

    static let video = """
        <section id="{{anchor}}">
        <h2>{{name}}</h2>
        <p class="muted">{{smoothingNote}}</p>
        {{#videoNote}}<p class="note">{{videoNote}}</p>{{/videoNote}}
        <h3>On screen</h3>
        {{#lanes}}{{> laneChart}}{{/lanes}}
        <h3>Emotion probabilities over time, per track</h3>
        {{#omittedNote}}<p class="note">{{omittedNote}}</p>{{/omittedNote}}
        <div class="tracks">
        {{#tracks}}
        <div class="track">
        <div class="thumb">{{#thumbnail}}<img src="{{thumbnail}}" alt="face of {{label}}">{{/thumbnail}}{{^thumbnail}}<span>{{thumbnailNote}}</span>{{/thumbnail}}
        <b>{{label}}</b><span>{{onScreen}}</span><span>{{dominant}}</span></div>
        {{#chart}}{{> lineChart}}{{/chart}}
        </div>
        {{/tracks}}
        </div>
        <h3>Emotion shares per track</h3>
        <table>
        <tr><th>track</th><th>on screen</th><th>samples</th><th class="text">dominant</th><th>valence</th><th>changes</th>{{#shareColumns}}<th>{{.}}</th>{{/shareColumns}}</tr>
        {{#shares}}
        <tr><td>{{track}}</td><td>{{onScreen}}</td><td>{{samples}}</td><td class="text">{{dominant}}</td><td>{{valence}}</td><td>{{changes}}</td>{{#cells}}<td style="background: {{shade}}">{{text}}</td>{{/cells}}</tr>
        {{/shares}}
        </table>
        </section>

        """

    static let lineChart = """
        <svg width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img">
        <line x1="{{plotLeft}}" y1="{{plotTop}}" x2="{{plotRight}}" y2="{{plotTop}}" stroke="#eee"/>
        <line x1="{{plotLeft}}" y1="{{midY}}" x2="{{plotRight}}" y2="{{midY}}" stroke="#eee"/>
        <line x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}" stroke="#bbb"/>
        <text x="{{plotLeft}}" y="{{plotTop}}" dx="-4" dy="4" text-anchor="end">1</text>
        <text x="{{plotLeft}}" y="{{midY}}" dx="-4" dy="3" text-anchor="end">0.5</text>
        <text x="{{plotLeft}}" y="{{plotBottom}}" dx="-4" text-anchor="end">0</text>
        {{#ticks}}<text x="{{x}}" y="{{plotBottom}}" dy="14" text-anchor="middle">{{label}}</text>{{/ticks}}
        {{#lines}}<path d="{{path}}" fill="none" stroke="{{color}}" stroke-width="1.3" stroke-linejoin="round" stroke-linecap="round"><title>{{name}}</title></path>
        {{/lines}}
        </svg>
        """

    static let laneChart = """
        <svg width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img">
        {{#lanes}}<text x="{{plotLeft}}" y="{{labelY}}" dx="-6" text-anchor="end">{{label}}</text>
        <line x1="{{plotLeft}}" y1="{{labelY}}" x2="{{plotRight}}" y2="{{labelY}}" stroke="#f0f0f0" transform="translate(0,-4)"/>
        {{#spans}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" fill="{{color}}"/>{{/spans}}
        {{/lanes}}
        <line x1="{{plotLeft}}" y1="{{axisY}}" x2="{{plotRight}}" y2="{{axisY}}" stroke="#bbb"/>
        {{#ticks}}<text x="{{x}}" y="{{axisY}}" dy="13" text-anchor="middle">{{label}}</text>{{/ticks}}
        </svg>
        """
}
