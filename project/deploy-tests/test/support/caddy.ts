/** What a Caddyfile does with a request path, read the way Caddy reads the subset project/Caddyfile uses. */
export interface CaddySite {
  address: string;
  /** The `handle` blocks in order; `paths` undefined for a bare `handle` (every path). */
  handles: { paths: string[] | undefined; upstream: string | undefined; stripPrefix: string | undefined }[];
}

export function parseCaddyfile(text: string): CaddySite[] {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
  const sites: CaddySite[] = [];
  let depth = 0;
  let site: CaddySite | undefined;
  let matchers: Record<string, string[]> = {};
  let handle: CaddySite['handles'][number] | undefined;
  let handleDepth = 0;
  for (const line of lines) {
    if (depth === 0 && line.endsWith('{')) {
      const address = line.slice(0, -1).trim();
      // The global options block `{` has no address.
      site = address ? { address, handles: [] } : undefined;
      if (site) sites.push(site);
      matchers = {};
    } else if (site && depth === 1) {
      const matcher = /^@(\S+)\s+path\s+(.+)$/.exec(line);
      if (matcher) matchers[matcher[1]!] = matcher[2]!.split(/\s+/);
      const opened = /^handle(?:\s+@(\S+))?\s*\{$/.exec(line);
      if (opened) {
        const name = opened[1];
        if (name && !matchers[name]) throw new Error(`handle @${name} has no path matcher`);
        handle = { paths: name ? matchers[name] : undefined, upstream: undefined, stripPrefix: undefined };
        site.handles.push(handle);
        handleDepth = depth + 1;
      }
    } else if (handle && depth >= handleDepth) {
      const proxy = /^reverse_proxy\s+([^\s{]+)/.exec(line);
      if (proxy) handle.upstream = proxy[1];
      // Dynamic upstreams: every task of a Swarm service, by DNS (`tasks.<service>` names them all).
      const dynamic = /^dynamic\s+a\s+(?:tasks\.)?([\w-]+)\s+(\d+)/.exec(line);
      if (dynamic) handle.upstream = `${dynamic[1]}:${dynamic[2]}`;
      const strip = /^uri\s+strip_prefix\s+(\S+)/.exec(line);
      if (strip) handle.stripPrefix = strip[1];
    }
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    if (handle && depth < handleDepth) handle = undefined;
  }
  return sites;
}

const matches = (pattern: string, path: string) =>
  pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;

/** Where a site sends `path`: the upstream and the path it sees, or undefined when no proxy answers it. */
export function route(site: CaddySite, path: string): { upstream: string; path: string } | undefined {
  // Named path matchers keep their order; a bare `handle` comes last whatever its place.
  const ordered = [...site.handles.filter((h) => h.paths), ...site.handles.filter((h) => !h.paths)];
  const handle = ordered.find((h) => !h.paths || h.paths.some((p) => matches(p, path)));
  if (!handle?.upstream) return undefined;
  const stripped =
    handle.stripPrefix && path.startsWith(handle.stripPrefix) ? path.slice(handle.stripPrefix.length) : path;
  return { upstream: handle.upstream, path: stripped.startsWith('/') ? stripped : `/${stripped}` };
}
