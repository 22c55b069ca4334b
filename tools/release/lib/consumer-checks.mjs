// consumer-checks.mjs -- judges what the empty project got from the registry: the installed
// manifests, npm's account of the install script, and the output of `pmem2 info`
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Problems with the @pmem2 packages installed under `dir`: each of `versions` (`{ name:
 * version }`, what was published) must be installed at that version, carry `repository.url`
 * (npm provenance needs it) and depend on no `workspace:` version.
 */
export function installedManifestProblems(dir, versions) {
  const problems = [];
  for (const [name, version] of Object.entries(versions)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (!existsSync(file)) {
      problems.push(`${name} is not installed`);
      continue;
    }
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.version !== version) {
      problems.push(`${name} ${manifest.version} installed, ${version} published`);
    }
    if (typeof manifest.repository?.url !== 'string')
      problems.push(`${name} has no repository.url`);
    const fields = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
    for (const field of fields) {
      for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
        if (String(spec).startsWith('workspace:')) {
          problems.push(`${name} ${field} ${dep}: ${spec}`);
        }
      }
    }
  }
  return problems;
}

/**
 * The problem with what `npm install` said about @pmem2/native's install script, if any: its
 * allowScripts warning must name the real script, `node-gyp-build`. (npm 11 names a
 * synthetic `node-gyp rebuild` for a package that ships binding.gyp unless its manifest says
 * `"gypfile": false`. `npm install-scripts ls`, run later, still says `node-gyp rebuild`: it
 * reads the lockfile, which records no scripts and no gypfile, so it cannot be checked.)
 */
export function installScriptProblem(installOutput, nativeVersion) {
  const line = installOutput
    .split('\n')
    .find((l) => l.includes('install-scripts') && l.includes(`@pmem2/native@${nativeVersion}`));
  if (!line) return `npm install did not list @pmem2/native@${nativeVersion}'s install script`;
  return line.includes('(install: node-gyp-build)')
    ? undefined
    : `npm install names another install script: ${line.trim()}`;
}

/** The problem with `pmem2 info <file>`'s output for a regular file of `size` bytes, if any. */
export function infoOutputProblem(stdout, file, size) {
  const lines = stdout.trimEnd().split('\n');
  if (lines[0] !== file) return `the first line is ${JSON.stringify(lines[0])}, not the path`;
  const expected = [
    /^ {2}type {10}regular file$/,
    new RegExp(`^ {2}size {10}${size} bytes$`),
    /^ {2}alignment {5}\d+ bytes/,
    /^ {2}granularity {3}(PAGE|CACHE_LINE|BYTE)$/,
    /^ {2}flush {9}\S/,
  ];
  const missing = expected.filter((pattern) => !lines.some((l) => pattern.test(l)));
  return missing.length === 0 ? undefined : `no line matches ${missing.join(', ')}`;
}
