/**
 * Swaps the database in a MongoDB URL, keeping credentials, hosts and options, so a test run can use
 * a throw-away database on any server. Credentials go on authenticating where they did: without
 * `authSource`, MongoDB authenticates against the URL's database (`admin` when there is none), so
 * the old one is named explicitly. A regular expression rather than `URL`, which rejects multi-host
 * MongoDB URLs.
 */
export function withMongoDatabase(url: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!match) throw new Error(`not a MongoDB URL: ${url}`);
  const [, scheme, authority = '', oldDatabase = '', query = ''] = match;
  const options = query ? query.split('&') : [];
  if (authority.includes('@') && !options.some((option) => /^authSource=/i.test(option))) {
    options.push(`authSource=${oldDatabase || 'admin'}`);
  }
  return `${scheme}${authority}/${database}${options.length > 0 ? `?${options.join('&')}` : ''}`;
}
