/**
 * `hml schema`: prints the JSON Schema (draft-07) of analysis files, generated from core/analysis/schema.ts, so
 * other YAML tools can check and complete `*.hml.yaml` files (e.g. `yaml.schemas` in VS Code without HML).
 */
import { analysisJsonSchema } from '../../core/analysis/json-schema';
import { quietOnClosedPipe } from './validate';

export const summary = 'print the JSON Schema of analysis files';

export async function run(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: hml schema\n\nPrints the JSON Schema (draft-07) of *.hml.yaml analysis files on stdout.\n');
    return 0;
  }
  const extra = argv.filter((a) => a !== '--format' && a !== 'json' && a !== '--format=json');
  if (extra.length > 0) {
    process.stderr.write(`hml schema: unexpected argument '${extra[0]}'\nusage: hml schema\n`);
    return 2;
  }
  process.stdout.write(JSON.stringify(analysisJsonSchema(), null, 2) + '\n');
  return 0;
}
