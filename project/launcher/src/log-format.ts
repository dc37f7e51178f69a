const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLOURS: Record<string, string> = { WARN: '\x1b[33m', ERROR: '\x1b[31m', FATAL: '\x1b[31m' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'service', 'msg', 'v']);

/** Turns a pino JSON line into one short human line; anything else passes through untouched. */
export function formatLogLine(line: string, colour: boolean): string {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  const level = LEVELS[Number(record.level)] ?? 'INFO';
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const levelText = colour && LEVEL_COLOURS[level] ? `${LEVEL_COLOURS[level]}${level}\x1b[0m` : level;
  return `${time} ${levelText} ${String(record.msg ?? '')}${fields ? ` ${fields}` : ''}`;
}
