/** What one run measures and for how long; `--quick` shrinks everything for a smoke run. */
export interface BenchOptions {
  quick: boolean;
  connections: number;
  /** Seconds of measured load per path and per ceiling. */
  durationSeconds: number;
  /** Seconds of unmeasured load before each measurement, so JIT and connection pools are warm. */
  warmupSeconds: number;
  /** Events published through the emitter for the event path. */
  events: number;
  /** Messages for RabbitMQ's own publish/deliver ceiling. */
  rabbitMessages: number;
  /** Only these paths (ids), or all when empty. */
  only: string[];
  resultsDir: string;
  /** When set, every service writes a V8 CPU profile here when it stops. */
  profileDir?: string;
  /** Extra Node options for every service (NODE_OPTIONS), e.g. heap sizes to try. */
  nodeOptions?: string;
  /** Services' heaps sized as Node sizes them in a container of this many MB; 0: as `make run`, by the machine's memory. */
  memoryLimitMb: number;
  /** Tracing in every service (sampling everything, spans to a discarding OTLP sink), off, or one run of each. */
  tracing: 'off' | 'on' | 'both';
}

export const DEFAULTS: BenchOptions = {
  quick: false,
  connections: 50,
  durationSeconds: 8,
  warmupSeconds: 1,
  events: 20_000,
  rabbitMessages: 20_000,
  only: [],
  resultsDir: 'results',
  memoryLimitMb: 256,
  tracing: 'off',
};

const QUICK: Partial<BenchOptions> = {
  quick: true,
  durationSeconds: 1.5,
  warmupSeconds: 0.5,
  events: 3_000,
  rabbitMessages: 5_000,
};

export const USAGE = `usage: npm run bench -- [--quick] [--duration <s>] [--warmup <s>] [--connections <n>]
                        [--events <n>] [--rabbit-messages <n>] [--only <id,id,...>] [--results <dir>]
                        [--profile <dir>] [--node-options <flags>] [--memory-limit <MB>] [--tracing on|off|both]
  --quick            smoke run (~30 s): short durations, fewer events
  --duration         seconds of measured load per path (default ${DEFAULTS.durationSeconds})
  --warmup           seconds of unmeasured load before each path (default ${DEFAULTS.warmupSeconds})
  --connections      concurrent connections of the load generator (default ${DEFAULTS.connections})
  --events           events for the event path (default ${DEFAULTS.events})
  --rabbit-messages  messages for RabbitMQ's own ceiling (default ${DEFAULTS.rabbitMessages})
  --only             comma-separated path ids to run (see bench/README.md)
  --results          directory for the result files (default bench/results)
  --profile <dir>    every service writes a .cpuprofile into <dir> when the run ends
  --node-options     extra Node flags for every service, e.g. "--max-semi-space-size=4"
  --memory-limit     size every service's heap as in a container of <MB> (default ${DEFAULTS.memoryLimitMb},
                     the manifests' limit); 0 sizes it by the machine's memory, as \`make run\`
  --tracing          off (default), on (every service traces every request to a discarding OTLP sink), or
                     both: one run of each and the CPU per request of each path with and without`;

export class UsageError extends Error {}

function positive(flag: string, value: string | undefined, integer: boolean): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} needs a positive ${integer ? 'integer' : 'number'}, got ${value ?? 'nothing'}`,
    );
  }
  return n;
}

/** Parses the CLI flags; `--quick` applies first so explicit flags still override it. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, ...(argv.includes('--quick') ? QUICK : {}) };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] =
      flag.startsWith('--') && flag.includes('=') ? flag.split('=', 2) : [flag, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--quick':
        break;
      case '--duration':
        options.durationSeconds = positive(name, value(), false);
        break;
      case '--warmup': {
        const v = value();
        options.warmupSeconds = v === '0' ? 0 : positive(name, v, false);
        break;
      }
      case '--connections':
        options.connections = positive(name, value(), true);
        break;
      case '--events':
        options.events = positive(name, value(), true);
        break;
      case '--rabbit-messages':
        options.rabbitMessages = positive(name, value(), true);
        break;
      case '--only': {
        const v = value();
        if (!v) throw new UsageError('--only needs a comma-separated list of path ids');
        options.only = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      }
      case '--results': {
        const v = value();
        if (!v) throw new UsageError('--results needs a directory');
        options.resultsDir = v;
        break;
      }
      case '--profile': {
        const v = value();
        if (!v) throw new UsageError('--profile needs a directory');
        options.profileDir = v;
        break;
      }
      case '--node-options': {
        const v = value();
        if (!v) throw new UsageError('--node-options needs Node flags');
        options.nodeOptions = v;
        break;
      }
      case '--memory-limit': {
        const v = value();
        options.memoryLimitMb = v === '0' ? 0 : positive(name, v, true);
        break;
      }
      case '--tracing': {
        const v = value();
        if (v !== 'on' && v !== 'off' && v !== 'both')
          throw new UsageError('--tracing takes on, off or both');
        options.tracing = v;
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return options;
}
