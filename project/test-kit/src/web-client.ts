/** fetch with a cookie jar and no redirect following, so tests see each 302/303 and carry the session. */
export class WebClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request(
    path: string,
    options: {
      method?: string;
      form?: Record<string, string>;
      json?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<{ status: number; body: string; headers: Headers }> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, body: await response.text(), headers: response.headers };
  }

  /** The value of one cookie in the jar, as a copy of it could be taken. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  get(path: string) {
    return this.request(path);
  }

  postForm(path: string, form: Record<string, string>) {
    return this.request(path, { method: 'POST', form });
  }

  /**
   * Opens the logger admin UI's sign-in page and posts its form with the page's CSRF token; both
   * answers, for tests that look at either.
   */
  async signIn(email: string, password: string) {
    const page = await this.get('/login');
    const response = await this.postForm('/login', { _csrf: WebClient.csrfFrom(page.body), email, password });
    return { page, response };
  }

  /** The CSRF token of the page's first form. */
  static csrfFrom(html: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token in the page');
    return match[1]!;
  }
}
