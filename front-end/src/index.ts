export { BOOTSTRAP_CSS, createApp, type FrontEndDeps, SERVICE } from './app.js';
export { BUTTONS, loadTemplates, PAGE_TITLE, renderPage } from './page.js';
