// apt.mjs -- makes sure Debian packages are installed, installing the missing ones as .ci/run does
import { run } from './exec.mjs';

let updated = false;

/** dpkg-query's format for a package's state (a dpkg field name, not a JS placeholder). */
const STATUS_FORMAT = ['-f=$', '{Status}'].join('');

/** Names from `names` that dpkg does not report as installed. */
export async function missingDebianPackages(names) {
  const missing = [];
  for (const name of names) {
    const { code, stdout } = await run('dpkg-query', ['-W', STATUS_FORMAT, name]);
    if (code !== 0 || !stdout.includes('install ok installed')) missing.push(name);
  }
  return missing;
}

/**
 * Adds the foreign architectures that multiarch names (`musl-dev:arm64`) need, as .ci/run does.
 * Resolves to the problem, or undefined.
 */
async function addForeignArchitectures(names) {
  const wanted = new Set(names.filter((n) => n.includes(':')).map((n) => n.split(':')[1]));
  if (wanted.size === 0) return undefined;
  const { stdout } = await run('dpkg', ['--print-architecture']);
  const foreign = await run('dpkg', ['--print-foreign-architectures']);
  const have = new Set([stdout.trim(), ...foreign.stdout.split('\n').map((a) => a.trim())]);
  for (const arch of wanted) {
    if (have.has(arch)) continue;
    const add = await run('dpkg', ['--add-architecture', arch]);
    if (add.code !== 0) return `dpkg --add-architecture ${arch} failed: ${add.output.trim()}`;
    updated = false; // the new architecture's package lists are not fetched yet
  }
  return undefined;
}

/**
 * Installs whichever of `names` is missing (apt-get update once per run first). Resolves to
 * `{ ok, installed, reason, notAllowed }`; `allowInstall: false` only reports what is missing
 * (`notAllowed`, as when not root); a failed install is `ok: false` without `notAllowed`.
 */
export async function ensureDebianPackages(names, { allowInstall = true } = {}) {
  const missing = await missingDebianPackages(names);
  if (missing.length === 0) return { ok: true, installed: [] };
  if (!allowInstall) {
    return {
      ok: false,
      notAllowed: true,
      installed: [],
      reason: `Debian packages missing: ${missing.join(' ')}`,
    };
  }
  if (process.getuid?.() !== 0) {
    return {
      ok: false,
      notAllowed: true,
      installed: [],
      reason: `Debian packages missing (${missing.join(' ')}) and not root to install them`,
    };
  }
  const archProblem = await addForeignArchitectures(missing);
  if (archProblem) return { ok: false, installed: [], reason: archProblem };
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    const update = await run('apt-get', ['update', '-qq'], { env, timeoutMs: 5 * 60 * 1000 });
    if (update.code !== 0)
      return {
        ok: false,
        installed: [],
        reason: `apt-get update failed: ${update.output.trim().split('\n').at(-1)}`,
      };
    updated = true;
  }
  const install = await run('apt-get', ['install', '-y', '-qq', '--no-remove', ...missing], {
    env,
    timeoutMs: 10 * 60 * 1000,
  });
  const still = await missingDebianPackages(missing);
  if (install.code !== 0 || still.length > 0) {
    return {
      ok: false,
      installed: [],
      reason: `apt-get install ${still.join(' ')} failed: ${install.output.trim().split('\n').at(-1)}`,
    };
  }
  return { ok: true, installed: missing };
}
