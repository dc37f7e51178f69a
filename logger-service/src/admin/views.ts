import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Response } from 'express';
import Mustache from 'mustache';

/** Same depth from `src/admin` and `dist/admin`, so tests and the built service find the same files. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
export const STATIC_DIR = fileURLToPath(new URL('../../static/', import.meta.url));

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

export type PageName = 'login' | 'dashboard' | 'entry' | 'error';

export interface Views {
  render(page: PageName, view: object): string;
  /** Writes an HTML page with the security headers every admin page carries. */
  send(res: Response, status: number, page: PageName, view: object): void;
}

/** Reads and parses every template once; pages share `header`/`footer` partials. */
export function loadViews(dir = TEMPLATES_DIR): Views {
  const templates: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.mustache')) continue;
    const template = readFileSync(`${dir}/${file}`, 'utf8');
    Mustache.parse(template);
    templates[file.slice(0, -'.mustache'.length)] = template;
  }
  const render = (page: PageName, view: object) => {
    const template = templates[page];
    if (template === undefined) throw new Error(`template ${page}.mustache is missing`);
    return Mustache.render(template, view, templates);
  };
  return {
    render,
    send(res, status, page, view) {
      const html = render(page, view);
      res
        .status(status)
        .set({
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'X-Frame-Options': 'DENY',
          'Referrer-Policy': 'same-origin',
          'Cache-Control': 'no-store',
        })
        .send(html);
    },
  };
}
