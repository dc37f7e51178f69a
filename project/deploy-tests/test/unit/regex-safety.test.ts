import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { readText, repoPath } from '../support/files.js';

// recheck's pure-JavaScript analyser, in this process: no Java, no native binary, nothing downloaded.
process.env.RECHECK_SYNC_BACKEND = 'pure';
const { checkSync } = await import('recheck');

/** The code that runs in the services: each service's, proto's and the toolbox's `src/`. */
const SOURCE_DIRS = [
  'proto/src',
  'toolbox/src',
  'authentication-service/src',
  'broker-service/src',
  'front-end/src',
  'listener-service/src',
  'logger-service/src',
  'mail-service/src',
];

interface FoundRegex {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(repoPath(dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(dir, file))
    .sort();
}

/**
 * Every regular expression in a file: each literal, and each `RegExp(...)` built from a string
 * literal. A `RegExp` built from anything else cannot be checked, so it is reported as a problem.
 */
function regexesIn(file: string): { found: FoundRegex[]; unchecked: string[] } {
  const text = readText(file);
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: FoundRegex[] = [];
  const unchecked: string[] = [];
  const where = (node: ts.Node) =>
    `${file}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isRegularExpressionLiteral(node)) {
      const slash = node.text.lastIndexOf('/');
      found.push({
        where: where(node),
        source: node.text.slice(1, slash),
        flags: node.text.slice(slash + 1),
      });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      const [pattern, flags] = node.arguments ?? [];
      const literal = (arg: ts.Expression | undefined) =>
        arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) ? arg.text : undefined;
      const source = literal(pattern);
      if (source === undefined || (flags !== undefined && literal(flags) === undefined)) {
        unchecked.push(`${where(node)}: RegExp built at run time`);
      } else {
        found.push({ where: where(node), source, flags: literal(flags) ?? '' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { found, unchecked };
}

/** Undefined when safe; otherwise why not, with recheck's attack string. */
function superLinear(source: string, flags: string): string | undefined {
  // A generous analysis deadline (the default is 10 s): a machine busy with other work must not make a
  // linear pattern look unanalysable.
  const result = checkSync(source, flags, { timeout: 120_000 });
  if (result.status === 'safe') return undefined;
  if (result.status === 'vulnerable') {
    return `${result.complexity.summary}, e.g. ${JSON.stringify(result.attack.pattern)}`;
  }
  return `could not be analysed (${String(result.error?.kind ?? result.error)})`;
}

describe('regular expressions in the services, proto and the toolbox', () => {
  test('when the checker is given a pattern that backtracks, then it reports it (the check can fail)', () => {
    // The mailbox pattern the mail requests once used: cubic on a long run of spaces.
    assert.match(superLinear('^\\s*(?:"([^"]*)"|([^"<>]*?))\\s*<([^<>]+)>\\s*$', '') ?? 'safe', /polynomial/);
    assert.match(superLinear('^(a+)+$', '') ?? 'safe', /exponential/);
    assert.equal(superLinear('^[^\\u0000-\\u001f\\u007f]*$', ''), undefined);
  });

  test('when every regular expression in src/ is analysed, then none takes more than linear time', () => {
    const files = SOURCE_DIRS.flatMap(sourceFiles);
    assert.ok(files.length > 50, `only ${files.length} source files found`);
    const all = files.map(regexesIn);
    const found = all.flatMap((f) => f.found);
    assert.ok(found.length >= 10, `only ${found.length} regular expressions found: the scan is broken`);
    const problems = [
      ...all.flatMap((f) => f.unchecked),
      ...found.flatMap(({ where, source, flags }) => {
        const why = superLinear(source, flags);
        return why ? [`${where}: /${source}/${flags} is super-linear: ${why}`] : [];
      }),
    ];
    assert.deepEqual(problems, []);
  });
});
