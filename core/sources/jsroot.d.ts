// The parts of jsroot's I/O modules that the Delphes reader uses (jsroot ships no types for its sub-paths).
declare module 'jsroot/io' {
  export function openFile(source: string | ArrayBuffer): Promise<unknown>;
}
declare module 'jsroot/tree' {
  export class TSelector {
    tgtobj: Record<string, unknown>;
    addBranch(branch: string | object, name?: string, direct?: boolean): number;
    Process(entry: number): void;
    Abort(): void;
  }
  export function treeProcess(tree: unknown, selector: TSelector, args?: { firstentry?: number; numentries?: number }): Promise<TSelector>;
}
