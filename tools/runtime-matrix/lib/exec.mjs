// exec.mjs -- runs a child process with a time limit and returns its status and output
import { spawn } from 'node:child_process';

/** The longest piece of a child's output kept in memory (the tail is what explains a failure). */
const OUTPUT_LIMIT = 256 * 1024;

/**
 * Runs `command args` and resolves (never rejects) with its exit code, signal, stdout, the tail
 * of stdout and stderr combined, the duration and whether the time limit killed it.
 * `options.echo` streams the output live.
 */
export function run(command, args, options = {}) {
  const { cwd, env, timeoutMs = 10 * 60 * 1000, echo = false, input } = options;
  const started = Date.now();
  return new Promise((resolve) => {
    let output = '';
    let stdout = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(command, args, {
        cwd,
        env,
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      resolve({ code: null, signal: null, output: String(error), stdout, ms: 0, timedOut: false });
      return;
    }
    const collect = (chunk) => {
      output += chunk;
      if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += chunk;
      collect(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', collect);
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (error) => collect(`\n${error.message}\n`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, stdout, ms: Date.now() - started, timedOut });
    });
  });
}

/** Runs a command and throws with its output tail unless it exits 0; returns its stdout. */
export async function runOrThrow(command, args, options = {}) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const why = result.timedOut ? 'timed out' : `exited ${result.code ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')} ${why}:\n${tail(result.output, 40)}`);
  }
  return result.stdout;
}

/** The last `lines` lines of a text. */
export function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The first line of `text` with anything on it. */
export function firstLine(text) {
  return text.split('\n').find((l) => l.trim()) ?? text;
}

/** The command that failed and the first line of its output that says "error". */
export function errorSummary(text) {
  const lines = text.split('\n');
  const error = lines.slice(1).find((l) => /\berror\b/i.test(l));
  return error ? `${lines[0].trim()} ${error.trim()}` : firstLine(text);
}
