/**
 * saprobe's one small error hierarchy. Every error that can reach a user carries a stable `code`
 * and the exit code the CLI should end with. Only `src/cli/main.ts` turns these into output.
 */

/** Exit codes shared by every command. */
export const ExitCode = {
  /** Everything checked passed (or `can-i` said yes). */
  ok: 0,
  /** A check failed, a finding crossed `--fail-on`, or `can-i` said no. */
  failed: 1,
  /** Bad flags, bad input files, unusable configuration. */
  usage: 2,
  /** saprobe could not run: no connection, TLS or authentication failure. */
  couldNotRun: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: a message a user can act on, a stable code, and the exit code it implies. */
export class SaprobeError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Wrong flags or arguments. The CLI prints the command's usage hint after the message. */
export class UsageError extends SaprobeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_USAGE", message, ExitCode.usage, options);
  }
}

/** A file the user gave us (manifest, check file, kubeconfig) cannot be used. Names the file. */
export class InputError extends SaprobeError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, where: { file?: string; line?: number; column?: number } = {}, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "E_INPUT", message, ExitCode.usage, options);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** Resolving the connection failed (nothing usable, dangling context, bad credentials config). */
export class ConnectionConfigError extends SaprobeError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "E_CONNECTION_CONFIG", message, ExitCode.usage, options);
  }
}

/** The API server could not be used at all (unreachable, TLS, 401). */
export class CouldNotRunError extends SaprobeError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.couldNotRun, options);
  }
}

/** True for errors saprobe raised on purpose (as opposed to bugs). */
export function isSaprobeError(error: unknown): error is SaprobeError {
  return error instanceof SaprobeError;
}
