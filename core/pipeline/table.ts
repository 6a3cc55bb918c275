/**
 * The terminal results table of `hml run` (as HML prints it): one row per method with accuracy, AUC, the
 * maximum significance and the background rejections, from results.json.
 */
import type { MetricValue, ResultsFile } from '../../protocol/results';

function fmt(m: MetricValue | undefined, digits = 3): string {
  if (!m) return '–';
  if (m.value === null) return m.flags?.length ? `n/a (${m.flags[0]})` : 'n/a';
  const v = Math.abs(m.value) >= 1000 ? m.value.toExponential(2) : m.value.toFixed(digits);
  const lb = m.flags?.includes('lower-bound') ? '>' : '';
  const unc = m.uncertainty !== undefined && m.uncertainty !== null && Number.isFinite(m.uncertainty) ? ` ± ${m.uncertainty.toFixed(digits)}` : '';
  return `${lb}${v}${unc}`;
}

/** Column list: accuracy, auc, significance, then every rejection@X present, in the order requested. */
export function formatResultsTable(results: ResultsFile, requested: readonly string[] = []): string {
  const rejections = new Set<string>();
  for (const r of requested) if (r.startsWith('rejection@')) rejections.add(r);
  if (rejections.size === 0) for (const m of results.methods) for (const x of m.metrics) if (x.name.startsWith('rejection@')) rejections.add(x.name);
  const header = ['method', 'type', 'accuracy', 'AUC', 'max significance', ...[...rejections].map((r) => `1/εB @ εS=${r.slice(10)}`)];
  const rows = results.methods.map((m) => {
    const get = (n: string): MetricValue | undefined => m.metrics.find((x) => x.name === n);
    return [m.name, m.type, fmt(get('accuracy')), fmt(get('auc')), fmt(get('max_significance') ?? get('significance'), 2), ...[...rejections].map((r) => fmt(get(r), 1))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  const lumi = results.methods[0]?.metrics.find((x) => x.name === 'significance')?.params?.luminosity;
  out.push('', `test split; significance = s/√(s+b) at the threshold chosen on validation${lumi !== undefined ? `, L = ${String(lumi)} fb⁻¹` : ''}; 1/εB = background rejection at the given signal efficiency`);
  return out.join('\n');
}
