import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Mustache from 'mustache';

const PAGE_TITLE = 'Microservices Suite — Test Page';

/** The page's buttons; `public/app.js` knows the request each id sends. */
export const BUTTONS = [
  {
    id: 'brokerBtn',
    label: 'Test Broker',
    hint: 'POST / — the broker answers and records a broker_hit event',
  },
  { id: 'authBrokerBtn', label: 'Test Auth', hint: 'action "auth" — authentication-service' },
  { id: 'logBtn', label: 'Test Log', hint: 'action "log" — logger over JSON-RPC' },
  { id: 'logGBtn', label: 'Test gRPC Log', hint: 'POST /log-grpc — logger over gRPC' },
  {
    id: 'logRabbitBtn',
    label: 'Test Log via RabbitMQ',
    hint: 'action "log", via "rabbitmq" — listener, then logger',
  },
  { id: 'mailBtn', label: 'Test Mail', hint: 'action "mail" — mail-service over SMTP' },
] as const;

export interface PageTemplates {
  layout: string;
  partials: Record<string, string>;
}

/** Reads the layout and every partial once, at start-up, and lets mustache cache their parse trees. */
export function loadTemplates(dir: string): PageTemplates {
  const layout = readFileSync(path.join(dir, 'layout.mustache'), 'utf8');
  const partialsDir = path.join(dir, 'partials');
  const partials: Record<string, string> = {};
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.mustache')) {
      partials[path.basename(file, '.mustache')] = readFileSync(path.join(partialsDir, file), 'utf8');
    }
  }
  Mustache.parse(layout);
  for (const partial of Object.values(partials)) Mustache.parse(partial);
  return { layout, partials };
}

/** `traceViewUrl`: where the page links each answer's trace (`<url>/trace/<trace id>`); none when empty. */
export function renderPage(templates: PageTemplates, brokerUrl: string, traceViewUrl = ''): string {
  return Mustache.render(
    templates.layout,
    { title: PAGE_TITLE, brokerUrl, traceViewUrl, buttons: BUTTONS },
    templates.partials,
  );
}
