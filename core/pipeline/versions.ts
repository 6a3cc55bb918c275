/** Software versions recorded in run records, stage records, results.json and model cards. */
import { createRequire } from 'node:module';

declare const __HML_VERSION__: string | undefined;

export const ENGINE_VERSION = typeof __HML_VERSION__ === 'string' ? __HML_VERSION__ : '0.1.0';

export function softwareVersions(): Record<string, string> {
  const v: Record<string, string> = { engine: ENGINE_VERSION, node: process.versions.node, platform: `${process.platform}-${process.arch}` };
  const req = createRequire(import.meta.url);
  for (const [key, pkg] of [['tfjs', '@tensorflow/tfjs/package.json'], ['onnxruntime', 'onnxruntime-node/package.json'], ['h5wasm', 'h5wasm/package.json']] as const) {
    try {
      v[key] = (req(pkg) as { version: string }).version;
    } catch {
      // not installed: not recorded
    }
  }
  return v;
}
