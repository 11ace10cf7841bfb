/**
 * The renderer's Content-Security-Policy, as the built page declares it in
 * `<meta http-equiv="Content-Security-Policy" content="…">`, and what the house requires of it
 * (DESIGN.md, security defaults: "a strict CSP"):
 * - a default-src, and no wildcard source in it;
 * - scripts only from the app itself: the effective script-src has no 'unsafe-inline',
 *   'unsafe-eval', '*', scheme-wide (http:, https:, data:, blob:) or remote sources;
 * - object-src (effective) 'none' or 'self'; no '*' in connect-src;
 * - no inline <script> in the page (the policy would block it and the window stays blank).
 */

export type CspDirectives = Map<string, string[]>;

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[2] ?? m[3] ?? m[4] ?? '') : null;
}

/** The policies of every CSP meta tag in the page (more than one: all apply). */
export function findCspMeta(html: string): string[] {
  const policies: string[] = [];
  for (const tag of html.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<meta\b[^>]*>/gi)) {
    if (attribute(tag[0], 'http-equiv')?.toLowerCase() === 'content-security-policy') {
      policies.push(attribute(tag[0], 'content') ?? '');
    }
  }
  return policies;
}

export function parseCsp(policy: string): CspDirectives {
  const directives: CspDirectives = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!directives.has(key)) directives.set(key, sources); // the first occurrence wins (CSP spec)
  }
  return directives;
}

/** The sources that govern `directive`, following the CSP fallback to default-src. */
export function effectiveSources(
  directives: CspDirectives,
  directive: string,
): string[] | undefined {
  const fallbacks: Record<string, string[]> = {
    'script-src-elem': ['script-src', 'default-src'],
    'script-src': ['default-src'],
    'object-src': ['default-src'],
    'connect-src': ['default-src'],
  };
  for (const name of [directive, ...(fallbacks[directive] ?? [])]) {
    const sources = directives.get(name);
    if (sources) return sources;
  }
  return undefined;
}

const UNSAFE_SCRIPT = new Set([
  "'unsafe-inline'",
  "'unsafe-eval'",
  '*',
  'http:',
  'https:',
  'data:',
  'blob:',
]);

export function cspProblems(policy: string): string[] {
  const problems: string[] = [];
  const d = parseCsp(policy);
  const defaults = d.get('default-src');
  if (!defaults) problems.push('CSP has no default-src: everything it does not name is allowed');
  else if (defaults.includes('*')) problems.push("CSP default-src allows '*'");
  for (const directive of ['script-src', 'script-src-elem']) {
    const sources = effectiveSources(d, directive);
    if (!sources) {
      if (directive === 'script-src')
        problems.push('CSP does not restrict scripts (no script-src or default-src)');
      continue;
    }
    for (const s of sources) {
      if (UNSAFE_SCRIPT.has(s.toLowerCase())) problems.push(`CSP ${directive} allows ${s}`);
      else if (
        /^(https?|wss?):\/\//i.test(s) ||
        /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(s) ||
        s.startsWith('*.')
      ) {
        problems.push(`CSP ${directive} allows remote scripts from ${s}`);
      }
    }
  }
  const objects = effectiveSources(d, 'object-src');
  if (objects && !objects.every((s) => s === "'none'" || s === "'self'")) {
    problems.push(`CSP object-src allows ${objects.join(' ')} (use 'none')`);
  }
  if (effectiveSources(d, 'connect-src')?.includes('*'))
    problems.push("CSP connect-src allows '*'");
  return problems;
}

/** Inline <script> elements (no src): a strict CSP blocks them. */
export function inlineScripts(html: string): number {
  let count = 0;
  for (const m of html
    .replace(/<!--[\s\S]*?-->/g, '')
    .matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const type = attribute(m[0].slice(0, m[0].indexOf('>') + 1), 'type')?.toLowerCase();
    const isData =
      type !== undefined &&
      type !== null &&
      !['module', 'text/javascript', 'application/javascript'].includes(type);
    if (attribute(`<x ${m[1]}>`, 'src') === null && m[2].trim() !== '' && !isData) count++;
  }
  return count;
}

/** Every CSP problem of a built renderer page. */
export function pageCspProblems(html: string, file = 'out/renderer/index.html'): string[] {
  const policies = findCspMeta(html);
  if (policies.length === 0)
    return [`${file} has no <meta http-equiv="Content-Security-Policy"> tag`];
  const problems = policies.flatMap((p) => cspProblems(p).map((msg) => `${file}: ${msg}`));
  const inline = inlineScripts(html);
  if (inline > 0)
    problems.push(`${file} has ${inline} inline <script> element(s): the CSP blocks them`);
  return problems;
}
