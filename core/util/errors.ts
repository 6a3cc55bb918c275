/**
 * Errors that a user sees. Every one carries a stable code, a message that says what to do, and where the
 * problem is (a file position, an event number, or a log excerpt).
 */
export interface SourceLocation {
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column (UTF-16 code units, as LSP counts). */
  column?: number;
  /** 0-based event number inside the file, for event data. */
  event?: number;
  /** 0-based particle / object index inside the event. */
  particle?: number;
}

export class HmlError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;
  /** Process exit code the CLI should use (CONTRACTS.md "Command line"): 1 failed, 2 bad input, 3 locked. */
  readonly exitCode: number;
  /** Extra text shown after the message (e.g. a MadGraph5 log excerpt). */
  readonly detail?: string;

  constructor(code: string, message: string, options: { location?: SourceLocation; exitCode?: number; detail?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HmlError';
    this.code = code;
    this.location = options.location;
    this.exitCode = options.exitCode ?? 2;
    this.detail = options.detail;
  }

  /** `file:line:col: message [code]` or `file: event 12: message [code]`. */
  format(): string {
    const loc = this.location;
    let where = '';
    if (loc?.file) where += loc.file;
    if (loc?.line !== undefined) where += `:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`;
    if (loc?.event !== undefined) where += `${where ? ': ' : ''}event ${loc.event}${loc.particle !== undefined ? `, particle ${loc.particle}` : ''}`;
    return `${where ? where + ': ' : ''}${this.message} [${this.code}]${this.detail ? '\n' + this.detail : ''}`;
  }
}
