import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import juice from 'juice';
import Mustache from 'mustache';

export interface MailContent {
  subject: string;
  message: string;
  to: string;
}

export interface RenderedMail {
  html: string;
  text: string;
}

export type RenderMail = (content: MailContent) => RenderedMail;

/** `templates/` next to `src/` and `dist/`, so the same path works from tsx and from the build. */
const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

/**
 * Reads, inlines and parses the templates once; each call only renders. The HTML part has its
 * `<style>` rules inlined by juice because many mail clients drop `<style>` blocks. Inlining the
 * template rather than every rendered mail gives the same bytes (the rules select only the
 * template's own classes, and user text arrives escaped) at a fraction of the cost: juice parses
 * HTML and CSS, about 1 ms a mail.
 */
export function loadTemplates(dir: string = DEFAULT_TEMPLATES_DIR): RenderMail {
  const html = juice(readFileSync(`${dir}/mail.html.mustache`, 'utf8'));
  const text = readFileSync(`${dir}/mail.txt.mustache`, 'utf8');
  Mustache.parse(html);
  Mustache.parse(text);
  return (content) => ({
    html: Mustache.render(html, { ...content, messageHtml: messageToHtml(content.message) }),
    text: Mustache.render(text, content),
  });
}

/** Escapes first and only then adds `<br>`, so user text can never contribute markup of its own. */
export function messageToHtml(message: string): string {
  return Mustache.escape(message).replace(/\r\n|\r|\n/g, '<br>\n');
}
