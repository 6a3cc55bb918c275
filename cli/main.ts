/**
 * `hml`: the HEP ML Lab command line. Thin: it parses arguments and prints; the work is in core/.
 * Each sub-command lives in cli/commands/<name>.ts and exports `run(argv): Promise<number>` (the exit code,
 * CONTRACTS.md "Command line": 0 ok, 1 failed, 2 bad input or usage, 3 locked, 130 cancelled) and `summary`.
 */
import { HmlError } from '../core/util/errors';
import { COMMANDS } from './commands/index';

function usage(): string {
  const lines = ['usage: hml <command> [options]', '', 'commands:'];
  for (const [name, cmd] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(14)} ${cmd.summary}`);
  lines.push('', 'Run `hml <command> --help` for the options of one command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${ENGINE_VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`hml: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return cmd.run(rest);
}

declare const __HML_VERSION__: string | undefined;
const ENGINE_VERSION = typeof __HML_VERSION__ === 'string' ? __HML_VERSION__ : '0.1.0';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof HmlError) {
      process.stderr.write(`hml: ${err.format()}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`hml: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
