import Mustache from 'mustache';
import { summarize, type Trace, treeOrder } from './store.js';

const STYLE = `<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { background: #2d3e50; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: baseline; }
header a { color: #fff; }
main { padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: middle; }
tr:hover td { background: #f4f7fa; }
.muted { color: #777; }
.error { color: #b00020; font-weight: bold; }
.service { white-space: nowrap; font-size: .85rem; }
.name { white-space: nowrap; }
.lane { position: relative; width: 55%; min-width: 20rem; height: 1.1rem; background: #f6f6f6; }
.bar { position: absolute; top: .15rem; height: .8rem; min-width: 2px; border-radius: 2px; }
.chip { display: inline-block; padding: 0 .4rem; border-radius: .6rem; color: #fff; font-size: .8rem; margin-right: .2rem; }
</style>`;

const PALETTE = ['#2a9d8f', '#e76f51', '#264653', '#8e44ad', '#e9c46a', '#457b9d', '#d62828', '#6a994e'];

/** One colour per service, the same on every page. */
function colourOf(service: string): string {
  let hash = 0;
  for (const char of service) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? '#555';
}

const ms = (micros: number) => `${(micros / 1000).toFixed(micros < 10_000 ? 2 : 0)} ms`;

const LIST = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trace catcher ({{count}})</title>${STYLE}</head>
<body>
<header><strong>Trace catcher</strong><span>{{count}} recent trace(s), newest first</span><a href="/">refresh</a></header>
<main>
{{#traces.length}}
<table>
<thead><tr><th>Started</th><th>Root</th><th>Services</th><th>Spans</th><th>Duration</th></tr></thead>
<tbody>
{{#traces}}
<tr><td class="muted">{{started}}</td><td><a href="/trace/{{traceId}}">{{service}}: {{name}}</a>{{#errors}} <span class="error">{{errors}} error(s)</span>{{/errors}}</td>
<td>{{#services}}<span class="chip" style="background: {{colour}}">{{name}}</span>{{/services}}</td><td>{{spanCount}}</td><td>{{duration}}</td></tr>
{{/traces}}
</tbody>
</table>
{{/traces.length}}
{{^traces.length}}<p class="muted">No traces yet. Services send them to {{otlpUrl}} (OTEL_EXPORTER_OTLP_ENDPOINT).</p>{{/traces.length}}
</main>
</body></html>`;

const TRACE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trace {{traceId}}</title>${STYLE}</head>
<body>
<header><a href="/">&larr; all traces</a><strong>{{service}}: {{name}}</strong><span>{{spanCount}} spans, {{duration}}</span></header>
<main>
<p class="muted">Trace <code id="trace-id">{{traceId}}</code> &middot; {{#services}}<span class="chip" style="background: {{colour}}">{{name}}</span>{{/services}}</p>
<table id="waterfall">
<thead><tr><th>Service</th><th>Span</th><th>Duration</th><th>Timeline</th></tr></thead>
<tbody>
{{#rows}}
<tr class="span" data-service="{{service}}" title="{{attributes}}">
<td class="service"><span class="chip" style="background: {{colour}}">{{service}}</span></td>
<td class="name" style="padding-left: {{indent}}rem">{{name}}{{#error}} <span class="error">error</span>{{/error}}{{#linked}} <span class="muted">(links {{linked}})</span>{{/linked}}</td>
<td class="muted">{{duration}}</td>
<td class="lane"><div class="bar" style="left: {{left}}%; width: {{width}}%; background: {{colour}}"></div></td>
</tr>
{{/rows}}
</tbody>
</table>
</main>
</body></html>`;

const NOT_FOUND = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No such trace</title>${STYLE}</head>
<body><header><a href="/">&larr; all traces</a><strong>Trace {{traceId}}</strong></header>
<main><p class="muted">No span of this trace has arrived (yet: spans leave the services in batches, reload in a few seconds).</p></main>
</body></html>`;

const chips = (services: string[]) => services.map((name) => ({ name, colour: colourOf(name) }));

export function listPage(traces: Trace[], otlpUrl: string): string {
  const rows = traces.map((trace) => {
    const s = summarize(trace);
    return {
      ...s,
      services: chips(s.services),
      started: new Date(s.startMicros / 1000).toISOString().replace('T', ' ').slice(0, 23),
      duration: ms(s.durationMicros),
    };
  });
  return Mustache.render(LIST, { traces: rows, count: rows.length, otlpUrl });
}

/** The trace as a waterfall: one row per span in tree order, a bar where it ran, coloured by service. */
export function tracePage(trace: Trace): string {
  const s = summarize(trace);
  const total = Math.max(1, s.durationMicros);
  const rows = treeOrder(trace.spans).map(({ span, depth }) => ({
    service: span.service,
    colour: colourOf(span.service),
    name: span.name,
    indent: (0.5 + depth * 1.1).toFixed(1),
    duration: ms(span.durationMicros),
    left: (((span.startMicros - s.startMicros) / total) * 100).toFixed(2),
    width: Math.max(0.2, (span.durationMicros / total) * 100).toFixed(2),
    error: span.error,
    linked: span.links.length || undefined,
    attributes: Object.entries(span.attributes)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  }));
  return Mustache.render(TRACE, { ...s, services: chips(s.services), duration: ms(s.durationMicros), rows });
}

export function notFoundPage(traceId: string): string {
  return Mustache.render(NOT_FOUND, { traceId });
}
