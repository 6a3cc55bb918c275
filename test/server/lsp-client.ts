/**
 * A minimal LSP client for tests: starts the real built server (dist/server.cjs, rebuilt when a source is newer)
 * over stdio and speaks LSP to it with vscode-languageserver-protocol.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.cjs');

function newest(dir: string): number {
  let t = 0;
  for (const n of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, n.name);
    if (n.isDirectory()) t = Math.max(t, newest(p));
    else if (n.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/server.cjs with the project's build when it is missing or older than its sources. */
export function ensureBuilt(): void {
  let built: number;
  try {
    built = statSync(SERVER).mtimeMs;
  } catch {
    built = 0;
  }
  const src = Math.max(...['server', 'protocol', 'core/analysis', 'core/expressions'].map((d) => newest(join(ROOT, d))));
  if (built >= src) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/** Waits for a server process to exit after `exit`, killing it after 2 s. */
export function waitExit(child: ChildProcess): Promise<void> {
  return new Promise<void>((r) => {
    if (child.exitCode !== null) return r();
    child.once('exit', () => r());
    setTimeout(() => {
      child.kill('SIGKILL');
      r();
    }, 2000).unref();
  });
}

export interface TestClient {
  child: ChildProcess;
  conn: ProtocolConnection;
  stderr: () => string;
  /** The next diagnostics published for `uri` (optionally for a given version). */
  nextDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  close(): Promise<void>;
}

export async function startServer(rootUri: string | null = null, capabilities: Record<string, unknown> = {}): Promise<TestClient> {
  ensureBuilt();
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const seen: PublishDiagnosticsParams[] = [];
  let waiters: (() => void)[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    seen.push(p);
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  });
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    workspaceFolders: rootUri ? [{ uri: rootUri, name: 'ws' }] : null,
    capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } }, ...capabilities },
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    child,
    conn,
    stderr: () => err,
    nextDiagnostics(uri, version, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const i = seen.findIndex((p) => p.uri === uri && (version === undefined || p.version === version));
          if (i < 0) return false;
          const [p] = seen.splice(0, i + 1).slice(-1);
          resolve(p);
          return true;
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms; stderr: ${err.slice(-500)}`)), timeoutMs);
        timer.unref();
        const wait = (): void => {
          if (check()) clearTimeout(timer);
          else waiters.push(wait);
        };
        waiters.push(wait);
      });
    },
    async close() {
      try {
        await Promise.race([conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000).unref())]);
        await conn.sendNotification(ExitNotification.type);
      } catch {
        /* already gone */
      }
      await waitExit(child);
      conn.dispose();
    },
  };
}
